//! The credentials provider chain, each source and their order, with temporary home directories and fake
//! environments only: these tests neither read nor change the process's environment or the real
//! `~/.aliyun/config.json`.

use std::path::{Path, PathBuf};

use rds_api::client::{BuildError, Client};
use rds_api::credentials::{Credentials, CredentialsChain, CredentialsError, CredentialsSource, Environment};

const SECRET: &str = "Secret-Marker-Must-Not-Leak-7f3a";
const TOKEN: &str = "Token-Marker-Must-Not-Leak-c91e";

/// A temporary home directory, removed when dropped.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home { dir: tempfile::tempdir().expect("temporary directory") }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config_path(&self) -> PathBuf {
        self.path().join(".aliyun").join("config.json")
    }

    /// Writes `~/.aliyun/config.json`.
    fn with_config(self, text: &str) -> Self {
        std::fs::create_dir_all(self.path().join(".aliyun")).unwrap();
        std::fs::write(self.config_path(), text).unwrap();
        self
    }

    /// An environment with no variables whose home is this directory.
    fn env(&self) -> Environment {
        Environment::empty().home(self.path())
    }
}

fn chain(env: Environment) -> CredentialsChain {
    CredentialsChain::new().environment(env)
}

/// An aliyun CLI config: `current` and `(name, mode, extra JSON fields)` profiles.
fn config(current: &str, profiles: &[(&str, &str, &str)]) -> String {
    let profiles: Vec<String> = profiles
        .iter()
        .map(|(name, mode, extra)| {
            let extra = if extra.is_empty() { String::new() } else { format!(",{extra}") };
            format!(r#"{{"name":"{name}","mode":"{mode}","region_id":"cn-hangzhou","output_format":"json"{extra}}}"#)
        })
        .collect();
    format!(r#"{{"current":"{current}","profiles":[{}],"meta_path":""}}"#, profiles.join(","))
}

fn ak(id: &str) -> String {
    format!(r#""access_key_id":"{id}","access_key_secret":"{SECRET}""#)
}

fn sts(id: &str) -> String {
    format!(r#""access_key_id":"{id}","access_key_secret":"{SECRET}","sts_token":"{TOKEN}""#)
}

fn with_env_keys(env: Environment, id: &str) -> Environment {
    env.var("ALIBABA_CLOUD_ACCESS_KEY_ID", id).var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
}

fn assert_no_secrets(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
    assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
}

/// The error, after checking that neither its `Display` nor its `Debug` shows a secret.
fn failure(chain: &CredentialsChain) -> CredentialsError {
    let err = chain.resolve().expect_err("no credentials expected");
    assert_no_secrets("error display", &err.to_string());
    assert_no_secrets("error debug", &format!("{err:?}"));
    assert_no_secrets("error debug (alternate)", &format!("{err:#?}"));
    err
}

fn reasons(err: &CredentialsError) -> Vec<&str> {
    err.failures().iter().map(|f| f.reason.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Order: explicit, environment, profile file

#[test]
fn explicit_credentials_win_over_the_environment_and_the_profile_file() {
    let home = Home::new().with_config(&config("default", &[("default", "AK", &ak("profile-id"))]));
    let env = with_env_keys(home.env(), "env-id");
    let explicit = Credentials::new("explicit-id", "explicit-secret");

    let (credentials, source) = chain(env.clone()).credentials(explicit.clone()).resolve_with_source().unwrap();
    assert_eq!(credentials.access_key_id(), "explicit-id");
    assert_eq!(source, CredentialsSource::Explicit);

    // The client builder's explicit credentials win over its chain.
    let client = Client::builder().credentials(explicit).credentials_chain(chain(env)).build().unwrap();
    assert_eq!(client.credentials().access_key_id(), "explicit-id");
}

#[test]
fn incomplete_explicit_credentials_are_an_error_not_a_fall_through() {
    let env = with_env_keys(Environment::empty(), "env-id");
    let err = failure(&chain(env.clone()).credentials(Credentials::new("", SECRET)));
    assert_eq!(err.to_string(), "no usable credentials: explicit credentials: the AccessKey ID is empty");
    let err = failure(&chain(env.clone()).credentials(Credentials::new("id", "")));
    assert_eq!(err.failures()[0].source, CredentialsSource::Explicit);
    assert_eq!(reasons(&err), ["the AccessKey secret is empty"]);

    // The builder keeps its own error for them.
    let built = Client::builder().credentials(Credentials::new("id", "")).credentials_chain(chain(env)).build();
    assert!(matches!(built, Err(BuildError::MissingCredentials)));
}

#[test]
fn the_environment_wins_over_the_profile_file() {
    let home = Home::new().with_config(&config("default", &[("default", "AK", &ak("profile-id"))]));
    let (credentials, source) = chain(with_env_keys(home.env(), "env-id")).resolve_with_source().unwrap();
    assert_eq!(credentials.access_key_id(), "env-id");
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), None);
    assert_eq!(source, CredentialsSource::Environment);
}

#[test]
fn the_environment_with_a_security_token() {
    let env = with_env_keys(Environment::empty(), "STS.env-id").var("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
    let credentials = chain(env.clone()).resolve().unwrap();
    assert_eq!(credentials.access_key_id(), "STS.env-id");
    assert_eq!(credentials.security_token(), Some(TOKEN));
    assert_no_secrets("credentials debug", &format!("{credentials:?}"));

    // An empty token is no token.
    let credentials = chain(env.var("ALIBABA_CLOUD_SECURITY_TOKEN", "")).resolve().unwrap();
    assert_eq!(credentials.security_token(), None);
}

#[test]
fn incomplete_environments_fall_through_and_say_why() {
    let home = Home::new().with_config(&config("default", &[("default", "AK", &ak("profile-id"))]));
    let cases = [
        (home.env(), "ALIBABA_CLOUD_ACCESS_KEY_ID is not set"),
        (home.env().var("ALIBABA_CLOUD_ACCESS_KEY_ID", ""), "ALIBABA_CLOUD_ACCESS_KEY_ID is empty"),
        (
            home.env().var("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
            "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set",
        ),
        (
            home.env().var("ALIBABA_CLOUD_ACCESS_KEY_ID", "id").var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", " "),
            "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is empty",
        ),
        (home.env().var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET), "ALIBABA_CLOUD_ACCESS_KEY_ID is not set"),
    ];
    for (env, why) in cases {
        let (credentials, source) = chain(env.clone()).resolve_with_source().unwrap();
        assert_eq!(credentials.access_key_id(), "profile-id", "{why}");
        assert_eq!(source, CredentialsSource::ProfileFile(Some(home.config_path())));

        let err = failure(&chain(env.var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")));
        assert_eq!(err.failures()[0].source, CredentialsSource::Environment);
        assert_eq!(err.failures()[0].reason, why);
    }
}

// ---------------------------------------------------------------------------------------------------------
// The profile file

#[test]
fn profile_file_in_ak_mode() {
    let home = Home::new()
        .with_config(&config("default", &[("other", "AK", &ak("other-id")), ("default", "AK", &ak("default-id"))]));
    let (credentials, source) = chain(home.env()).resolve_with_source().unwrap();
    assert_eq!(credentials.access_key_id(), "default-id");
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), None);
    assert_eq!(source, CredentialsSource::ProfileFile(Some(home.config_path())));
    assert_eq!(source.to_string(), format!("profile file {}", home.config_path().display()));
}

#[test]
fn profile_file_in_sts_token_mode() {
    let home = Home::new().with_config(&config("sts", &[("sts", "StsToken", &sts("STS.profile-id"))]));
    let credentials = chain(home.env()).resolve().unwrap();
    assert_eq!(credentials.access_key_id(), "STS.profile-id");
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), Some(TOKEN));
}

#[test]
fn modes_match_in_any_case() {
    let home = Home::new().with_config(&config(
        "a",
        &[("a", "ak", &ak("lower-ak")), ("b", "STSTOKEN", &sts("upper-sts")), ("c", "stsToken", &sts("mixed-sts"))],
    ));
    assert_eq!(chain(home.env()).resolve().unwrap().access_key_id(), "lower-ak");
    let b = chain(home.env().var("ALIBABA_CLOUD_PROFILE", "b")).resolve().unwrap();
    assert_eq!((b.access_key_id(), b.security_token()), ("upper-sts", Some(TOKEN)));
    let c = chain(home.env().var("ALIBABA_CLOUD_PROFILE", "c")).resolve().unwrap();
    assert_eq!((c.access_key_id(), c.security_token()), ("mixed-sts", Some(TOKEN)));
}

#[test]
fn alibaba_cloud_profile_chooses_the_profile() {
    let home = Home::new()
        .with_config(&config("default", &[("default", "AK", &ak("default-id")), ("dev", "AK", &ak("dev-id"))]));
    let credentials = chain(home.env().var("ALIBABA_CLOUD_PROFILE", "dev")).resolve().unwrap();
    assert_eq!(credentials.access_key_id(), "dev-id");
    // Empty is unset: the file's `current`.
    let credentials = chain(home.env().var("ALIBABA_CLOUD_PROFILE", "")).resolve().unwrap();
    assert_eq!(credentials.access_key_id(), "default-id");

    let err = failure(&chain(home.env().var("ALIBABA_CLOUD_PROFILE", "prod")));
    assert_eq!(
        reasons(&err)[1],
        r#"profile "prod" not found (chosen by ALIBABA_CLOUD_PROFILE; the file has "default", "dev")"#
    );
}

#[test]
fn current_names_a_missing_profile() {
    let home = Home::new().with_config(&config("dev", &[("default", "AK", &ak("default-id"))]));
    let err = failure(&chain(home.env()));
    let expected = format!(
        "no usable credentials: environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set; profile file {}: \
         profile \"dev\" not found (the file's \"current\"; the file has \"default\")",
        home.config_path().display()
    );
    assert_eq!(err.to_string(), expected);
}

#[test]
fn unsupported_modes_are_named() {
    let ram_role = format!(r#"{},"ram_role_arn":"acs:ram::1:role/x","ram_session_name":"s""#, ak("id"));
    let home = Home::new().with_config(&config(
        "role",
        &[("role", "RamRoleArn", &ram_role), ("ecs", "EcsRamRole", r#""ram_role_name":"r""#), ("sso", "CloudSSO", "")],
    ));
    for (profile, mode) in [("role", "RamRoleArn"), ("ecs", "EcsRamRole"), ("sso", "CloudSSO")] {
        let err = failure(&chain(home.env().var("ALIBABA_CLOUD_PROFILE", profile)));
        let expected = format!("profile \"{profile}\": mode {mode} is not supported (supported: AK, StsToken)");
        assert_eq!(reasons(&err), ["ALIBABA_CLOUD_ACCESS_KEY_ID is not set", expected.as_str()]);
        assert!(err.to_string().contains(&format!("mode {mode} is not supported")), "{err}");
    }
}

#[test]
fn incomplete_profiles_say_which_field_is_missing() {
    let home = Home::new().with_config(&config(
        "a",
        &[
            ("a", "AK", r#""access_key_id":"id""#),
            ("b", "StsToken", &ak("id")),
            ("c", "AK", &format!(r#""access_key_id":["{SECRET}"],"access_key_secret":"{SECRET}""#)),
            ("d", "", &ak("id")),
        ],
    ));
    let cases = [
        ("a", r#"profile "a" (mode AK): access_key_secret is missing or empty"#),
        ("b", r#"profile "b" (mode StsToken): sts_token is missing or empty"#),
        ("c", r#"profile "c" (mode AK): access_key_id is an array, not a string"#),
        ("d", r#"profile "d" has no mode (supported: AK, StsToken)"#),
    ];
    for (profile, why) in cases {
        let err = failure(&chain(home.env().var("ALIBABA_CLOUD_PROFILE", profile)));
        assert_eq!(reasons(&err)[1], why);
    }
}

#[test]
fn a_missing_profile_file() {
    let home = Home::new();
    let err = failure(&chain(home.env()));
    assert_eq!(err.failures()[1].source, CredentialsSource::ProfileFile(Some(home.config_path())));
    assert_eq!(err.failures()[1].reason, "not found");
}

#[test]
fn an_unreadable_profile_file() {
    let home = Home::new();
    std::fs::create_dir_all(home.config_path()).unwrap(); // a directory where the file should be
    let err = failure(&chain(home.env()));
    assert!(reasons(&err)[1].starts_with("could not be read: "), "{err}");
}

#[test]
fn malformed_profile_files_never_show_their_secrets() {
    let cases = [
        (
            format!(r#"{{"current":"a","profiles":[{{"name":"a","mode":"AK","access_key_secret":"{SECRET}" "#),
            "is not valid JSON: ",
        ),
        (
            format!(r#"{{"current":"a","profiles":[{{"name":"a","access_key_secret":"{SECRET}",}}]}}"#),
            "is not valid JSON: ",
        ),
        (
            format!(r#"{{"current":"a","profiles":[{{"name":"a","mode":"AK","access_key_secret":"{SECRET}\q"}}]}}"#),
            "is not valid JSON: ",
        ),
        (format!(r#"["{SECRET}","{TOKEN}"]"#), "is not a JSON object (the top level is an array)"),
        (format!(r#"{{"current":{{"secret":"{SECRET}"}}}}"#), "\"current\" is an object, not a string"),
        (format!(r#"{{"current":"a","profiles":"{SECRET}"}}"#), "\"profiles\" is a string, not an array"),
        (
            format!(r#"{{"current":"a","profiles":[{{"name":"a","mode":{{"x":"{SECRET}"}}}}]}}"#),
            "profile \"a\": \"mode\" is an object, not a string",
        ),
        (
            format!(
                r#"{{"current":"a","profiles":[{{"name":"a","mode":"AK","access_key_id":"i","access_key_secret":{{"v":"{SECRET}"}}}}]}}"#
            ),
            "profile \"a\" (mode AK): access_key_secret is an object, not a string",
        ),
        (
            format!(
                r#"{{"current":"a","profiles":[{{"name":"a","mode":"StsToken","access_key_id":"i","access_key_secret":"{SECRET}","sts_token":["{TOKEN}"]}}]}}"#
            ),
            "profile \"a\" (mode StsToken): sts_token is an array, not a string",
        ),
        (
            format!(
                r#"{{"current":"a","profiles":[{{"name":"b","mode":"AK","access_key_secret":"{SECRET}","sts_token":"{TOKEN}"}}, "{SECRET}", 7]}}"#
            ),
            "profile \"a\" not found (the file's \"current\"; the file has \"b\")",
        ),
        ("".to_owned(), "is not valid JSON: "),
    ];
    for (text, why) in cases {
        let home = Home::new().with_config(&text);
        let err = failure(&chain(home.env()));
        assert!(reasons(&err)[1].starts_with(why), "{why} / {err}");
    }
}

#[test]
fn a_disabled_profile_file_is_skipped() {
    let home = Home::new().with_config(&config("default", &[("default", "AK", &ak("profile-id"))]));
    for value in ["true", "TRUE", " True "] {
        let err = failure(&chain(home.env().var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", value)));
        assert_eq!(
            reasons(&err),
            ["ALIBABA_CLOUD_ACCESS_KEY_ID is not set", "skipped: ALIBABA_CLOUD_CLI_PROFILE_DISABLED is true"]
        );
    }
    for value in ["false", "", "1"] {
        let credentials = chain(home.env().var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", value)).resolve().unwrap();
        assert_eq!(credentials.access_key_id(), "profile-id", "{value:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Nothing found

#[test]
fn nothing_found_lists_every_source_and_why() {
    let home = Home::new();
    let err = failure(&chain(home.env()));
    assert_eq!(
        err.to_string(),
        format!(
            "no usable credentials: environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set; profile file {}: not found",
            home.config_path().display()
        )
    );
    let sources: Vec<_> = err.failures().iter().map(|f| f.source.clone()).collect();
    assert_eq!(sources, [CredentialsSource::Environment, CredentialsSource::ProfileFile(Some(home.config_path()))]);

    // No home directory at all.
    let err = failure(&chain(Environment::empty()));
    assert_eq!(
        err.to_string(),
        "no usable credentials: environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set; \
         profile file ~/.aliyun/config.json: no home directory: neither HOME nor USERPROFILE is set"
    );
}

#[test]
fn the_client_builder_carries_the_chain_error() {
    let home = Home::new().with_config(&config("dev", &[("dev", "RamRoleArn", &sts("id"))]));
    let err = Client::builder().credentials_chain(chain(home.env())).build().unwrap_err();
    let BuildError::Credentials(inner) = &err else {
        panic!("expected a credentials error, got {err:?}");
    };
    assert_eq!(inner.failures().len(), 2);
    assert_eq!(err.to_string(), inner.to_string());
    assert!(err.to_string().contains(r#"profile "dev": mode RamRoleArn is not supported"#), "{err}");
    assert_no_secrets("build error display", &err.to_string());
    assert_no_secrets("build error debug", &format!("{err:?}"));

    // And uses what the chain finds.
    let home = Home::new().with_config(&config("dev", &[("dev", "StsToken", &sts("STS.id"))]));
    let client = Client::builder().credentials_chain(chain(home.env())).build().unwrap();
    assert_eq!(client.credentials().access_key_id(), "STS.id");
    assert_eq!(client.credentials().security_token(), Some(TOKEN));
    assert_no_secrets("client debug", &format!("{client:?}"));
}

// ---------------------------------------------------------------------------------------------------------
// Environment

#[test]
fn home_comes_from_home_or_userprofile_unless_set() {
    let home = Home::new().with_config(&config("default", &[("default", "AK", &ak("profile-id"))]));
    let dir = home.path().to_str().unwrap();
    for env in [Environment::empty().var("HOME", dir), Environment::empty().var("USERPROFILE", dir)] {
        assert_eq!(env.home_dir().as_deref(), Some(home.path()));
        assert_eq!(chain(env).resolve().unwrap().access_key_id(), "profile-id");
    }
    // Empty is unset.
    assert_eq!(Environment::empty().var("HOME", "").home_dir(), None);
    // An explicit home wins.
    let env = Environment::empty().var("HOME", "/nonexistent").var("USERPROFILE", "/nonexistent").home(home.path());
    assert_eq!(env.home_dir().as_deref(), Some(home.path()));
}

#[test]
fn the_process_environment_can_be_overridden_without_changing_it() {
    let name = "RDS_API_TEST_VARIABLE_THAT_IS_NOT_SET_3b1d";
    let env = Environment::process().var(name, "value").home("/some/home");
    assert_eq!(env.get(name).as_deref(), Some("value"));
    assert_eq!(env.home_dir(), Some(PathBuf::from("/some/home")));
    assert_eq!(std::env::var_os(name), None);
    assert_eq!(Environment::empty().get(name), None);
}

#[test]
fn debug_output_never_shows_secrets() {
    let home = Home::new();
    let env = home.env().var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET).var("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
    let debug = format!("{env:?}");
    assert!(debug.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), "{debug}");
    assert_no_secrets("environment debug", &debug);

    let chain = chain(env).credentials(Credentials::new("id", SECRET).with_security_token(TOKEN));
    assert_no_secrets("chain debug", &format!("{chain:?}"));
    assert_no_secrets("chain debug (alternate)", &format!("{chain:#?}"));
    assert_no_secrets("builder debug", &format!("{:?}", Client::builder().credentials_chain(chain)));
}
