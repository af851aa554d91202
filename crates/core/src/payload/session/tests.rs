//! Tests of session validation: the fast, streaming and tree checks agree.

use super::*;
use serde_json::Value;

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
    v["user"] =
        json!({ "email_verified": "yes", "urn:auth0:my_org_current_user_permissions": ["a", 3] });
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
    // What `JSON.stringify` writes is valid JSON with no raw control character in a string. On such text,
    // the scan for it answers wherever the scan of any text does, the same; and where it answers, it is
    // serde's verdict, with the same top-level `exp`.
    let clean = crate::json::without_lone_surrogates(text);
    let valid = serde_json::from_str::<serde::de::IgnoredAny>(&clean).is_ok();
    if valid && !text.bytes().any(|b| b < 0x20) {
        for (validation, judged) in [(Validation::Sdk, &sdk), (Validation::Strict, &problems)] {
            let stringified = check_fast_stringified(text, validation);
            if let Some(any) = check_fast(text, validation) {
                assert_eq!(stringified, Some(any), "{text}");
            }
            if let Some(HasExp(has_exp)) = stringified {
                assert_eq!(judged, &vec![], "stringified fast path: {text}");
                let top: std::collections::HashMap<String, &serde_json::value::RawValue> =
                    serde_json::from_str(&clean).unwrap();
                assert_eq!(has_exp, top.contains_key("exp"), "{text}");
            }
        }
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
    (rewritten.len() != 1 || !rewritten[0].message.contains("not valid JSON")).then_some(rewritten)
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
            out.push_str(rng.pick(&["", "a", "\\ud800", "\\n", "\\u00e9", "é", "\\ud83d\\ude00"]));
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

#[test]
fn member_names_come_from_the_shapes() {
    let names = member_names();
    for name in [
        "user",
        "tokenSet",
        "internal",
        "accessTokens",
        "connectionTokenSets",
        "sub",
        "act",
        "accessToken",
        "expiresAt",
        "createdAt",
        "connection",
        "sessionExpiresAt",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
}

#[test]
fn only_what_stringify_cannot_write_is_left_unchecked() {
    // A raw control character in a string: the scan of any text gives up, and serde refuses it.
    let raw = "{\"user\":{\"name\":\"a\u{1}b\"},\"internal\":{\"createdAt\":1}}";
    assert_eq!(check_fast(raw, Validation::Sdk), None);
    let problems = check(raw, Validation::Sdk);
    assert!(problems.len() == 1 && problems[0].message.contains("not valid JSON"));
    // JSON.stringify never writes one: it escapes it. The scan of any text gives up on the escape; the
    // scan of what stringify wrote passes over the user it sits in, and answers as serde does.
    let written = json!({ "user": { "name": "a\u{1}b" }, "internal": { "createdAt": 1 } }).to_string();
    assert!(written.contains("\\u0001"));
    assert_eq!(check_fast(&written, Validation::Sdk), None);
    assert_eq!(
        check_fast_stringified(&written, Validation::Sdk),
        Some(HasExp(false))
    );
    assert_eq!(check(&written, Validation::Sdk), vec![]);
}
