//! The SessionData family of `@auth0/nextjs-auth0` v4 and its validation.
//!
//! Validation judges the JSON form of a session — exactly what would be sealed — against the SDK's
//! TypeScript types: required members, member types, and unknown keys only where the type has an index
//! signature. Every problem is reported with a path such as `accessTokens[1].audience`.

use serde_json::Value;

use crate::json::without_lone_surrogates;

/// One validation problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// What a member must hold.
enum Kind {
    String,
    Number,
    Boolean,
    StringArray,
    Object(&'static Shape),
    ArrayOf(&'static Shape),
}

struct Member {
    name: &'static str,
    kind: Kind,
    required: bool,
}

/// An interface of the SDK's types.
struct Shape {
    name: &'static str,
    members: &'static [Member],
    /// Whether the type has an index signature, so that unknown keys are allowed.
    open: bool,
}

const fn req(name: &'static str, kind: Kind) -> Member {
    Member {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Member {
    Member {
        name,
        kind,
        required: false,
    }
}

static ACT_CLAIM: Shape = Shape {
    name: "ActClaim",
    members: &[
        req("sub", Kind::String),
        opt("act", Kind::Object(&ACT_CLAIM)),
    ],
    open: true,
};

static USER: Shape = Shape {
    name: "User",
    members: &[
        req("sub", Kind::String),
        opt("name", Kind::String),
        opt("nickname", Kind::String),
        opt("given_name", Kind::String),
        opt("family_name", Kind::String),
        opt("picture", Kind::String),
        opt("email", Kind::String),
        opt("email_verified", Kind::Boolean),
        opt("org_id", Kind::String),
        opt("act", Kind::Object(&ACT_CLAIM)),
        opt("session_expiry", Kind::Number),
        opt(
            "urn:auth0:my_org_current_user_permissions",
            Kind::StringArray,
        ),
    ],
    open: true,
};

static TOKEN_SET: Shape = Shape {
    name: "TokenSet",
    members: &[
        req("accessToken", Kind::String),
        opt("idToken", Kind::String),
        opt("scope", Kind::String),
        opt("requestedScope", Kind::String),
        opt("refreshToken", Kind::String),
        req("expiresAt", Kind::Number),
        opt("audience", Kind::String),
        opt("token_type", Kind::String),
    ],
    open: false,
};

static ACCESS_TOKEN_SET: Shape = Shape {
    name: "AccessTokenSet",
    members: &[
        req("accessToken", Kind::String),
        opt("scope", Kind::String),
        opt("requestedScope", Kind::String),
        req("audience", Kind::String),
        req("expiresAt", Kind::Number),
        opt("token_type", Kind::String),
    ],
    open: false,
};

static MCD_METADATA: Shape = Shape {
    name: "MCDMetadata",
    members: &[req("domain", Kind::String), req("issuer", Kind::String)],
    open: false,
};

static INTERNAL: Shape = Shape {
    name: "SessionData.internal",
    members: &[
        req("sid", Kind::String),
        req("createdAt", Kind::Number),
        opt("mcd", Kind::Object(&MCD_METADATA)),
        opt("sessionExpiresAt", Kind::Number),
    ],
    open: false,
};

static CONNECTION_TOKEN_SET: Shape = Shape {
    name: "ConnectionTokenSet",
    members: &[
        req("accessToken", Kind::String),
        opt("scope", Kind::String),
        req("expiresAt", Kind::Number),
        req("connection", Kind::String),
        opt("loginHint", Kind::String),
    ],
    open: true,
};

static SESSION_DATA: Shape = Shape {
    name: "SessionData",
    members: &[
        req("user", Kind::Object(&USER)),
        req("tokenSet", Kind::Object(&TOKEN_SET)),
        opt("accessTokens", Kind::ArrayOf(&ACCESS_TOKEN_SET)),
        req("internal", Kind::Object(&INTERNAL)),
        opt("connectionTokenSets", Kind::ArrayOf(&CONNECTION_TOKEN_SET)),
    ],
    open: true,
};

/// Validates a session given as JSON text.
pub fn validate_json(text: &str) -> Vec<Problem> {
    match serde_json::from_str::<Value>(&without_lone_surrogates(text)) {
        Ok(value) => validate(&value),
        Err(e) => vec![Problem {
            path: String::new(),
            message: format!("session is not valid JSON: {e}"),
        }],
    }
}

/// Validates a session value, returning every problem (empty when valid).
pub fn validate(value: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_shape(value, &SESSION_DATA, "", &mut problems);
    problems
}

fn check_shape(value: &Value, shape: &Shape, path: &str, problems: &mut Vec<Problem>) {
    let Some(object) = value.as_object() else {
        problems.push(Problem {
            path: path.to_string(),
            message: format!(
                "must be an object ({}), got {}",
                shape.name,
                type_name(value)
            ),
        });
        return;
    };
    for member in shape.members {
        let member_path = join_key(path, member.name);
        match object.get(member.name) {
            None if member.required => problems.push(Problem {
                path: member_path,
                message: format!("is required ({}.{})", shape.name, member.name),
            }),
            None => {}
            Some(found) => check_kind(found, &member.kind, &member_path, problems),
        }
    }
    if !shape.open {
        for key in object.keys() {
            if !shape.members.iter().any(|m| m.name == key) {
                problems.push(Problem {
                    path: join_key(path, key),
                    message: format!(
                        "is not a member of {} (it has no index signature)",
                        shape.name
                    ),
                });
            }
        }
    }
}

fn check_kind(value: &Value, kind: &Kind, path: &str, problems: &mut Vec<Problem>) {
    let mut expect = |ok: bool, wanted: &str| {
        if !ok {
            problems.push(Problem {
                path: path.to_string(),
                message: format!("must be {wanted}, got {}", type_name(value)),
            });
        }
    };
    match kind {
        Kind::String => expect(value.is_string(), "a string"),
        Kind::Number => expect(value.is_number(), "a number"),
        Kind::Boolean => expect(value.is_boolean(), "a boolean"),
        Kind::StringArray => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_kind(item, &Kind::String, &format!("{path}[{i}]"), problems);
                }
            }
            None => expect(false, "an array of strings"),
        },
        Kind::Object(shape) => check_shape(value, shape, path, problems),
        Kind::ArrayOf(shape) => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_shape(item, shape, &format!("{path}[{i}]"), problems);
                }
            }
            None => expect(false, &format!("an array of {}", shape.name)),
        },
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `user.sub`, or `user["urn:auth0:…"]` when the key is not an identifier.
fn join_key(path: &str, key: &str) -> String {
    let identifier = !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match (path.is_empty(), identifier) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!(
            "{path}[{}]",
            serde_json::to_string(key).expect("strings serialize")
        ),
    }
}

/// Renders problems as one message, for `ERR_SESSION_INVALID`.
pub fn describe(problems: &[Problem]) -> String {
    let listed: Vec<String> = problems
        .iter()
        .map(|p| {
            if p.path.is_empty() {
                p.message.clone()
            } else {
                format!("{} {}", p.path, p.message)
            }
        })
        .collect();
    format!(
        "invalid session ({} problem{}): {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        listed.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(value: Value) -> Vec<String> {
        validate(&value).into_iter().map(|p| p.path).collect()
    }

    fn minimal() -> Value {
        json!({
            "user": { "sub": "auth0|1" },
            "tokenSet": { "accessToken": "at", "expiresAt": 1 },
            "internal": { "sid": "s", "createdAt": 1 }
        })
    }

    #[test]
    fn a_minimal_session_is_valid_and_extras_are_allowed_where_typed() {
        assert!(validate(&minimal()).is_empty());
        let mut v = minimal();
        v["custom"] = json!({ "anything": [1, 2] });
        v["user"]["https://example.com/roles"] = json!(["admin"]);
        v["user"]["act"] = json!({ "sub": "a", "act": { "sub": "b", "extra": 1 } });
        v["connectionTokenSets"] =
            json!([{ "accessToken": "x", "expiresAt": 1, "connection": "c", "more": true }]);
        v["internal"]["mcd"] = json!({ "domain": "d", "issuer": "i" });
        assert_eq!(validate(&v), vec![]);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut v = minimal();
        v["user"] = json!({ "email_verified": "yes", "urn:auth0:my_org_current_user_permissions": ["a", 3] });
        v["tokenSet"]["expiresAt"] = json!("soon");
        v["tokenSet"]["surprise"] = json!(1);
        v["accessTokens"] = json!([{ "accessToken": "a", "audience": "x", "expiresAt": 1 }, { "accessToken": "b", "expiresAt": 2 }]);
        v["internal"] = json!({ "sid": 5 });
        v["user"]["act"] = json!({ "act": { "sub": 1 } });
        assert_eq!(
            paths(v),
            vec![
                "user.sub",
                "user.email_verified",
                "user.act.sub",
                "user.act.act.sub",
                "user[\"urn:auth0:my_org_current_user_permissions\"][1]",
                "tokenSet.expiresAt",
                "tokenSet.surprise",
                "accessTokens[1].audience",
                "internal.sid",
                "internal.createdAt",
            ]
        );
    }

    #[test]
    fn non_objects_are_named() {
        let problems = validate(&json!([]));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "");
        assert!(problems[0].message.contains("got array"));
        assert_eq!(
            paths(json!({ "user": null, "tokenSet": {}, "internal": [] })),
            vec![
                "user",
                "tokenSet.accessToken",
                "tokenSet.expiresAt",
                "internal"
            ]
        );
        assert!(validate_json("{")
            .first()
            .unwrap()
            .message
            .contains("not valid JSON"));
    }
}
