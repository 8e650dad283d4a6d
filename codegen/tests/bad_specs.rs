//! The bad-spec corpus: each directory under `tests/bad-specs/` is a spec directory with known problems, and
//! each test pins every diagnostic it must produce (file, line, column, operation, parameter, message).
//! Also checks that the real specs load cleanly.

use std::path::{Path, PathBuf};

use codegen::diagnostic::Diagnostic;
use codegen::load::{load_dir, load_sources, SourceFile};

/// Renders a diagnostic as `file:line:column [operation] [parameter] message`, the file relative to `dir`
/// and `-` for a missing operation or parameter, so that one string pins every part of it.
fn render(d: &Diagnostic, dir: &Path) -> String {
    let file = d.file.strip_prefix(dir).unwrap_or(&d.file).display();
    let (op, param) = (d.operation.as_deref().unwrap_or("-"), d.parameter.as_deref().unwrap_or("-"));
    format!("{file}:{}:{} [{op}] [{param}] {}", d.span.line, d.span.column, d.message)
}

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-specs").join(case)
}

/// Loads the case and asserts it produces exactly the expected diagnostics, in this order. Each expectation
/// is the rendered diagnostic or a prefix of it (long messages are cut after their stable part).
fn expect(case: &str, expected: &[&str]) {
    let dir = case_dir(case);
    let diagnostics = match load_dir(&dir) {
        Ok(_) => panic!("{case}: loaded without problems"),
        Err(d) => d,
    };
    let actual: Vec<String> = diagnostics.0.iter().map(|d| render(d, &dir)).collect();
    let listing = actual.join("\n");
    assert_eq!(actual.len(), expected.len(), "{case}: got\n{listing}");
    for (actual, expected) in actual.iter().zip(expected) {
        assert!(actual.starts_with(expected), "{case}:\n expected {expected}\n      got {actual}");
    }
}

#[test]
fn the_real_specs_load_without_problems() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
    if let Err(diagnostics) = load_dir(&dir) {
        panic!("{diagnostics}");
    }
}

#[test]
fn operations_are_sorted_by_file_name() {
    let source = |path: &str, text: &str| SourceFile { path: PathBuf::from(path), text: text.to_owned() };
    let service = source(
        "specs/service.yaml",
        "name: T\nproduct: T\nversion: v1\nstyle: rpc\nhttp_method: GET\nendpoint: https://t.example.com\n",
    );
    let operation = |name: &str| {
        source(&format!("specs/operations/{name}.yaml"), &format!("name: {name}\nsummary: S.\nidempotent: true\n"))
    };
    let set = load_sources(service, vec![operation("Zeta"), operation("Alpha"), operation("Mid")]).unwrap();
    let names: Vec<_> = set.operations.iter().map(|op| op.name.value.as_str()).collect();
    assert_eq!(names, ["Alpha", "Mid", "Zeta"]);
}

/// An invalid `pattern` regex shows the regex error; an example must match a valid one.
#[test]
fn bad_pattern() {
    expect(
        "bad-pattern",
        &[
            "operations/Op.yaml:7:14 [Op] [Broken] invalid regex in `pattern` `([a-z]+`: unclosed group",
            "operations/Op.yaml:11:14 [Op] [Code] `example` `abc` does not match `pattern`",
        ],
    );
}

/// `min` > `max`, `min_length` > `max_length`, `min_items` > `max_items`.
#[test]
fn bounds() {
    expect(
        "bounds",
        &[
            "operations/Op.yaml:8:10 [Op] [Count] min (10) is greater than max (5)",
            "operations/Op.yaml:12:17 [Op] [Text] min_length (5) is greater than max_length (3)",
            "operations/Op.yaml:16:16 [Op] [Ids] min_items (3) is greater than max_items (1)",
        ],
    );
}

/// `default` and `example` must be values of the type that meet its constraints (and valid JSON for json).
#[test]
fn default_example() {
    expect(
        "default-example",
        &[
            "operations/Op.yaml:7:14 [Op] [A] `default` must be an integer in the int32 range, found the string `5`",
            "operations/Op.yaml:10:14 [Op] [B] `example` must be an integer in the int32 range, found the integer 3000000000",
            "operations/Op.yaml:14:14 [Op] [C] `example` `toolong` is longer than `max_length`",
            "operations/Op.yaml:17:14 [Op] [D] `example` is not valid JSON: ",
            "operations/Op.yaml:25:14 [Op] [E] `default` must be `true` or `false`, found the string `yes`",
            "operations/Op.yaml:28:14 [Op] [F] `example` does not apply to type list (only to scalar, enum and json types)",
            "operations/Op.yaml:34:14 [Op] [G] `default` 0 is less than `min`",
            "operations/Op.yaml:38:14 [Op] [R] `example` must be a string (quote it), found the integer 5",
        ],
    );
}

/// A key written twice in one mapping.
#[test]
fn duplicate_keys() {
    expect(
        "duplicate-keys",
        &[
            "operations/Op.yaml:4:1 [Op] [-] duplicate key `summary` (first at line 2)",
            "operations/Op.yaml:8:5 [Op] [A] duplicate key `type` (first at line 7)",
        ],
    );
}

/// Parameters, response fields and object fields: the same wire name twice, or wire names whose derived
/// Rust names collide (`DBInstanceId` / `DbInstanceId`).
#[test]
fn duplicate_names() {
    expect(
        "duplicate-names",
        &[
            "operations/Op.yaml:7:11 [Op] [DbInstanceId] parameters `DBInstanceId` and `DbInstanceId` both have the Rust name `db_instance_id`; set rust_name on one of them",
            "operations/Op.yaml:9:11 [Op] [DBInstanceId] duplicate parameter `DBInstanceId` (first at line 5)",
            "operations/Op.yaml:18:17 [Op] [Filter] field ProxyId: fields `proxyId` and `ProxyId` both have the Rust name `proxy_id`; set rust_name on one of them",
            "operations/Op.yaml:23:11 [Op] [RequestId] duplicate response field `RequestId` (first at line 21)",
        ],
    );
}

/// An empty operation file.
#[test]
fn empty_file() {
    expect("empty-file", &["operations/Op.yaml:1:1 [Op] [-] the file is empty"]);
}

/// Enum values: duplicate wire values and Rust names, underivable and keyword Rust names, and a `default`
/// outside the values.
#[test]
fn enum_values() {
    expect(
        "enum-values",
        &[
            "operations/Op.yaml:9:9 [Op] [Status] enum values `Running` and `running` both have the Rust name `Running`; set rust_name on one of them",
            "operations/Op.yaml:10:9 [Op] [Status] duplicate enum value `Running` (first at line 8)",
            "operations/Op.yaml:11:16 [Op] [Status] derived Rust name `2017Ent` of `2017_ent` is not a valid identifier; set rust_name",
            "operations/Op.yaml:13:20 [Op] [Status] `type` is a Rust keyword; choose another rust_name",
            "operations/Op.yaml:14:14 [Op] [Status] `default` `Paused` is not one of the enum's values: Running, running, Running, 2017_ent, Stopped",
        ],
    );
}

/// Errors: duplicate codes, colliding Rust names, and a name the error enum reserves.
#[test]
fn error_codes() {
    expect(
        "error-codes",
        &[
            "operations/Op.yaml:8:11 [Op] [-] duplicate error code `Boom` (first at line 5)",
            "operations/Op.yaml:14:11 [Op] [-] error codes `Boom.Bust` and `BoomBust` both have the Rust name `BoomBust`; set rust_name on one of them",
            "operations/Op.yaml:17:11 [Op] [-] the Rust name `Unknown` is reserved in an operation's error enum; set rust_name",
        ],
    );
}

/// Parse problems in one file and check problems in another, all reported at once, sorted.
#[test]
fn many_problems() {
    expect(
        "many-problems",
        &[
            "operations/Alpha.yaml:3:13 [Alpha] [-] `idempotent` must be true or false, found the scalar `maybe`",
            "operations/Alpha.yaml:7:5 [Alpha] [A] unknown key `colour` in a parameter",
            "operations/Alpha.yaml:8:5 [Alpha] [B] missing required key `type` in a parameter",
            "operations/Beta.yaml:8:10 [Beta] [Size] min (10) is greater than max (1)",
            "operations/Beta.yaml:10:20 [Beta] [-] `differ` names unknown parameter `Nope`",
        ],
    );
}

/// Constraints and type keys on a type they do not apply to; bounds of the wrong kind or range; `allowed`
/// values of the wrong kind; `wrapper` in a request.
#[test]
fn misfit_constraints() {
    expect(
        "misfit-constraints",
        &[
            "operations/Op.yaml:7:10 [Op] [A] `min` does not apply to type string (only to int32, int64, float, float32)",
            "operations/Op.yaml:8:19 [Op] [A] `unique_items` does not apply to type string (only to list, map)",
            "operations/Op.yaml:11:14 [Op] [B] `pattern` does not apply to type int32 (only to string)",
            "operations/Op.yaml:12:10 [Op] [B] `min` must be an integer for an int32 type, found the number 1.5",
            "operations/Op.yaml:13:10 [Op] [B] `max` 3000000000 is out of the int32 range",
            "operations/Op.yaml:16:14 [Op] [C] `allowed` does not apply to type boolean (only to string, int32, int64, float, float32)",
            "operations/Op.yaml:19:18 [Op] [D] item 2 of `allowed` must be a string (quote it), found the integer 2",
            "operations/Op.yaml:22:20 [Op] [E] `unique_values` does not apply to type list (only to map)",
            "operations/Op.yaml:23:14 [Op] [E] `wrapper` only applies to lists in responses",
            "operations/Op.yaml:29:7 [Op] [F] `items` does not apply to type string (only to list)",
            "operations/Op.yaml:31:7 [Op] [F] `value` does not apply to type string (only to map)",
            "operations/Op.yaml:33:9 [Op] [F] `fields` does not apply to type string (only to object)",
            "operations/Op.yaml:36:9 [Op] [F] `variants` does not apply to type string (only to one_of)",
            "operations/Op.yaml:38:14 [Op] [F] `values` does not apply to type string (only to enum)",
            "operations/Op.yaml:40:7 [Op] [F] `schema` does not apply to type string (only to json)",
        ],
    );
}

/// Required keys missing from an operation, a parameter, `deprecated` and an error.
#[test]
fn missing_keys() {
    expect(
        "missing-keys",
        &[
            "operations/Op.yaml:1:1 [Op] [-] missing required key `summary` in an operation file",
            "operations/Op.yaml:3:13 [Op] [-] missing required key `note` in `deprecated`",
            "operations/Op.yaml:5:5 [Op] [A] missing required key `type` in a parameter",
            "operations/Op.yaml:7:5 [Op] [-] missing required key `name` in a parameter",
            "operations/Op.yaml:10:5 [Op] [-] missing required key `description` in an error",
        ],
    );
}

/// Types without the key that defines them: `items`, `values`, `schema`, `value`, `fields`.
#[test]
fn missing_type_parts() {
    expect(
        "missing-type-parts",
        &[
            "operations/Op.yaml:6:5 [Op] [Ids] a list type needs `items`",
            "operations/Op.yaml:8:5 [Op] [Mode] an enum type needs at least one entry in `values`",
            "operations/Op.yaml:10:5 [Op] [Filter] a json type needs `schema`, the shape of the encoded value",
            "operations/Op.yaml:13:5 [Op] [Tags] a map type needs `value` (keys are always strings)",
            "operations/Op.yaml:15:5 [Op] [Info] an object type needs at least one field in `fields`",
        ],
    );
}

/// Lengths and counts must be non-negative, unquoted integers.
#[test]
fn negative_lengths() {
    expect(
        "negative-lengths",
        &[
            "operations/Op.yaml:7:17 [Op] [A] `min_length` must not be negative, found -1",
            "operations/Op.yaml:8:17 [Op] [A] `max_length` must be a non-negative integer, found the quoted string `64`",
            "operations/Op.yaml:11:16 [Op] [B] `max_items` must not be negative, found -2",
        ],
    );
}

/// A problem deep inside a json schema or a response list names the top-level parameter and the path.
#[test]
fn nested_paths() {
    expect(
        "nested-paths",
        &[
            "operations/Op.yaml:18:29 [Op] [DBInfo] field DBNames: variant Same: items: min_length (5) is greater than max_length (2)",
            "operations/Op.yaml:32:17 [Op] [Items] items: field Name: duplicate field `Name` (first at line 30)",
        ],
    );
}

/// one_of: duplicate variant names, a variant name of the wrong case, fewer than two variants.
#[test]
fn one_of_variants() {
    expect(
        "one-of-variants",
        &[
            "operations/Op.yaml:12:17 [Op] [Shape] variant Same: duplicate variant `Same` (first at line 10)",
            "operations/Op.yaml:14:17 [Op] [Shape] variant lower: variant name `lower` must be an UpperCamelCase identifier, like `Lower`",
            "operations/Op.yaml:19:7 [Op] [Single] a one_of type needs at least two `variants`",
        ],
    );
}

/// Operation names: the Action pattern, equal to the file stem, unique across files.
#[test]
fn operation_names() {
    expect(
        "operation-names",
        &[
            "operations/Bad-Name.yaml:1:7 [Bad-Name] [-] operation name `Bad-Name` must match ^[A-Za-z][A-Za-z0-9]*$",
            "operations/Op.yaml:1:7 [Other] [-] operation name `Other` must equal the file name `Op`",
            "operations/Other.yaml:1:7 [Other] [-] operation `Other` is also defined in Op.yaml",
        ],
    );
}

/// Maps in requests only inside json; flattened list items must be scalars or enums; json only as a
/// request parameter's own type.
#[test]
fn placement() {
    expect(
        "placement",
        &[
            "operations/Op.yaml:6:11 [Op] [Tags] a map in a request must be inside a `json` parameter's schema (flattened maps are not supported)",
            "operations/Op.yaml:12:13 [Op] [Items] items of a list in a request must be a scalar type, an enum or an object (they are sent flattened, as `Name.1`, `Name.2.Field`, ...), found one_of; use a `json` parameter for other shapes",
            "operations/Op.yaml:12:13 [Op] [Items] items: a one_of in a request must be inside a `json` parameter's schema (a flattened parameter cannot tell its shapes apart)",
            "operations/Op.yaml:17:11 [Op] [Anything] `any` in a request must be inside a `json` parameter's schema (a flattened parameter needs a declared shape)",
            "operations/Op.yaml:20:16 [Op] [Joined] `separator` must not be empty",
            "operations/Op.yaml:24:16 [Op] [JoinedObjects] `separator` only applies to request lists of scalars or enums outside `json`",
            "operations/Op.yaml:34:15 [Op] [Outer] items: a `json` type is only allowed as the type of a request parameter itself",
            "operations/Op.yaml:40:16 [Op] [Listed] `separator` only applies to request lists of scalars or enums outside `json`",
            "operations/Op.yaml:43:11 [Op] [Raw] a `json` type cannot be used in a response; describe the value's shape instead",
        ],
    );
}

/// A rule needs exactly one known kind key with a value of the right shape.
#[test]
fn rule_kinds() {
    expect(
        "rule-kinds",
        &[
            "operations/Op.yaml:8:5 [Op] [-] unknown key `same` in a rule; expected one of: differ, description",
            "operations/Op.yaml:9:5 [Op] [-] a rule needs one kind key, one of: differ",
            "operations/Op.yaml:10:13 [Op] [-] `differ` must be a list, found the scalar `A`",
        ],
    );
}

/// `differ` rules: unknown parameters, parameters of different types, fewer than two, a name twice.
#[test]
fn rules() {
    expect(
        "rules",
        &[
            "operations/Op.yaml:12:17 [Op] [-] `differ` names unknown parameter `Missing`",
            "operations/Op.yaml:13:17 [Op] [B] `differ` compares parameters of different types: `A` is string, `B` is int64",
            "operations/Op.yaml:14:5 [Op] [-] a `differ` rule needs at least two parameters",
            "operations/Op.yaml:15:20 [Op] [-] `differ` names `A` twice",
        ],
    );
}

/// Explicit rust_names: keywords and wrong case; derived names: unescapable keywords and invalid
/// identifiers. A derived keyword that `r#` escapes (`type`) is fine.
#[test]
fn rust_names() {
    expect(
        "rust-names",
        &[
            "operations/Op.yaml:2:12 [Op] [-] rust_name `op_thing` must be an UpperCamelCase identifier, like `OpThing`",
            "operations/Op.yaml:7:16 [Op] [Kind] `struct` is a Rust keyword; choose another rust_name",
            "operations/Op.yaml:9:11 [Op] [self] derived Rust name `self` is a keyword that cannot be escaped; set rust_name",
            "operations/Op.yaml:12:16 [Op] [Options] rust_name `Options` must be a snake_case identifier, like `options`",
            "operations/Op.yaml:14:11 [Op] [1stChoice] derived Rust name `1st_choice` of `1stChoice` is not a valid identifier; set rust_name",
            "operations/Op.yaml:20:18 [Op] [Mode] type_name `mode_kind` must be an UpperCamelCase identifier, like `ModeKind`",
        ],
    );
}

/// service.yaml: empty name, style, http_method, endpoint scheme, duplicate error codes; an operation's
/// http_method and multi-line summary.
#[test]
fn service_problems() {
    expect(
        "service-problems",
        &[
            "operations/Op.yaml:3:3 [Op] [-] `summary` must be a single line; put the rest in `description`",
            "operations/Op.yaml:5:14 [Op] [-] `http_method` must be `GET` or `POST`, found `PATCH`",
            "service.yaml:1:7 [-] [-] `name` must not be empty",
            "service.yaml:4:8 [-] [-] `style` must be `rpc` (the only style supported), found `soap`",
            "service.yaml:5:14 [-] [-] `http_method` must be `GET` or `POST`, found `PUT`",
            "service.yaml:6:11 [-] [-] `endpoint` must be an http:// or https:// URL, found `ftp://test.example.com`",
            "service.yaml:11:11 [-] [-] duplicate error code `Busy` (first at line 8)",
        ],
    );
}

/// Unknown keys, with a hint when the key belongs to another kind of field; maps have no `key` type.
#[test]
fn unknown_keys() {
    expect(
        "unknown-keys",
        &[
            "operations/Op.yaml:4:1 [Op] [-] unknown key `colour` in an operation file",
            "operations/Op.yaml:8:5 [Op] [A] unknown key `lenght` in a parameter",
            "operations/Op.yaml:12:5 [Op] [B] unknown key `location` in a response field (only request parameters have it)",
            "operations/Op.yaml:13:5 [Op] [B] unknown key `default` in a response field (only request parameters have it)",
            "operations/Op.yaml:16:5 [Op] [C] unknown key `key` in a response field",
        ],
    );
}

/// An unknown type keyword lists the valid ones, inline and nested.
#[test]
fn unknown_type() {
    expect(
        "unknown-type",
        &[
            "operations/Op.yaml:6:11 [Op] [A] unknown type `strng`",
            "operations/Op.yaml:10:13 [Op] [B] items: unknown type `integer`",
        ],
    );
}

/// Anchors, aliases, tags and a second document are refused.
#[test]
fn unsupported_yaml() {
    expect(
        "unsupported-yaml",
        &[
            "operations/Op.yaml:2:16 [Op] [-] anchors (`&name`) are not supported; repeat the value instead",
            "operations/Op.yaml:3:14 [Op] [-] aliases (`*name`) are not supported; repeat the value instead",
            "operations/Op.yaml:4:20 [Op] [-] YAML tags (`tag:yaml.org,2002:bool`) are not supported; remove the tag",
            "operations/Op.yaml:5:1 [Op] [-] a spec file holds a single YAML document; remove the second `---`",
        ],
    );
}

/// A node of the wrong kind where a string, bool, list or mapping is expected; an empty value; a status
/// out of range.
#[test]
fn wrong_kinds() {
    expect(
        "wrong-kinds",
        &[
            "operations/Op.yaml:2:10 [Op] [-] `summary` must be a string, found a list",
            "operations/Op.yaml:3:13 [Op] [-] `idempotent` must be true or false, found the quoted string `true`",
            "operations/Op.yaml:5:3 [Op] [-] `parameters` must be a list, found a mapping",
            "operations/Op.yaml:8:5 [Op] [-] expected a response field (a mapping), found the scalar `just a string`",
            "operations/Op.yaml:9:1 [Op] [-] `rules` has no value; expected a list",
            "operations/Op.yaml:12:13 [Op] [-] `status` must be an HTTP status code from 100 to 599, found the integer 700",
        ],
    );
}

/// `sensitive` is true or false, and only on request parameters (a response field or an object field is told
/// why not).
#[test]
fn sensitive() {
    expect(
        "sensitive",
        &[
            "operations/Op.yaml:7:16 [Op] [Password] `sensitive` must be true or false, found the quoted string `yes`",
            "operations/Op.yaml:10:5 [Op] [Key] `sensitive` has no value; expected true or false",
            "operations/Op.yaml:25:16 [Op] [Token] `sensitive` must be true or false, found the quoted string `no`",
        ],
    );
}

/// A YAML syntax error, at the scanner's position.
#[test]
fn yaml_syntax() {
    expect("yaml-syntax", &["operations/Op.yaml:7:9 [Op] [-] YAML syntax error: "]);
}

/// A `.yml` file in operations/ is reported rather than silently skipped; other files are ignored.
#[test]
fn yml_extension() {
    expect(
        "yml-extension",
        &["operations/Op.yml:0:0 [-] [-] operation files must end in `.yaml`; rename this `.yml` file"],
    );
}

/// `pagination` names parameters and response fields that must exist with the right types; its keys are
/// checked like any other.
#[test]
fn pagination_problems() {
    expect(
        "pagination",
        &["operations/ListThings.yaml:22:5 [ListThings] [-] unknown key `colour` in `pagination.token`"],
    );
}

/// Once it parses, every name `pagination` uses is checked at once.
#[test]
fn pagination_names_and_types() {
    let dir = case_dir("pagination");
    let text =
        std::fs::read_to_string(dir.join("operations/ListThings.yaml")).unwrap().replace("    colour: red\n", "");
    let diagnostics = codegen::load::load_operation_str(&dir.join("operations/ListThings.yaml"), &text).unwrap_err();
    let rendered: Vec<String> = diagnostics.0.iter().map(|d| render(d, &dir)).collect();
    assert_eq!(
        rendered,
        [
            "operations/ListThings.yaml:14:10 [ListThings] [-] pagination: `Things` must be a list response field",
            "operations/ListThings.yaml:16:11 [ListThings] [-] pagination: `PageNumber` must be an optional int32 or int64 request parameter",
            "operations/ListThings.yaml:17:11 [ListThings] [-] pagination: `PageSize` must be an optional int32 or int64 request parameter",
            "operations/ListThings.yaml:18:12 [ListThings] [-] pagination: there is no response field `Total`",
            "operations/ListThings.yaml:20:12 [ListThings] [-] pagination: there is no request parameter `NextToken`",
            "operations/ListThings.yaml:21:17 [ListThings] [-] pagination: there is no response field `NextToken`",
        ]
    );
}

/// Shared models: the file name, the kind of type, references to missing models, object models sent
/// flattened, and `type: model` without `model`.
#[test]
fn model_problems() {
    expect(
        "models",
        &[
            "models/Colour.yaml:1:7 [-] [-] the model `Color` must be in a file named Color.yaml",
            "models/Colour.yaml:2:7 [-] [-] a model must be an enum, object or one_of, found string",
            "operations/Ship.yaml:7:12 [Ship] [Parcel] model `Parcel` is object: in a request, only enum models can be sent outside a `json` parameter",
            "operations/Ship.yaml:10:12 [Ship] [Label] there is no model `Sticker` (a file models/Sticker.yaml)",
            "operations/Ship.yaml:12:5 [Ship] [Wrap] a model type needs `model: Name`",
        ],
    );
}

/// Type names the generated code already uses in the module: prelude names it writes unqualified
/// (`Result`, `String`, `Vec`, ...) and the operation's own types, whether written as `type_name` or derived
/// from a field or variant name; an operation whose module or error enum would clash with `mod.rs`'s; an
/// explicit enum `rust_name` of `Unknown` (the catch-all's). A derived `Unknown` is fine: it is named
/// `UnknownValue`.
#[test]
fn generated_names() {
    expect(
        "generated-names",
        &[
            "models/Result.yaml:1:7 [-] [-] model name `Result` would shadow Rust's `Result` in the generated code; rename the model and its file, e.g. `ResultModel`",
            "models/Result.yaml:4:11 [-] [-] field Ok: the type of `Ok` is named `Ok` (derived from `Ok`), which would shadow Rust's `Ok` in the generated code; set `type_name: ResultOk`",
            "operations/Common.yaml:1:7 [Common] [-] operation Rust name `Common`: its error enum would be `CommonError`, the enum of the service's common errors; set rust_name",
            "operations/CreateGADInstance.yaml:5:11 [CreateGADInstance] [CreateGADInstanceResponse] the type of `CreateGADInstanceResponse` is named `CreateGadInstanceResponse` (derived from `CreateGADInstanceResponse`), which is the name of a type the generator emits for the operation (`CreateGadInstanceResponse`); set `type_name: CreateGadInstanceResponseValue`",
            "operations/CreateGADInstance.yaml:12:18 [CreateGADInstance] [Tags] type_name `CreateGadInstanceRequest` is the name of a type the generator emits for the operation (`CreateGadInstanceRequest`); choose another, e.g. `type_name: CreateGadInstanceRequestValue`",
            "operations/CreateGADInstance.yaml:22:17 [CreateGADInstance] [Spec] variant InstanceError: the type of `InstanceError` is named `CreateGadInstanceError` (derived from `InstanceError`), which is the name of a type the generator emits for the operation (`CreateGadInstanceError`); set `type_name: CreateGadInstanceErrorValue`",
            "operations/CreateGADInstance.yaml:33:20 [CreateGADInstance] [Mode] the Rust name `Unknown` is reserved for the variant that keeps values the SDK does not know; choose another rust_name",
            "operations/CreateGADInstance.yaml:38:11 [CreateGADInstance] [Result] the type of `Result` is named `Result` (derived from `Result`), which would shadow Rust's `Result` in the generated code; set `type_name: CreateGadInstanceResult`",
            "operations/CreateGADInstance.yaml:41:15 [CreateGADInstance] [Result] field Some: the type of `Some` is named `Some` (derived from `Some`), which would shadow Rust's `Some` in the generated code; set `type_name: CreateGadInstanceSome`",
            "operations/CreateGADInstance.yaml:46:16 [CreateGADInstance] [Status] type_name `String` would shadow Rust's `String` in the generated code; choose another, e.g. `type_name: CreateGadInstanceString`",
            "operations/CreateGADInstance.yaml:52:18 [CreateGADInstance] [Items] items: type_name `Vec` would shadow Rust's `Vec` in the generated code; choose another, e.g. `type_name: CreateGadInstanceVec`",
            "operations/Listing.yaml:2:12 [Listing] [-] operation Rust name `Crate`: its module would be `crate`, a keyword that cannot be escaped; set rust_name",
            "operations/Models.yaml:1:7 [Models] [-] operation Rust name `Models`: its module would be `models`, the module of the shared models; set rust_name",
        ],
    );
}

/// An operation imports the models it uses by name, so none of its inline types may have a model's name.
#[test]
fn model_shadowed() {
    expect(
        "model-shadowed",
        &["operations/Paint.yaml:10:16 [Paint] [Finish] type_name `Shade` is the name of the model `Shade`, which the operation also uses; choose another, e.g. `type_name: PaintShade`"],
    );
}

/// Parameters named like a common parameter of the client (exactly, or but for case) are refused, unless
/// the parameter is `SecurityToken` marked `common: shared`; `common` is `shared` only, on `SecurityToken`
/// only (of type string), in request parameters only.
#[test]
fn common_parameters() {
    expect(
        "common-parameters",
        &[
            "operations/Collide.yaml:5:11 [Collide] [Action] `Action` is a common parameter, which the client sends with every request (the service would not see this parameter's value); remove it",
            "operations/Collide.yaml:7:11 [Collide] [Signature] `Signature` is a common parameter, which the client sends with every request (the service would not see this parameter's value); remove it",
            "operations/Collide.yaml:9:11 [Collide] [Timestamp] `Timestamp` is a common parameter, which the client sends with every request (the service would not see this parameter's value); remove it",
            "operations/Collide.yaml:11:11 [Collide] [SignatureNonce] `SignatureNonce` is a common parameter, which the client sends with every request (the service would not see this parameter's value); remove it",
            "operations/Collide.yaml:14:11 [Collide] [version] `version` differs only in case from the common parameter `Version`, which the client sends with every request (the service would not see this parameter's value); remove it",
            "operations/Collide.yaml:16:11 [Collide] [SecurityToken] `SecurityToken` is a common parameter, which the client sends with every request (the service would not see this parameter's value); if it is the caller's STS token, mark it `common: shared`",
            "operations/Share.yaml:7:13 [Share] [DBInstanceId] `common: shared` is only allowed on `SecurityToken`; `DBInstanceId` is not a common parameter",
            "operations/Share.yaml:10:13 [Share] [Format] `common: shared` is only allowed on `SecurityToken`; the client always sets `Format` itself",
            "operations/Share.yaml:13:13 [Share] [securityToken] `common: shared` needs the exact wire name `SecurityToken`, found `securityToken`",
            "operations/Typed.yaml:7:13 [Typed] [SecurityToken] `SecurityToken` marked `common: shared` must be of type string (it is compared with the credentials' STS token), found int64",
            "operations/Unparsed.yaml:7:13 [Unparsed] [SecurityToken] `common` must be `shared`, found `private`",
            "operations/Unparsed.yaml:11:5 [Unparsed] [SecurityToken] unknown key `common` in a response field (only request parameters have it); expected one of: ",
        ],
    );
}
