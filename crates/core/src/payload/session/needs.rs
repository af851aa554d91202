//! How much of the SessionData type a session must satisfy to be sealed.
//!
//! Sealing takes what reading gives and what the SDK itself writes. The SDK mints sessions its own types
//! call incomplete (`generateSessionCookie({ user })` has no `tokenSet`; a converted v3 cookie may lack
//! `tokenSet.accessToken` or `internal.sid`), so the default check refuses only what breaks the SDK when it
//! reads the session back, rolls it or writes it again (4.30.0):
//!
//! - `internal` must be an object with a numeric `createdAt`: the store's `set` reads
//!   `session.internal.createdAt` for the cookie's `maxAge` (it throws without `internal`, and a `createdAt`
//!   that is not a number gives `maxAge` 0: the cookie is deleted as it is written);
//! - `user` must be an object: its helpers take a session without one for none (`withApiAuthRequired`) or
//!   fail on it (`withPageAuthRequired` hands `user: undefined` to Next.js as a prop);
//! - `accessTokens` and `connectionTokenSets`, when present, must be arrays of objects: the SDK iterates
//!   them and reads members of each (`t.audience`, `tokenSet.connection`), and the store seals each
//!   connection token set as a JWT claims set, which jose requires to be an object.
//!
//! The full check against the SDK's TypeScript types stays available (`Validation::Strict`, and
//! `validateSession`): every session the default check refuses, it refuses too.

use super::{opt, req, Kind, Shape, SESSION_DATA};

/// How a session is checked before it is sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validation {
    /// Refuse only what breaks the SDK (the default): whatever `read` returns and the SDK writes passes.
    #[default]
    Sdk,
    /// The SDK's TypeScript types in full: required members, member types, unknown keys of closed types.
    Strict,
    /// No check: any JSON object is sealed.
    Off,
}

impl Validation {
    /// The option names JavaScript passes: `"sdk"`, `"strict"`.
    pub const NAMES: [(&'static str, Validation); 2] =
        [("sdk", Validation::Sdk), ("strict", Validation::Strict)];

    /// The validation an option string names, if any.
    pub(crate) fn from_name(name: &str) -> Option<Validation> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| v)
    }

    /// The shape a session is checked against; `None` for no check.
    pub(super) fn shape(self) -> Option<&'static Shape> {
        match self {
            Validation::Sdk => Some(&SDK_SESSION),
            Validation::Strict => Some(&SESSION_DATA),
            Validation::Off => None,
        }
    }
}

/// An object of any members: what the SDK needs of a user or of one token set.
const fn any_object(name: &'static str) -> Shape {
    Shape {
        name,
        members: &[],
        open: true,
    }
}

static ANY_USER: Shape = any_object("User");
static ANY_ACCESS_TOKEN_SET: Shape = any_object("AccessTokenSet");
static ANY_CONNECTION_TOKEN_SET: Shape = any_object("ConnectionTokenSet");

static SDK_INTERNAL: Shape = Shape {
    name: "SessionData.internal",
    members: &[req("createdAt", Kind::Number)],
    open: true,
};

/// What the SDK needs of a session (see the module documentation).
static SDK_SESSION: Shape = Shape {
    name: "SessionData",
    members: &[
        req("user", Kind::Object(&ANY_USER)),
        opt("accessTokens", Kind::ArrayOf(&ANY_ACCESS_TOKEN_SET)),
        req("internal", Kind::Object(&SDK_INTERNAL)),
        opt(
            "connectionTokenSets",
            Kind::ArrayOf(&ANY_CONNECTION_TOKEN_SET),
        ),
    ],
    open: true,
};

#[cfg(test)]
mod tests {
    use super::super::{check, check_fast, check_tree};
    use super::*;
    use serde_json::json;

    fn paths(validation: Validation, value: serde_json::Value) -> Vec<String> {
        let text = value.to_string();
        let problems = check(&text, validation);
        assert_eq!(problems, check_tree(&text, validation), "{text}");
        problems.into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn what_the_sdk_mints_without_its_types_passes_by_default_and_fails_the_strict_check() {
        for session in [
            // generateSessionCookie({ user }): the SDK adds only `internal`.
            json!({ "user": { "sub": "u" }, "internal": { "sid": "auth0-sid", "createdAt": 1 } }),
            // A v3 cookie converted without tokens, and without `user.sid`.
            json!({ "user": {}, "tokenSet": { "scope": "openid" }, "internal": { "createdAt": 1 } }),
            // Members of the wrong type where the SDK never looks.
            json!({ "user": { "sub": 5 }, "tokenSet": null, "internal": { "createdAt": 1, "sid": 2, "mcd": null, "sessionExpiresAt": "x" }, "exp": 9 }),
        ] {
            assert_eq!(
                paths(Validation::Sdk, session.clone()),
                Vec::<String>::new()
            );
            assert_ne!(
                paths(Validation::Strict, session.clone()),
                Vec::<String>::new()
            );
            assert_eq!(check(&session.to_string(), Validation::Off), vec![]);
        }
    }

    #[test]
    fn what_breaks_the_sdk_is_refused_with_its_path() {
        let s = |v: serde_json::Value| paths(Validation::Sdk, v);
        assert_eq!(s(json!({ "user": {} })), vec!["internal"]);
        assert_eq!(s(json!({ "internal": { "createdAt": 1 } })), vec!["user"]);
        assert_eq!(
            s(json!({ "user": null, "internal": { "createdAt": "1" } })),
            vec!["user", "internal.createdAt"]
        );
        assert_eq!(
            s(
                json!({ "user": {}, "internal": {}, "accessTokens": [{}, "a"], "connectionTokenSets": {} })
            ),
            vec![
                "accessTokens[1]",
                "internal.createdAt",
                "connectionTokenSets"
            ]
        );
        assert_eq!(s(json!([])), vec![""]);
        let message = &check(r#"{"user":{},"internal":[]}"#, Validation::Sdk)[0].message;
        assert_eq!(
            message,
            "must be an object (SessionData.internal), got array"
        );
    }

    #[test]
    fn every_session_the_default_refuses_the_strict_check_refuses_too() {
        let bad = [
            json!({ "user": {} }),
            json!({ "user": 1, "internal": { "createdAt": 1 } }),
            json!({ "user": {}, "internal": { "createdAt": 1 }, "accessTokens": [1] }),
            json!({ "user": {}, "internal": { "createdAt": 1 }, "connectionTokenSets": [null] }),
        ];
        for value in bad {
            let text = value.to_string();
            assert!(!check(&text, Validation::Sdk).is_empty(), "{text}");
            assert!(!check(&text, Validation::Strict).is_empty(), "{text}");
        }
    }

    #[test]
    fn the_fast_path_takes_what_the_sdk_writes() {
        let text = r#"{"user":{"sub":"u"},"internal":{"sid":"s","createdAt":1},"exp":5}"#;
        assert_eq!(
            check_fast(text, Validation::Sdk),
            Some(super::super::HasExp(true))
        );
        assert_eq!(check_fast(text, Validation::Strict), None);
    }

    #[test]
    fn option_names() {
        assert_eq!(Validation::from_name("sdk"), Some(Validation::Sdk));
        assert_eq!(Validation::from_name("strict"), Some(Validation::Strict));
        assert_eq!(Validation::from_name("off"), None);
        assert_eq!(Validation::default(), Validation::Sdk);
    }
}
