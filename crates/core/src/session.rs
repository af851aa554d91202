//! The SessionData family of `@auth0/nextjs-auth0` v4 and its validation.
//!
//! Validation judges the JSON form of a session — exactly what would be sealed — against the SDK's
//! TypeScript types: required members, member types, and unknown keys only where the type has an index
//! signature. Every problem is reported with a path such as `accessTokens[1].audience`.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

use crate::json::{parse_value, without_lone_surrogates};

mod needs;
pub(crate) mod scan;

pub use needs::Validation;
use scan::{Scanner, Type};

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
///
/// A valid session as `JSON.stringify` writes it is confirmed by the fast scanner (`validate_fast`); any
/// other text is checked as serde reads it, streaming, without building a `Value` tree. Either way the result
/// is exactly `validate_json_tree`'s (the tests hold them to it): the same syntax errors, the same problems
/// in the same order.
pub fn validate_json(text: &str) -> Vec<Problem> {
    check(text, Validation::Strict)
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
pub fn validate_fast(text: &str) -> Option<HasExp> {
    check_fast(text, Validation::Strict)
}

/// `validate_fast` for any validation; `None` for `Validation::Off`, which checks nothing.
pub fn check_fast(text: &str, validation: Validation) -> Option<HasExp> {
    let mut scanner = Scanner::new(text);
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
                scanner.value()?;
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
        Kind::Object(shape) => fast_shape(scanner, shape, None),
        Kind::ArrayOf(shape) => fast_array(scanner, |s| fast_shape(s, shape, None)),
    }
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
pub fn validate_json_streaming(text: &str) -> Vec<Problem> {
    streaming(text, &SESSION_DATA)
}

fn streaming(text: &str, shape: &'static Shape) -> Vec<Problem> {
    let clean = without_lone_surrogates(text);
    let mut problems = Vec::new();
    let mut de = serde_json::Deserializer::from_str(&clean);
    let checked = Check {
        expect: Expect::Shape(shape),
        path: &Seg::Root,
        out: &mut problems,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match checked {
        Ok(()) => problems,
        Err(e) => vec![Problem {
            path: String::new(),
            message: format!("session is not valid JSON: {e}"),
        }],
    }
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

/// Validates a session given as JSON text by parsing it into a `Value` first: the reference the streaming
/// `validate_json` is tested against.
pub fn validate_json_tree(text: &str) -> Vec<Problem> {
    check_tree(text, Validation::Strict)
}

/// `validate_json_tree` for any validation: the reference `check` is tested against.
pub fn check_tree(text: &str, validation: Validation) -> Vec<Problem> {
    let Some(shape) = validation.shape() else {
        return Vec::new();
    };
    match parse_value(&without_lone_surrogates(text)) {
        Ok(value) => {
            let mut problems = Vec::new();
            check_shape(&value, shape, "", &mut problems);
            problems
        }
        Err(e) => vec![Problem {
            path: String::new(),
            message: format!("session is not valid JSON: {e}"),
        }],
    }
}

/// Where a value sits, built into a path string only when a problem is reported there.
enum Seg<'p> {
    Root,
    Key(&'p Seg<'p>, &'p str),
    Index(&'p Seg<'p>, usize),
}

impl Seg<'_> {
    fn render(&self) -> String {
        match self {
            Seg::Root => String::new(),
            Seg::Key(parent, key) => join_key(&parent.render(), key),
            Seg::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// What a value is checked against: a shape, a member kind, or nothing at all (it is only read).
#[derive(Clone, Copy)]
enum Expect {
    Shape(&'static Shape),
    Kind(&'static Kind),
    Anything,
}

/// The most members a shape has (`User`).
const MAX_MEMBERS: usize = 12;

/// Checks one value as serde reads it. Every value goes through `deserialize_any`, as it does when serde
/// builds a `Value`, so exactly the same texts are accepted (numbers out of range included).
struct Check<'p> {
    expect: Expect,
    path: &'p Seg<'p>,
    out: &'p mut Vec<Problem>,
}

impl Check<'_> {
    fn problem(&mut self, message: String) {
        self.out.push(Problem {
            path: self.path.render(),
            message,
        });
    }

    /// A value of type `found` where `self.expect` wants something: the same messages as `check_kind` and
    /// `check_shape`.
    fn mismatch(&mut self, found: &'static str) {
        let wanted = match self.expect {
            Expect::Anything => return,
            Expect::Shape(shape) | Expect::Kind(&Kind::Object(shape)) => {
                return self.problem(format!("must be an object ({}), got {found}", shape.name))
            }
            Expect::Kind(Kind::String) => "a string".to_string(),
            Expect::Kind(Kind::Number) => "a number".to_string(),
            Expect::Kind(Kind::Boolean) => "a boolean".to_string(),
            Expect::Kind(Kind::StringArray) => "an array of strings".to_string(),
            Expect::Kind(Kind::ArrayOf(shape)) => format!("an array of {}", shape.name),
        };
        self.problem(format!("must be {wanted}, got {found}"));
    }

    fn scalar<E>(mut self, found: &'static str) -> Result<(), E> {
        let fits = matches!(
            (self.expect, found),
            (Expect::Anything, _)
                | (Expect::Kind(Kind::String), "string")
                | (Expect::Kind(Kind::Number), "number")
                | (Expect::Kind(Kind::Boolean), "boolean")
        );
        if !fits {
            self.mismatch(found);
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Check<'_> {
    type Value = ();

    /// Values the shapes leave open (custom claims) are skipped by serde's iterative skipper, which has no
    /// nesting limit: a session the SDK seals stays valid however deep its custom claims go.
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.expect {
            Expect::Anything => deserializer.deserialize_ignored_any(IgnoredAny).map(drop),
            _ => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Check<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.scalar("boolean")
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.scalar("number")
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.scalar("number")
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.scalar("number")
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.scalar("string")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.scalar("null")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let items = match self.expect {
            Expect::Anything => Expect::Anything,
            Expect::Kind(Kind::StringArray) => Expect::Kind(&Kind::String),
            Expect::Kind(Kind::ArrayOf(shape)) => Expect::Shape(shape),
            _ => {
                self.mismatch("array");
                Expect::Anything
            }
        };
        let mut i = 0;
        loop {
            let path = Seg::Index(self.path, i);
            let item = Check {
                expect: items,
                path: &path,
                out: self.out,
            };
            if seq.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let shape = match self.expect {
            Expect::Shape(shape) | Expect::Kind(&Kind::Object(shape)) => shape,
            other => {
                if !matches!(other, Expect::Anything) {
                    self.mismatch("object");
                }
                while map.next_key_seed(Key)?.is_some() {
                    map.next_value_seed(Check {
                        expect: Expect::Anything,
                        path: self.path,
                        out: self.out,
                    })?;
                }
                return Ok(());
            }
        };
        // Each member's problems, from its last occurrence (a repeated key replaces the value, as in a
        // `Value`); reported in the shape's order, then the unknown keys in order of first appearance.
        let mut members: [Option<Vec<Problem>>; MAX_MEMBERS] = Default::default();
        let mut unknown: Vec<String> = Vec::new();
        while let Some(key) = map.next_key_seed(Key)? {
            match shape.members.iter().position(|m| m.name == key) {
                Some(i) => {
                    let member = &shape.members[i];
                    let path = Seg::Key(self.path, member.name);
                    let mut problems = Vec::new();
                    map.next_value_seed(Check {
                        expect: Expect::Kind(&member.kind),
                        path: &path,
                        out: &mut problems,
                    })?;
                    members[i] = Some(problems);
                }
                None => {
                    if !shape.open && !unknown.iter().any(|k| *k == key) {
                        unknown.push(key.into_owned());
                    }
                    map.next_value_seed(Check {
                        expect: Expect::Anything,
                        path: self.path,
                        out: self.out,
                    })?;
                }
            }
        }
        for (member, found) in shape.members.iter().zip(members) {
            match found {
                Some(problems) => self.out.extend(problems),
                None if member.required => self.out.push(Problem {
                    path: join_key(&self.path.render(), member.name),
                    message: format!("is required ({}.{})", shape.name, member.name),
                }),
                None => {}
            }
        }
        for key in unknown {
            self.out.push(Problem {
                path: join_key(&self.path.render(), &key),
                message: format!(
                    "is not a member of {} (it has no index signature)",
                    shape.name
                ),
            });
        }
        Ok(())
    }
}

/// An object key, borrowed from the text unless it had escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_string()))
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

    #[test]
    fn what_stringify_made_is_judged_and_what_it_could_not_is_one_root_problem() {
        use crate::input::Stringified;
        assert_eq!(
            validate_stringified(Stringified::Text(r#"{"user":{}}"#.into())),
            validate_json(r#"{"user":{}}"#)
        );
        let undefined = validate_stringified(Stringified::Undefined);
        assert_eq!(undefined.len(), 1);
        assert_eq!(undefined[0].path, "");
        assert!(undefined[0].message.contains("JSON cannot represent"));
        let threw = validate_stringified(Stringified::Threw("cycle".into()));
        assert_eq!(threw[0].message, "cannot be serialized to JSON: cycle");
    }
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

    /// The streaming validator and the fast path against the `Value`-tree validator, on one text; returns
    /// the problems.
    ///
    /// The tree parser gives up on numbers beyond f64 and on nesting past 128 levels; JSON.parse reads both,
    /// and the streaming validator skips open members (custom claims) without parsing them into numbers or
    /// counting depth. Where the tree gave up for that reason, streaming must agree with the tree on the
    /// same text with those values replaced by `null` (which is what the shapes see of them: anything).
    fn same(text: &str) -> Vec<Problem> {
        let tree = validate_json_tree(text);
        let streaming = validate_json_streaming(text);
        let json_error = |p: &[Problem]| p.len() == 1 && p[0].message.contains("not valid JSON");
        let gave_up = json_error(&tree)
            && (tree[0].message.contains("number out of range")
                || tree[0].message.contains("recursion limit exceeded"));
        let problems = if json_error(&tree) && json_error(&streaming) {
            // Both refuse the text; skipping an open member may word the syntax error differently.
            streaming
        } else if gave_up && streaming != tree {
            // Either the skipped values were all that stopped the tree, or the text is broken elsewhere too.
            // (A skipped value sits in an open member; one in a typed member still stops streaming.)
            let rewritten = tree_without_unparsable_values(text);
            assert!(
                json_error(&streaming) || rewritten.as_ref() == Some(&streaming),
                "streaming: {text}: {streaming:?}, rewritten: {rewritten:?}"
            );
            streaming
        } else {
            assert_eq!(streaming, tree, "streaming: {text}");
            tree
        };
        assert_eq!(validate_json(text), problems, "{text}");
        if let Some(HasExp(has_exp)) = validate_fast(text) {
            assert_eq!(
                problems,
                vec![],
                "fast path accepted an invalid session: {text}"
            );
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(has_exp, value.get("exp").is_some(), "{text}");
            FAST_ACCEPTED.with(|n| n.set(n.get() + 1));
        }
        // The default check on the same text: streaming agrees with the tree wherever both read the text,
        // the fast path never takes what it refuses, and it never refuses what the strict check takes.
        let sdk = check(text, Validation::Sdk);
        let sdk_tree = check_tree(text, Validation::Sdk);
        if !json_error(&sdk) && !json_error(&sdk_tree) {
            assert_eq!(sdk, sdk_tree, "default check: {text}");
        }
        if check_fast(text, Validation::Sdk).is_some() {
            assert_eq!(sdk, vec![], "default fast path: {text}");
        }
        if problems.is_empty() {
            assert_eq!(
                sdk,
                vec![],
                "the default check refused a strictly valid session: {text}"
            );
        }
        problems
    }

    /// `text` with each out-of-range number and each value nested past 64 levels replaced by `null`, if
    /// that can be done by a plain scan (the text is otherwise well-formed JSON); then validated as a tree.
    fn tree_without_unparsable_values(text: &str) -> Option<Vec<Problem>> {
        let bytes = text.as_bytes();
        let mut out = String::new();
        let (mut i, mut depth, mut in_string) = (0, 0usize, false);
        while i < bytes.len() {
            let b = bytes[i];
            if in_string {
                if b == b'\\' {
                    out.push_str(&text[i..i + 2]);
                    i += 2;
                    continue;
                }
                in_string = b != b'"';
            } else if b == b'"' {
                in_string = true;
            } else if (b == b'[' || b == b'{') && depth >= 64 {
                let end = matching_close(bytes, i)?;
                out.push_str("null");
                i = end + 1;
                continue;
            } else if b == b'[' || b == b'{' {
                depth += 1;
            } else if b == b']' || b == b'}' {
                depth = depth.checked_sub(1)?;
            } else if b == b'-' || b.is_ascii_digit() {
                let end = (i..bytes.len())
                    .find(|&j| !matches!(bytes[j], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .unwrap_or(bytes.len());
                let number = &text[i..end];
                let out_of_range = number.parse::<f64>().is_ok_and(|n| n.is_infinite());
                out.push_str(if out_of_range { "null" } else { number });
                i = end;
                continue;
            }
            out.push(b as char);
            i += 1;
        }
        let rewritten = validate_json_tree(&out);
        (rewritten.len() != 1 || !rewritten[0].message.contains("not valid JSON"))
            .then_some(rewritten)
    }

    /// The index of the bracket closing the one at `open` (brackets inside strings ignored).
    fn matching_close(bytes: &[u8], open: usize) -> Option<usize> {
        let (mut depth, mut in_string, mut i) = (0usize, false, open);
        while i < bytes.len() {
            match (in_string, bytes[i]) {
                (true, b'\\') => i += 1,
                (true, b'"') | (false, b'"') => in_string = !in_string,
                (false, b'[' | b'{') => depth += 1,
                (false, b']' | b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    thread_local! {
        static FAST_ACCEPTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn custom_claims_of_any_depth_or_number_range_are_valid() {
        // JSON.stringify writes 100k levels and JSON.parse reads them; the SDK seals such a session.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut session = minimal();
        session["user"]["custom"] = Value::Null;
        let text = session.to_string().replace(
            "\"custom\":null",
            &format!("\"custom\":{deep},\"big\":1e400"),
        );
        assert_eq!(validate_json(&text), vec![]);
        // A typed member still has to be what it says.
        let typed = text.replace("\"custom\":", "\"sub\":");
        assert_eq!(validate_json(&typed)[0].path, "user.sub");
    }

    #[test]
    fn streaming_matches_the_tree_on_chosen_cases() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let cases = [
            minimal().to_string(),
            "{".into(),
            "".into(),
            "[]".into(),
            "null".into(),
            "1e400".into(),
            "{} {}".into(),
            "{}x".into(),
            " {} ".into(),
            "{}".into(),
            r#"{"user":{"sub":"a","sub":1},"tokenSet":{"accessToken":"x","expiresAt":1}}"#.into(),
            r#"{"user":{"sub":1,"sub":"a"},"user":{"x":1},"internal":{"sid":"s","createdAt":1}}"#.into(),
            r#"{"tokenSet":{"z":1,"y":2,"z":3,"accessToken":1},"internal":{"a":1,"a":2}}"#.into(),
            r#"{"user":{"sub":"\ud800","\u0073ub":"x","n\u00e4me":"\ud83d\ude00"}}"#.into(),
            r#"{"user":{"sub":"a","x":1e400}}"#.into(),
            r#"{"user":{"sub":"a","x":[1,2,{"y":-1e400}]}}"#.into(),
            r#"{"user":{"sub":"a","x":"\x"}}"#.into(),
            r#"{"user":{"sub":"a","x":"\u12"}}"#.into(),
            r#"{"user":{"sub":"a","x":tru}}"#.into(),
            r#"{"user":{"sub":"a","x":01}}"#.into(),
            "{\"user\":{\"sub\":\"a\u{1}\"}}".into(),
            r#"{"accessTokens":[{"accessToken":"a","audience":"x","expiresAt":1},1,null,[],{"extra":true}]}"#.into(),
            r#"{"accessTokens":{},"connectionTokenSets":"x","user":[],"tokenSet":null,"internal":true}"#.into(),
            r#"{"connectionTokenSets":[{"accessToken":"a","expiresAt":1,"connection":"c","more":{"deep":[1]}}]}"#.into(),
            r#"{"user":{"sub":"a","urn:auth0:my_org_current_user_permissions":["a",1,null,["b"]],"act":{"act":{"act":{"sub":5}}}}}"#.into(),
            r#"{"user":{"sub":"a","urn:auth0:my_org_current_user_permissions":"a"}}"#.into(),
            r#"{"internal":{"sid":"s","createdAt":1,"mcd":{"domain":1,"other":2},"sessionExpiresAt":"x","9":1,"":2,"a b":3}}"#.into(),
            format!(r#"{{"user":{{"sub":"a","x":{}}}}}"#, deep(124)),
            format!(r#"{{"user":{{"sub":"a","x":{}}}}}"#, deep(125)),
            format!(r#"{{"user":{{"sub":"a","x":{}}}}}"#, deep(126)),
            format!(r#"{{"user":{{"sub":"a","x":{}}}}}"#, deep(200)),
            deep(127),
            deep(128),
        ];
        for case in &cases {
            same(case);
        }
    }

    #[test]
    fn the_fast_path_takes_real_sessions() {
        let mut v = minimal();
        v["user"] = json!({
            "sub": "auth0|1", "name": "Zoë", "nickname": "z", "given_name": "Z", "family_name": "Ö",
            "picture": "https://x/y.png", "email": "z@example.com", "email_verified": true,
            "org_id": "org_1", "session_expiry": 1.5, "updated_at": "2025-01-01T00:00:00.000Z",
            "urn:auth0:my_org_current_user_permissions": ["read", "write"],
            "act": { "sub": "a", "act": { "sub": "b", "x": [1, {"y": null}] } },
            "https://example.com/roles": ["admin"]
        });
        v["tokenSet"] = json!({
            "accessToken": "eyJ.a.b", "idToken": "eyJ.c.d", "scope": "openid", "requestedScope": "openid",
            "refreshToken": "v1.x", "expiresAt": 1760000000, "audience": "https://api", "token_type": "Bearer"
        });
        v["accessTokens"] = json!([
            { "accessToken": "a", "scope": "s", "requestedScope": "s", "audience": "x", "expiresAt": 1, "token_type": "Bearer" },
            { "accessToken": "b", "audience": "y", "expiresAt": -2.25 }
        ]);
        v["connectionTokenSets"] = json!([{ "accessToken": "x", "expiresAt": 1, "connection": "c", "loginHint": "h", "more": true }]);
        v["internal"] = json!({ "sid": "s", "createdAt": 1, "mcd": { "domain": "d", "issuer": "i" }, "sessionExpiresAt": 9 });
        v["custom"] = json!({ "anything": [1, "two", null, false, {}] });
        let text = v.to_string();
        assert_eq!(validate_fast(&text), Some(HasExp(false)));
        v["exp"] = json!(1760000000);
        assert_eq!(validate_fast(&v.to_string()), Some(HasExp(true)));
        same(&text);
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const KEYS: &[&str] = &[
        "user",
        "tokenSet",
        "accessTokens",
        "internal",
        "connectionTokenSets",
        "sub",
        "name",
        "email_verified",
        "act",
        "session_expiry",
        "urn:auth0:my_org_current_user_permissions",
        "accessToken",
        "idToken",
        "expiresAt",
        "audience",
        "scope",
        "sid",
        "createdAt",
        "mcd",
        "domain",
        "issuer",
        "connection",
        "loginHint",
        "sessionExpiresAt",
        "token_type",
        "x",
        "9",
        "",
        "a b",
        "\\u0073ub",
        "exp",
    ];

    /// Random JSON whose keys mostly come from the SessionData family, so every shape rule is reached.
    fn value(rng: &mut Rng, depth: usize, out: &mut String) {
        let kind = if depth > 4 {
            rng.below(6)
        } else {
            rng.below(9)
        };
        match kind {
            0 => out.push_str("null"),
            1 => out.push_str(rng.pick(&["true", "false"])),
            2 => out.push_str(rng.pick(&[
                "0",
                "-1",
                "1.5",
                "1e3",
                "1e400",
                "-0",
                "12345678901234567890",
            ])),
            3..=5 => {
                out.push('"');
                out.push_str(rng.pick(&[
                    "",
                    "a",
                    "\\ud800",
                    "\\n",
                    "\\u00e9",
                    "é",
                    "\\ud83d\\ude00",
                ]));
                out.push('"');
            }
            6 => {
                out.push('[');
                for i in 0..rng.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    value(rng, depth + 1, out);
                }
                out.push(']');
            }
            _ => {
                out.push('{');
                for i in 0..rng.below(7) {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(rng.pick(KEYS));
                    out.push_str("\":");
                    value(rng, depth + 1, out);
                }
                out.push('}');
            }
        }
    }

    #[test]
    fn streaming_matches_the_tree_on_generated_json_and_broken_json() {
        let mut rng = Rng(0x5EED_1234_ABCD_0001);
        let mut seen = std::collections::BTreeMap::<&str, usize>::new();
        let mut tally = |problems: &[Problem]| {
            for needle in [
                "not valid JSON",
                "is required",
                "is not a member",
                "must be an object",
                "must be a ",
                "must be an array",
                "out of range",
            ] {
                if problems.iter().any(|p| p.message.contains(needle)) {
                    *seen.entry(needle).or_default() += 1;
                }
            }
            if problems.is_empty() {
                *seen.entry("valid").or_default() += 1;
            }
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            // Valid sessions with random extras where the types allow them; session-shaped objects; anything.
            if rng.below(4) == 0 {
                let extra = |rng: &mut Rng| {
                    let mut out = String::new();
                    for _ in 0..rng.below(3) {
                        out.push_str(&format!(
                            ",\"{}\":",
                            rng.pick(&["custom", "x", "picture", "9", "a b", "exp", "exp", "nbf"])
                        ));
                        value(rng, 2, &mut out);
                    }
                    out
                };
                let user_extra = extra(&mut rng);
                let top_extra = extra(&mut rng);
                text = format!(
                    r#"{{"user":{{"sub":"a"{user_extra}}},"tokenSet":{{"accessToken":"t","expiresAt":1}},"internal":{{"sid":"s","createdAt":2}}{top_extra}}}"#
                );
            } else if rng.below(3) > 0 {
                text.push('{');
                for (i, key) in [
                    "user",
                    "tokenSet",
                    "accessTokens",
                    "internal",
                    "connectionTokenSets",
                    "x",
                ]
                .iter()
                .enumerate()
                {
                    if rng.below(3) == 0 {
                        continue;
                    }
                    if i > 0 && text.len() > 1 {
                        text.push(',');
                    }
                    text.push_str(&format!("\"{key}\":"));
                    value(&mut rng, 1, &mut text);
                }
                text.push('}');
            } else {
                value(&mut rng, 0, &mut text);
            }
            tally(&same(&text));
            // And broken: cut short, or a byte changed.
            if !text.is_empty() {
                let at = rng.below(text.len());
                if text.is_char_boundary(at) {
                    tally(&same(&text[..at]));
                    let mut changed = text.clone();
                    changed.replace_range(
                        at..at,
                        rng.pick(&["\"", "}", "]", ",", ":", "x", " ", "\\"]),
                    );
                    tally(&same(&changed));
                }
            }
        }
        // Every kind of outcome was reached many times.
        for (needle, count) in &seen {
            assert!(*count > 20, "{needle}: {count} in {seen:?}");
        }
        assert!(seen.len() >= 8, "{seen:?}");
        let fast = FAST_ACCEPTED.with(|n| n.get());
        assert!(fast > 1000, "the fast path took only {fast} texts");
    }
}
