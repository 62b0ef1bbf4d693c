//! Provider secrets fail closed. Every signing key (Twilio auth token, Meta app secret, OpenPhone
//! and web-form keys, the chat session key) is obtained through [`resolve`], which refuses an
//! unset or empty value: an HMAC with an empty key is one anybody can compute, so a webhook whose
//! key is missing must be refused, never checked against `""`.
//!
//! Where a secret comes from: `tenant_channels.secret_ref` is `env:NAME` (a wrangler secret) or a
//! literal, and platform-wide keys are named environment values. Literals and the values shipped
//! in wrangler.toml `[vars]` are for local development only; outside it they are refused too, so
//! a deploy that forgot `wrangler secret put` cannot run on the public dev values.

use std::fmt;

/// Where the Worker runs, from `ENVIRONMENT`. Anything but the two local names is production:
/// a typo must not unlock the dev values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `make dev`: the seed's literal secrets and wrangler.toml's dev values are accepted.
    Development,
    /// The test harness: like development, plus test-only switches (clock offset, faults).
    Test,
    Production,
}

impl Environment {
    pub fn parse(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some("development") => Environment::Development,
            Some("test") => Environment::Test,
            _ => Environment::Production,
        }
    }

    /// Whether the public development values may be used.
    pub fn is_local(self) -> bool {
        !matches!(self, Environment::Production)
    }
}

/// The values wrangler.toml and seed/dev.sql publish for local use. Refused in production even
/// when they arrive through a real secret (copied by mistake), because they are public.
pub const DEV_ONLY_VALUES: &[&str] = &[
    "dev-meta-app-secret",
    "dev-meta-verify-token",
    "dev-chat-session-secret",
    "demo-twilio-auth-token",
    "demo2-twilio-auth-token",
    "demo-form-signing-secret",
    "demo2-form-signing-secret",
    "ZGV2LW9wZW5waG9uZS1zaWduaW5nLWtleQ==",
    "ZGV2LWRhdGEta2V5LWZvci1sb2NhbC11c2Utb25seSE=",
];

/// A `secret_ref` as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretRef<'a> {
    /// `env:NAME`: the wrangler secret `NAME`.
    Env(&'a str),
    /// The value itself (dev seed only).
    Literal(&'a str),
}

impl<'a> SecretRef<'a> {
    pub fn parse(stored: &'a str) -> Self {
        match stored.strip_prefix("env:") {
            Some(name) => SecretRef::Env(name.trim()),
            None => SecretRef::Literal(stored),
        }
    }
}

/// Why a secret cannot be used. The message names the secret, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misconfigured {
    /// The named secret is not set (or set to an empty string).
    Unset { name: String },
    /// The reference itself is empty: the channel was created without a key.
    NoReference,
    /// A literal or a published dev value outside development.
    DevValue { name: String },
    /// Set, but not in the form the secret must have (`why` says which).
    Invalid { name: String, why: &'static str },
}

impl fmt::Display for Misconfigured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misconfigured::Unset { name } => write!(f, "secret {name} is not set or empty"),
            Misconfigured::NoReference => write!(f, "no signing secret is configured"),
            Misconfigured::DevValue { name } => {
                write!(f, "{name} holds a development-only value; set a real one with `wrangler secret put`")
            }
            Misconfigured::Invalid { name, why } => write!(f, "{name} is not {why}"),
        }
    }
}

/// The value of a named platform secret (`lookup(name)` reads the environment), or why not.
pub fn named(name: &str, value: Option<String>, environment: Environment) -> Result<String, Misconfigured> {
    let value = value.filter(|v| !v.is_empty()).ok_or_else(|| Misconfigured::Unset { name: name.to_owned() })?;
    if !environment.is_local() && DEV_ONLY_VALUES.contains(&value.as_str()) {
        return Err(Misconfigured::DevValue { name: name.to_owned() });
    }
    Ok(value)
}

/// The value a channel's `secret_ref` points to; `lookup` reads a named secret.
pub fn resolve(
    stored: &str,
    environment: Environment,
    lookup: impl FnOnce(&str) -> Option<String>,
) -> Result<String, Misconfigured> {
    if stored.trim().is_empty() {
        return Err(Misconfigured::NoReference);
    }
    match SecretRef::parse(stored) {
        SecretRef::Env("") => Err(Misconfigured::NoReference),
        SecretRef::Env(name) => named(name, lookup(name), environment),
        SecretRef::Literal(_) if !environment.is_local() => {
            Err(Misconfigured::DevValue { name: "a literal secret_ref".to_owned() })
        }
        SecretRef::Literal(value) => Ok(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: Environment = Environment::Development;
    const PROD: Environment = Environment::Production;

    #[test]
    fn unset_and_empty_secrets_are_refused_everywhere() {
        for env in [DEV, Environment::Test, PROD] {
            assert_eq!(resolve("", env, |_| Some("x".into())), Err(Misconfigured::NoReference));
            assert_eq!(resolve("env:", env, |_| Some("x".into())), Err(Misconfigured::NoReference));
            assert_eq!(resolve("env:OP_KEY", env, |_| None), Err(Misconfigured::Unset { name: "OP_KEY".into() }));
            assert_eq!(
                resolve("env:OP_KEY", env, |_| Some(String::new())),
                Err(Misconfigured::Unset { name: "OP_KEY".into() })
            );
            assert_eq!(
                named("META_APP_SECRET", None, env),
                Err(Misconfigured::Unset { name: "META_APP_SECRET".into() })
            );
            assert!(named("META_APP_SECRET", Some(String::new()), env).is_err());
        }
    }

    #[test]
    fn the_named_secret_is_looked_up_by_its_name() {
        let got = resolve("env:OP_KEY", PROD, |name| (name == "OP_KEY").then(|| "s3cret".to_owned()));
        assert_eq!(got.as_deref(), Ok("s3cret"));
    }

    #[test]
    fn literals_and_dev_values_only_run_locally() {
        assert_eq!(resolve("demo-twilio-auth-token", DEV, |_| None).as_deref(), Ok("demo-twilio-auth-token"));
        assert!(matches!(resolve("some-literal", PROD, |_| None), Err(Misconfigured::DevValue { .. })));
        assert_eq!(
            named("CHAT_SESSION_SECRET", Some("dev-chat-session-secret".into()), DEV).as_deref(),
            Ok("dev-chat-session-secret")
        );
        let prod = named("CHAT_SESSION_SECRET", Some("dev-chat-session-secret".into()), PROD);
        assert_eq!(prod, Err(Misconfigured::DevValue { name: "CHAT_SESSION_SECRET".into() }));
        let dev_key = "ZGV2LWRhdGEta2V5LWZvci1sb2NhbC11c2Utb25seSE=";
        assert!(named("DATA_KEY", Some(dev_key.into()), DEV).is_ok());
        assert_eq!(
            named("DATA_KEY", Some(dev_key.into()), PROD),
            Err(Misconfigured::DevValue { name: "DATA_KEY".into() })
        );
        assert!(resolve("env:T", PROD, |_| Some("demo-twilio-auth-token".into())).is_err(), "a copied dev token");
    }

    #[test]
    fn only_the_two_local_names_are_local() {
        assert_eq!(Environment::parse(Some("development")), DEV);
        assert_eq!(Environment::parse(Some("test")), Environment::Test);
        for other in [None, Some(""), Some("Development"), Some("dev"), Some("production"), Some("staging")] {
            assert_eq!(Environment::parse(other), PROD, "{other:?}");
        }
    }

    #[test]
    fn the_reason_never_carries_the_value() {
        let why = resolve("env:OP_KEY", PROD, |_| Some("dev-meta-app-secret".into())).unwrap_err().to_string();
        assert!(why.contains("OP_KEY") && !why.contains("dev-meta-app-secret"), "{why}");
    }
}
