//! What goes to stdout: the service's JSON answer (pretty-printed), filtered by `--cli-query` (JMESPath), or
//! a table (`--output cols=… rows=…`); nothing with `--quiet`.

use std::io::Write;

use serde_json::Value;

use crate::args::{Globals, TableSpec};
use crate::run::Invocation;
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// A compiled JMESPath expression.
pub type Expression = jmespath::Expression<'static>;

/// Compiles a JMESPath expression.
pub fn compile(expr: &str) -> Result<Expression, String> {
    jmespath::compile(expr).map_err(|e| e.to_string())
}

/// Evaluates `expr` on `value`.
pub fn search(expr: &Expression, value: &Value) -> Result<Value, String> {
    let found = expr.search(value).map_err(|e| e.to_string())?;
    serde_json::to_value(&*found).map_err(|e| e.to_string())
}

/// A value as a table cell or a waiter's comparison: strings as they are, `null` as nothing, the rest as JSON.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Prints the service's answer `body` as the flags ask; returns the exit code.
pub fn print_answer(inv: &Invocation, body: &str) -> i32 {
    match serde_json::from_str::<Value>(body) {
        Ok(value) => print_value(inv, value),
        Err(err) => {
            // `send_with_body` only returns bodies that decoded, so this is not expected.
            eprintln!("rds: the answer is not JSON: {err}");
            EXIT_FAILED
        }
    }
}

/// Prints `value` as the flags ask (`--cli-query`, `--output`, `--quiet`); returns the exit code.
pub fn print_value(inv: &Invocation, value: Value) -> i32 {
    let g = &inv.globals;
    let value = match &g.cli_query {
        Some(query) => match compile(query).and_then(|expr| search(&expr, &value)) {
            Ok(found) => found,
            Err(why) => {
                eprintln!("rds: --cli-query {query:?}: {why}");
                return EXIT_USAGE;
            }
        },
        None => value,
    };
    match &g.output {
        Some(spec) => match table(spec, &value) {
            Ok(text) => {
                if !g.quiet {
                    print!("{text}");
                }
                EXIT_OK
            }
            Err(why) => {
                eprintln!("rds: --output: {why}");
                EXIT_USAGE
            }
        },
        None => {
            print_json(g, &value);
            EXIT_OK
        }
    }
}

/// Prints `value` pretty-printed on stdout, unless `--quiet`.
pub fn print_json(g: &Globals, value: &Value) {
    if g.quiet {
        return;
    }
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

/// Renders `value` as the aliyun CLI's tables: a header, a rule, one line per row, columns joined by ` | `.
pub fn table(spec: &TableSpec, value: &Value) -> Result<String, String> {
    let rows = match &spec.rows {
        Some(rows) => search(&compile(rows).map_err(|e| format!("rows={rows}: {e}"))?, value)?,
        None => value.clone(),
    };
    let rows = match rows {
        Value::Array(rows) => rows,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    let cols: Vec<Expression> =
        spec.cols.iter().map(|c| compile(c).map_err(|e| format!("cols={c}: {e}"))).collect::<Result<_, _>>()?;
    let mut cells: Vec<Vec<String>> = vec![spec.cols.clone()];
    for row in &rows {
        cells.push(cols.iter().map(|c| search(c, row).map(|v| text_of(&v))).collect::<Result<_, _>>()?);
    }
    let widths: Vec<usize> =
        (0..spec.cols.len()).map(|i| cells.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let line = |row: &[String]| -> String {
        let padded: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("{}\n", padded.join(" | ").trim_end())
    };
    let mut text = line(&cells[0]);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    text.push_str(&line(&rule));
    for row in &cells[1..] {
        text.push_str(&line(row));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_and_tables() {
        let answer = json!({"Items": {"DBInstance": [
            {"DBInstanceId": "rm-a", "DBInstanceStatus": "Running", "Engine": "SQLServer"},
            {"DBInstanceId": "rm-bb", "DBInstanceStatus": "Stopped", "Engine": "MySQL"}
        ]}});
        let ids = search(&compile("Items.DBInstance[?Engine=='MySQL'].DBInstanceId").unwrap(), &answer).unwrap();
        assert_eq!(ids, json!(["rm-bb"]));
        assert_eq!(search(&compile("Items.DBInstance[0].Engine").unwrap(), &answer).unwrap(), json!("SQLServer"));
        let spec = TableSpec {
            cols: vec!["DBInstanceId".into(), "DBInstanceStatus".into()],
            rows: Some("Items.DBInstance[]".into()),
        };
        let text = table(&spec, &answer).unwrap();
        assert_eq!(
            text,
            "DBInstanceId | DBInstanceStatus\n------------ | ----------------\nrm-a         | Running\nrm-bb        | Stopped\n"
        );
        assert!(compile("Items[").is_err());
    }
}
