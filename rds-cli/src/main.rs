//! `rds`: the command-line client of the ApsaraDB RDS API. See the crate's library docs and `rds help`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(rds_cli::main_with(&args));
}
