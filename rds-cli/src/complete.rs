//! Shell completion: `rds completion bash|zsh|fish` prints a script that asks `rds __complete <words>` for the
//! candidates, so completion always matches the command table of the installed binary.

use crate::args::GLOBAL_FLAGS;
use crate::commands::COMMANDS;
use crate::{table, EXIT_OK, EXIT_USAGE};

const BASH: &str = r#"# bash completion for rds: source <(rds completion bash)
_rds() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(rds __complete "${COMP_WORDS[@]:1:COMP_CWORD}")" -- "$cur"))
}
complete -o default -F _rds rds
"#;

const ZSH: &str = r#"#compdef rds
# zsh completion for rds: source <(rds completion zsh)
_rds() {
    local -a candidates
    candidates=(${(f)"$(rds __complete "${(@)words[2,CURRENT]}")"})
    compadd -a candidates
}
compdef _rds rds
"#;

const FISH: &str = r#"# fish completion for rds: rds completion fish | source
complete -c rds -f -a '(rds __complete (commandline -opc)[2..-1] (commandline -ct))'
"#;

/// Prints the completion script of `shell`; returns the exit code.
pub fn print_script(shell: Option<&str>) -> i32 {
    match shell {
        Some("bash") => print!("{BASH}"),
        Some("zsh") => print!("{ZSH}"),
        Some("fish") => print!("{FISH}"),
        other => {
            let given = other.map(|s| format!(" (not {s:?})")).unwrap_or_default();
            eprintln!("rds: usage: rds completion bash|zsh|fish{given}");
            return EXIT_USAGE;
        }
    }
    EXIT_OK
}

/// The candidates for the last of `words` (the words after `rds`, the one being completed last, maybe
/// empty): actions for the first word, else the action's parameters and the global flags, in the naming
/// style of the action as typed (wire or kebab).
pub fn candidates(words: &[String]) -> Vec<String> {
    let (current, before) = match words.split_last() {
        Some((current, before)) => (current.as_str(), before),
        None => ("", &[][..]),
    };
    let Some(first) = before.first() else {
        let kebab = current.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let mut names: Vec<String> =
            COMMANDS.iter().map(|c| if kebab { c.kebab } else { c.action }).map(str::to_owned).collect();
        names.extend(["help", "completion", "migrate"].map(str::to_owned));
        return names.into_iter().filter(|n| n.starts_with(current)).collect();
    };
    if first == "completion" {
        return ["bash", "zsh", "fish"].iter().filter(|s| s.starts_with(current)).map(|s| s.to_string()).collect();
    }
    if first == "help" {
        return COMMANDS.iter().map(|c| c.action.to_owned()).filter(|n| n.starts_with(current)).collect();
    }
    // Below a parameter sent flattened: `--Tag.1.` offers the item's fields.
    if let Some((base, _)) = current.strip_prefix("--").and_then(|name| name.split_once('.')) {
        let kebab = table::find(first).is_some_and(|c| first.as_str() == c.kebab && c.kebab != c.action);
        return match table::find(first).and_then(|c| c.param(base)) {
            Some(param) => crate::flat::complete(param, current, kebab, before),
            None => Vec::new(),
        };
    }
    let mut flags: Vec<String> = match table::find(first) {
        Some(command) => {
            let kebab = first.as_str() == command.kebab && command.kebab != command.action;
            command.params.iter().map(|p| format!("--{}", if kebab { p.kebab } else { p.wire })).collect()
        }
        None if first == "migrate" => crate::migrate::FLAGS.iter().map(|f| f.to_string()).collect(),
        None => Vec::new(),
    };
    flags.extend(GLOBAL_FLAGS.iter().map(|f| f.to_string()));
    flags.into_iter().filter(|f| f.starts_with(current)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn actions_then_parameters() {
        assert_eq!(
            candidates(&words(&["DescribeDBInstancesBy"])),
            ["DescribeDBInstancesByExpireTime", "DescribeDBInstancesByPerformance"]
        );
        assert_eq!(
            candidates(&words(&["describe-db-instances-by"])),
            ["describe-db-instances-by-expire-time", "describe-db-instances-by-performance"]
        );
        assert_eq!(candidates(&words(&["DescribeDBInstances", "--Region"])), ["--RegionId"]);
        assert_eq!(candidates(&words(&["describe-db-instances", "--region"])), ["--region-id", "--region"]);
        assert_eq!(candidates(&words(&["completion", "z"])), ["zsh"]);
        assert_eq!(candidates(&words(&["AddTagsToResource", "--Tag.1."])), ["--Tag.1.key", "--Tag.1.value"]);
        assert_eq!(
            candidates(&words(&["describe-rc-instance-history-events", "--event-publish-time.s"])),
            ["--event-publish-time.start"]
        );
        assert!(candidates(&words(&["AttachRCInstances", "--InstanceIds."])).is_empty());
    }
}
