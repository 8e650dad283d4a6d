//! `rds help` and `rds <Action> --help`, from the command table (so from the specs).

use std::fmt::Write;

use crate::commands::COMMANDS;
use crate::table::{Command, Param};

/// Prints the general help: usage, the global flags and every action with its summary.
pub fn print_general() {
    print!("{}", general());
}

/// The general help text.
pub fn general() -> String {
    let mut text = String::from(
        "rds: the ApsaraDB RDS API (2014-08-15) from the command line, validated before anything is sent.\n\n\
         Usage:\n  \
         rds <Action> [--<Parameter> <value>]... [flags]   e.g. rds DescribeDBInstances --RegionId cn-hangzhou\n  \
         rds <action-in-kebab-case> [--<parameter-in-kebab-case> <value>]...\n  \
         rds <Action> --help                               the parameters of an action\n  \
         rds migrate --source <id> --destination <id> --db <name>[:<new name>]...\n  \
         rds completion bash|zsh|fish\n\n\
         Flags (as the aliyun CLI's):\n  \
         --profile <name>          profile of ~/.aliyun/config.json (else ALIBABA_CLOUD_PROFILE, else its current)\n  \
         --region <id>             region: endpoint, and RegionId when the action takes it and it is not given\n  \
         --endpoint <url>          endpoint URL\n  \
         --access-key-id <id>, --access-key-secret <secret>, --sts-token <token>\n  \
         --read-timeout <s>        whole request, seconds (or 500ms, 1m)\n  \
         --connect-timeout <s>     connecting, seconds\n  \
         --retry-count <n>         retries after the first attempt (only when safe for the action)\n  \
         --method <GET|POST>       must be the action's own method\n  \
         --dryrun                  print the signed request (secrets redacted) as JSON; send nothing\n  \
         --pager                   fetch every page (the spec says how the action pages) and merge them\n  \
         --waiter expr=<field> to=<value> [timeout=<s>] [interval=<s>]\n                            \
         repeat the request until the JMESPath <field> of the answer is <value>\n  \
         --cli-query <JMESPath>    filter the JSON answer\n  \
         --output cols=<a,b> [rows=<JMESPath>]   print a table\n  \
         --quiet                   print nothing on stdout\n\n\
         Values: scalars as text; lists as --Name.1 a --Name.2 b or --Name '[\"a\",\"b\"]'; objects and lists of\n\
         objects field by field, --Name.Field v or --Tag.1.Key k --Tag.1.Value v, or whole as JSON (text or\n\
         file://<path>): --Tag '[{\"Key\":\"k\",\"Value\":\"v\"}]'; comma-joined lists as --Name a,b or a JSON array;\n\
         JSON parameters as text or file://<path>. `rds <Action> --help` shows how each parameter is given.\n\
         Exit codes: 0 done, 1 refused by the service or not sent/answered, 2 bad command line (nothing sent).\n\n\
         Actions:\n",
    );
    let width = COMMANDS.iter().map(|c| c.action.len()).max().unwrap_or(0);
    for c in COMMANDS {
        let deprecated = if c.deprecated.is_some() { " (deprecated)" } else { "" };
        let _ = writeln!(text, "  {:<width$}  {}{deprecated}", c.action, c.summary);
    }
    let migrate = "ImportDatabaseBetweenInstances end to end: preflight, import, wait";
    let _ = writeln!(text, "  {:<width$}  {migrate}", "migrate");
    text
}

fn placeholder(p: &Param) -> String {
    format!("<{}>", p.type_text)
}

/// The help of one action: summary, description, usage, paging, every parameter with its type, required
/// flag, constraints, default, example and description, the rules over several parameters, and the
/// deprecation note.
pub fn command_help(c: &Command) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{} ({}): {}", c.action, c.kebab, c.summary);
    if let Some(note) = c.deprecated {
        let _ = writeln!(t, "\nDEPRECATED: {note}");
    }
    if !c.description.is_empty() {
        let _ = writeln!(t, "\n{}", c.description);
    }
    let mut usage = format!("\nUsage: rds {}", c.action);
    for p in c.params.iter().filter(|p| p.required) {
        let _ = write!(usage, " --{} {}", p.wire, placeholder(p));
    }
    if c.params.iter().any(|p| !p.required) {
        usage.push_str(" [--<Parameter> <value>]...");
    }
    let _ = writeln!(t, "{usage}");
    let _ = writeln!(
        t,
        "Method: {}, {}",
        c.method,
        if c.idempotent { "idempotent" } else { "not idempotent (never retried after it may have been applied)" }
    );
    if let Some(paging) = &c.paging {
        let mut styles = Vec::new();
        if let Some(n) = &paging.number {
            let default = n.default_size.map(|d| format!(", {d} per page by default")).unwrap_or_default();
            styles.push(format!("by number ({}, {}{default})", n.page, n.size));
        }
        if let Some(tk) = &paging.token {
            let size = tk.size.map(|s| format!(", {s}")).unwrap_or_default();
            styles.push(format!("by token ({}{size})", tk.token));
        }
        let _ = writeln!(t, "Pages: {}; --pager fetches every page and merges them", styles.join(" or "));
    }
    let _ = writeln!(t, "\nParameters:");
    for p in c.params {
        let required = if p.required { "required" } else { "optional" };
        let _ = writeln!(t, "  --{} {}  (--{}) {required}", p.wire, placeholder(p), p.kebab);
        if !p.description.is_empty() {
            for line in p.description.lines() {
                let _ = writeln!(t, "      {line}");
            }
        }
        if !p.constraints.is_empty() {
            let list: Vec<String> = p.constraints.iter().map(ToString::to_string).collect();
            let _ = writeln!(t, "      constraints: {}", list.join("; "));
        }
        let values = p.kind.enum_values();
        if !values.is_empty() && !matches!(p.kind, crate::table::Kind::Boolean) {
            let _ = writeln!(t, "      values: {}", values.join(", "));
        }
        if let Some(default) = p.default {
            let _ = writeln!(t, "      default: {default}");
        }
        if let Some(example) = p.example {
            let _ = writeln!(t, "      example: {example}");
        }
        for line in crate::flat::help_lines(p) {
            let _ = writeln!(t, "      {line}");
        }
        if p.sensitive {
            let _ = writeln!(t, "      sensitive: never shown");
        }
    }
    if !c.rules.is_empty() {
        let _ = writeln!(t, "\nRules:");
        for rule in c.rules {
            let _ = writeln!(t, "  {rule}");
        }
    }
    t
}
