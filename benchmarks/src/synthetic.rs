//! Synthetic spec sets of any size, made from the real specs, for measuring the generator (and the compile
//! time of its output) at scale.
//!
//! A synthetic set is written on demand by the benchmarks and never committed.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Writes a spec directory with exactly `operations` operations to `out`, made from the real spec directory
/// `real_specs` (`service.yaml`, `models/`, `operations/`).
///
/// `service.yaml` and every `models/*.yaml` are copied as they are. The operation files are made by cycling
/// through the real ones in file-name order and renaming each copy after its index, in both its file name
/// and its `name:` (`DescribeDBInstances0007.yaml` with `name: DescribeDBInstances0007`); a top-level
/// `rust_name:` gets the same suffix, so every copy has its own wire and Rust names. Indices have at least
/// four digits, more when `operations` needs them. The result loads with [`codegen::load::load_dir`].
///
/// `out` is created when missing. `.yaml` files already in `out/operations/` and `out/models/` are removed
/// first, so a directory can be rewritten with another size; nothing else in `out` is touched.
///
/// Fails with [`io::ErrorKind::InvalidInput`] when `real_specs/operations/` holds no `.yaml` file, and with
/// [`io::ErrorKind::InvalidData`] when an operation file has no top-level `name:` line.
pub fn write_synthetic_specs(real_specs: &Path, out: &Path, operations: usize) -> io::Result<()> {
    let sources = yaml_files(&real_specs.join("operations"))?;
    if sources.is_empty() {
        let message = format!("{} holds no operation (.yaml) files", real_specs.join("operations").display());
        return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
    }
    let texts = sources.iter().map(|path| Ok((path, fs::read_to_string(path)?))).collect::<io::Result<Vec<_>>>()?;

    fs::create_dir_all(out)?;
    fs::copy(real_specs.join("service.yaml"), out.join("service.yaml"))?;

    let models_out = out.join("models");
    clear_yaml(&models_out)?;
    let models_in = real_specs.join("models");
    if models_in.is_dir() {
        fs::create_dir_all(&models_out)?;
        for model in yaml_files(&models_in)? {
            fs::copy(&model, models_out.join(model.file_name().expect("a listed file has a name")))?;
        }
    }

    let operations_out = out.join("operations");
    clear_yaml(&operations_out)?;
    fs::create_dir_all(&operations_out)?;
    let width = operations.saturating_sub(1).to_string().len().max(4);
    for index in 0..operations {
        let (path, text) = &texts[index % texts.len()];
        let suffix = format!("{index:0width$}");
        let (name, renamed) = rename(text, &suffix).ok_or_else(|| {
            let message = format!("{}: no top-level `name:` line", path.display());
            io::Error::new(io::ErrorKind::InvalidData, message)
        })?;
        fs::write(operations_out.join(format!("{name}.yaml")), renamed)?;
    }
    Ok(())
}

/// The operation's new name and its text with the top-level `name:` (and `rust_name:`, if any) suffixed.
fn rename(text: &str, suffix: &str) -> Option<(String, String)> {
    let mut name = None;
    let mut out = String::with_capacity(text.len() + 2 * suffix.len());
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let ending = &line[content.len()..];
        match top_level_value(content, "name") {
            Some(value) if name.is_none() => {
                let new = format!("{value}{suffix}");
                out.push_str(&format!("name: {new}{ending}"));
                name = Some(new);
                continue;
            }
            _ => {}
        }
        match top_level_value(content, "rust_name") {
            Some(value) => out.push_str(&format!("rust_name: {value}{suffix}{ending}")),
            None => out.push_str(line),
        }
    }
    name.map(|name| (name, out))
}

/// The scalar value of a top-level `key: value` line (unquoted, without a trailing comment).
fn top_level_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.strip_prefix(':')?;
    let value = rest.split(" #").next().unwrap_or_default().trim();
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    (!value.is_empty()).then_some(value)
}

/// The `.yaml` files of a directory (not hidden), sorted by file name; empty when it does not exist.
fn yaml_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden && path.is_file() && path.extension() == Some(OsStr::new("yaml")) {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// Removes the `.yaml` files of `dir`, if it exists.
fn clear_yaml(dir: &Path) -> io::Result<()> {
    for path in yaml_files(dir)? {
        fs::remove_file(path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_the_top_level_name_only() {
        let text = "# c\nname: Foo\nsummary: s\nparameters:\n  - name: Bar\n    type: string\nrust_name: Baz\n";
        let (name, out) = rename(text, "0042").unwrap();
        assert_eq!(name, "Foo0042");
        assert_eq!(
            out,
            "# c\nname: Foo0042\nsummary: s\nparameters:\n  - name: Bar\n    type: string\nrust_name: Baz0042\n"
        );
        assert_eq!(rename("summary: s\n", "0001"), None);
        assert_eq!(rename("name: \"Quoted\" # c\r\n", "0001").unwrap().1, "name: Quoted0001\r\n");
    }
}
