//! Access keys, and where they come from.
//!
//! [`Credentials`] is an AccessKey pair (optionally with an STS token). [`CredentialsChain`] finds one the
//! way Alibaba Cloud's official SDKs do, first success wins:
//!
//! 1. explicit credentials ([`CredentialsChain::credentials`], or
//!    [`ClientBuilder::credentials`](crate::ClientBuilder::credentials));
//! 2. the environment: [`ENV_ACCESS_KEY_ID`], [`ENV_ACCESS_KEY_SECRET`] and, optionally,
//!    [`ENV_SECURITY_TOKEN`];
//! 3. the aliyun CLI's profile file `~/.aliyun/config.json`: the profile named by [`ENV_PROFILE`], else the
//!    file's `current` one, in mode `AK` or `StsToken` (skipped when [`ENV_CLI_PROFILE_DISABLED`] is `true`).
//!
//! [`Client::builder`](crate::Client::builder) uses the chain when no credentials are set explicitly. Where
//! the environment and the home directory come from is an [`Environment`], so that tests can use fake ones.
//!
//! ```no_run
//! use rds_api::credentials::CredentialsChain;
//!
//! # fn main() -> Result<(), rds_api::credentials::CredentialsError> {
//! let credentials = CredentialsChain::new().resolve()?;
//! println!("using AccessKey {}", credentials.access_key_id());
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::signing::percent_encode;

mod chain;
mod profile;

pub use chain::{
    CredentialsChain, CredentialsError, CredentialsSource, Environment, SourceFailure, ENV_ACCESS_KEY_ID,
    ENV_ACCESS_KEY_SECRET, ENV_CLI_PROFILE_DISABLED, ENV_PROFILE, ENV_SECURITY_TOKEN,
};

/// An AccessKey pair, optionally with an STS security token.
///
/// `Debug` shows the AccessKey ID (it travels in every request URL anyway) but never the secret or the
/// token, which print as `***`.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl Credentials {
    /// A permanent AccessKey pair (or the key pair of STS credentials; add the token with
    /// [`with_security_token`](Self::with_security_token)).
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// Adds an STS security token, sent as the signed `SecurityToken` parameter.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// The AccessKey ID, sent as `AccessKeyId` (STS key IDs start with `STS.`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret; it signs requests and is never sent.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if any.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// Whether neither the AccessKey ID nor the secret is empty.
    pub(crate) fn is_complete(&self) -> bool {
        !self.access_key_id.is_empty() && !self.access_key_secret.is_empty()
    }
}

/// Replaces every occurrence of `token` in `text`, raw or percent-encoded once or twice (as in a URL or in
/// a string to sign), with `***`. The token without surrounding whitespace is redacted too, because that is
/// how a header carries it (and how V3 signs it). An empty or absent token changes nothing.
pub(crate) fn redact_token<'a>(text: &'a str, token: Option<&str>) -> Cow<'a, str> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Cow::Borrowed(text);
    };
    let mut out = Cow::Borrowed(text);
    let trimmed = token.trim();
    let forms: &[&str] = if trimmed.is_empty() || trimmed == token { &[token] } else { &[token, trimmed] };
    for &form in forms {
        let once = percent_encode(form);
        let twice = percent_encode(&once);
        for form in [twice.as_str(), once.as_str(), form] {
            if out.contains(form) {
                out = Cow::Owned(out.replace(form, "***"));
            }
        }
    }
    out
}

/// Prints `***` whatever the value, so that no length or prefix leaks.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &Redacted)
            .field("security_token", &self.security_token.as_ref().map(|_| Redacted))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let c = Credentials::new("id", "secret");
        assert_eq!(c.access_key_id(), "id");
        assert_eq!(c.access_key_secret(), "secret");
        assert_eq!(c.security_token(), None);
        let c = c.with_security_token(String::from("tok"));
        assert_eq!(c.security_token(), Some("tok"));
    }

    #[test]
    fn redacts_the_token_as_a_header_carries_it() {
        let token = "CAIS-untrimmed\r\n";
        let canonical = "x-acs-security-token:CAIS-untrimmed\nx-acs-version:2014-08-15";
        assert_eq!(redact_token(canonical, Some(token)), "x-acs-security-token:***\nx-acs-version:2014-08-15");
        assert_eq!(redact_token("a=CAIS-untrimmed%0D%0A", Some(token)), "a=***");
        assert_eq!(redact_token("blank", Some(" ")), "blank");
    }

    #[test]
    fn redacts_every_form_of_the_token() {
        let token = "CAIS+token/with=special&chars~*";
        let text = "a=CAIS%2Btoken%2Fwith%3Dspecial%26chars~%2A b=CAIS%252Btoken%252Fwith%253Dspecial%2526chars~%252A c=CAIS+token/with=special&chars~*";
        assert_eq!(redact_token(text, Some(token)), "a=*** b=*** c=***");
        assert_eq!(redact_token(text, None), text);
        assert_eq!(redact_token("abc", Some("")), "abc");
        assert!(matches!(redact_token("abc", Some("zzz")), Cow::Borrowed(_)));
    }

    #[test]
    fn debug_redacts() {
        let c = Credentials::new("LTAIexample", "TopSecretValue").with_security_token("StsTokenValue");
        for text in [format!("{c:?}"), format!("{c:#?}")] {
            assert!(text.contains("LTAIexample"), "{text}");
            assert!(!text.contains("TopSecretValue"), "{text}");
            assert!(!text.contains("StsTokenValue"), "{text}");
            assert!(text.contains("***"), "{text}");
        }
        assert_eq!(
            format!("{:?}", Credentials::new("id", "s")),
            r#"Credentials { access_key_id: "id", access_key_secret: ***, security_token: None }"#
        );
        assert_eq!(
            format!("{c:?}"),
            r#"Credentials { access_key_id: "LTAIexample", access_key_secret: ***, security_token: Some(***) }"#
        );
    }
}
