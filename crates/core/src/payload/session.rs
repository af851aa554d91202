//! The SessionData family of `@auth0/nextjs-auth0` v4 and its validation.
//!
//! Validation judges the JSON form of a session — exactly what would be sealed — against the SDK's
//! TypeScript types: required members, member types, and unknown keys only where the type has an index
//! signature. Every problem is reported with a path such as `accessTokens[1].audience`.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

use crate::json::without_lone_surrogates;

mod needs;
pub(crate) mod scan;
mod streaming;
// The reference check the streaming and fast checks are held to: for the tests and fuzz targets only.
#[cfg(any(test, feature = "testing"))]
mod tree;

pub use needs::Validation;
use scan::{Scanner, Type};
use streaming::streaming;
#[cfg(any(test, feature = "testing"))]
pub use tree::{check_tree, validate, validate_json_tree};

/// One validation problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `user.sub`, `accessTokens[1].audience`; empty for the session itself.
    pub path: String,
    /// What is wrong there.
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
///
/// A valid session as `JSON.stringify` writes it is confirmed by the fast scanner (`validate_fast`); any
/// other text is checked as serde reads it, streaming, without building a `Value` tree. Either way the result
/// is exactly `validate_json_tree`'s (the tests hold them to it): the same syntax errors, the same problems
/// in the same order.
pub fn validate_json(text: &str) -> Vec<Problem> {
    check(text, Validation::Strict)
}

/// Every member name of the SessionData family, each once, outermost first: what tests and fuzz targets
/// generate sessions from, read off the shapes themselves.
#[cfg(any(test, feature = "testing"))]
pub fn member_names() -> Vec<&'static str> {
    // Breadth first, each shape once (`act` holds an `act`).
    let mut shapes: Vec<&'static Shape> = vec![&SESSION_DATA];
    let mut names = Vec::new();
    let mut next = 0;
    while let Some(&shape) = shapes.get(next) {
        next += 1;
        for member in shape.members {
            if !names.contains(&member.name) {
                names.push(member.name);
            }
            if let Kind::Object(inner) | Kind::ArrayOf(inner) = member.kind {
                if !shapes.iter().any(|seen| std::ptr::eq(*seen, inner)) {
                    shapes.push(inner);
                }
            }
        }
    }
    names
}

/// Checks a session given as JSON text as `validation` asks (`Validation::Strict` is `validate_json`):
/// the fast scanner first, the streaming check for any text it is not sure of.
pub fn check(text: &str, validation: Validation) -> Vec<Problem> {
    match validation.shape() {
        None => Vec::new(),
        Some(_) if check_fast(text, validation).is_some() => Vec::new(),
        Some(shape) => streaming(text, shape),
    }
}

/// The fast path of validation: `Some` only when `text` is certainly a valid session (serde would accept
/// the text and find no problem), with whether it has a top-level `exp` member. `None` means "not sure":
/// ask `validate_json`. Never allocates.
#[cfg(any(test, feature = "testing"))]
pub fn validate_fast(text: &str) -> Option<HasExp> {
    check_fast(text, Validation::Strict)
}

/// `validate_fast` for any validation; `None` for `Validation::Off`, which checks nothing.
pub(crate) fn check_fast(text: &str, validation: Validation) -> Option<HasExp> {
    check_fast_with(Scanner::new(text), validation)
}

/// `check_fast` of text that V8's `JSON.stringify` wrote (see `Scanner::stringified`): the answer serde's
/// check gives for such text, found without looking for control characters it cannot hold, nor into
/// values no shape looks into. It answers where `check_fast` would give up on some of those values
/// (escapes, exponents, deep nesting), which serde accepts there.
pub(crate) fn check_fast_stringified(text: &str, validation: Validation) -> Option<HasExp> {
    check_fast_with(Scanner::stringified(text), validation)
}

fn check_fast_with(mut scanner: Scanner, validation: Validation) -> Option<HasExp> {
    let mut has_exp = false;
    fast_shape(&mut scanner, validation.shape()?, Some(&mut has_exp))?;
    scanner.at_end().then_some(HasExp(has_exp))
}

/// Whether a valid session has a top-level `exp` member (which sealing then replaces in place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HasExp(pub bool);

/// One object against its shape; gives up at the first doubt (a problem, a repeated member, an unknown
/// member of a closed shape, anything the scanner does not take).
fn fast_shape(scanner: &mut Scanner, shape: &Shape, mut top: Option<&mut bool>) -> Option<()> {
    scanner.begin_object()?;
    let mut seen = 0u32;
    let mut first = true;
    while let Some(key) = scanner.next_key(first)? {
        first = false;
        match shape.members.iter().position(|m| m.name.as_bytes() == key) {
            Some(i) => {
                if seen & (1 << i) != 0 {
                    return None;
                }
                seen |= 1 << i;
                fast_kind(scanner, &shape.members[i].kind)?;
            }
            None if shape.open => {
                if key == b"exp" {
                    if let Some(has_exp) = top.as_deref_mut() {
                        *has_exp = true;
                    }
                }
                scanner.skip()?;
            }
            None => return None,
        }
    }
    let all_required = shape
        .members
        .iter()
        .enumerate()
        .all(|(i, m)| !m.required || seen & (1 << i) != 0);
    all_required.then_some(())
}

fn fast_kind(scanner: &mut Scanner, kind: &Kind) -> Option<()> {
    let scalar = |scanner: &mut Scanner, wanted: Type| {
        let (found, ..) = scanner.value()?;
        (found == wanted).then_some(())
    };
    match kind {
        Kind::String => scalar(scanner, Type::String),
        Kind::Number => scalar(scanner, Type::Number),
        Kind::Boolean => scalar(scanner, Type::Boolean),
        Kind::StringArray => fast_array(scanner, |s| scalar(s, Type::String)),
        Kind::Object(shape) => fast_object(scanner, shape),
        Kind::ArrayOf(shape) => fast_array(scanner, |s| fast_object(s, shape)),
    }
}

/// One object against its shape; an object of any members (what the SDK needs of a user or a token
/// set) is only passed over, where the text is what `JSON.stringify` wrote.
fn fast_object(scanner: &mut Scanner, shape: &Shape) -> Option<()> {
    if shape.members.is_empty() && shape.open && scanner.is_stringified() {
        return (scanner.peek()? == b'{' && scanner.skip()? == Type::Object).then_some(());
    }
    fast_shape(scanner, shape, None)
}

fn fast_array(
    scanner: &mut Scanner,
    mut item: impl FnMut(&mut Scanner) -> Option<()>,
) -> Option<()> {
    if scanner.peek()? != b'[' {
        return None;
    }
    scanner.begin_array()?;
    let mut first = true;
    while scanner.next_item(first)? {
        item(scanner)?;
        first = false;
    }
    Some(())
}

/// Validates a session as serde reads it, streaming: no `Value` tree, and nothing allocated unless there
/// is a problem to report.
#[cfg(any(test, feature = "testing"))]
pub fn validate_json_streaming(text: &str) -> Vec<Problem> {
    streaming(text, &SESSION_DATA)
}

/// `validateSession`: judges what `JSON.stringify` made of a value (exactly what `seal` would encrypt); a
/// value it cannot represent, or one whose serialization throws, is one problem at the root.
pub fn validate_stringified(json: crate::input::Stringified) -> Vec<Problem> {
    use crate::input::Stringified;
    let root = |message: String| {
        vec![Problem {
            path: String::new(),
            message,
        }]
    };
    match json {
        Stringified::Text(text) => validate_json(&text),
        Stringified::Undefined => {
            root("must be an object (SessionData), got a value JSON cannot represent".to_string())
        }
        Stringified::Threw(message) => root(format!("cannot be serialized to JSON: {message}")),
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

#[cfg(test)]
mod tests;
