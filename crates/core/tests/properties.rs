//! Properties over generated input:
//! - any JSON object sealed with a future expiry opens to the same object (members in the same order)
//!   plus `exp`, and expires exactly at `exp + tolerance`;
//! - `open` and `unseal` never panic and never accept junk: arbitrary strings, five arbitrary base64url
//!   segments, arbitrary headers, and one-character mutations or truncations of a real cookie are all
//!   refused with a coded error (and `None`);
//! - `session::validate_json` never panics on any text, JSON or not, session-shaped or not;
//! - `legacy::SigningKeys` round-trips any id, never panics in `verify`, and refuses mutated cookies.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};
use session_seal_core::payload::claims::Clock;
use session_seal_core::payload::session;
use session_seal_core::testing::legacy::SigningKeys;
use session_seal_core::testing::{base64url, jwe};
use session_seal_core::{CipherOptions, SessionCipher};

const NOW: f64 = 1_795_000_000.0;
const TOLERANCE: f64 = 15.0;
const FAR_FUTURE: f64 = 4_102_444_800.0;
const SECRET: &str = "b0a8c3f5e1d24e7a9c6b5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";

static CIPHER: LazyLock<SessionCipher> =
    LazyLock::new(|| SessionCipher::new(&[SECRET], CipherOptions::default()).unwrap());

/// A real cookie of a small session, for the mutation properties.
static COOKIE: LazyLock<String> = LazyLock::new(|| {
    let session = json!({
        "user": { "sub": "auth0|prop" },
        "tokenSet": { "accessToken": "at", "expiresAt": 1_795_086_400 },
        "internal": { "sid": "sid", "createdAt": 1_795_000_000 },
    });
    CIPHER
        .seal_payload(&session.to_string(), FAR_FUTURE, None)
        .unwrap()
});

static SIGNING: LazyLock<SigningKeys> = LazyLock::new(|| SigningKeys::new(&[SECRET]));
const SIGNED_NAME: &str = "appSession";
const SIGNED_ID: &str = "9f86d081884c7d659a2feaa0c55ad015";

// ---------------------------------------------------------------------------------------------------
// Helpers and strategies
// ---------------------------------------------------------------------------------------------------

fn at(now: f64) -> Clock {
    Clock::new(now, TOLERANCE).unwrap()
}

fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap()
}

fn without_exp(value: &Value) -> Value {
    let mut map = value.as_object().unwrap().clone();
    map.shift_remove("exp");
    Value::Object(map)
}

fn keys(value: &Value) -> Vec<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

/// Every cookie-level failure is one of these codes, with a message.
fn is_coded_cookie_error(
    result: &session_seal_core::Result<session_seal_core::cipher::Opened>,
) -> bool {
    match result {
        Ok(_) => false,
        Err(err) => {
            !err.message.is_empty() && session_seal_core::ErrorCode::OPEN.contains(&err.code)
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64url::encode_into(bytes, &mut out);
    out
}

/// Any key, sometimes `exp` (which sealing must overwrite in place). `nbf` and `iat` are left out: they
/// are registered claims with rules of their own, so a string there is rightly refused on opening.
fn claim_key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => any::<String>(),
        1 => Just("exp".to_string()),
    ]
    .prop_filter("nbf and iat are checked claims", |k| {
        k != "nbf" && k != "iat"
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
    ]
}

/// An object from `(key, value)` pairs in order (a repeated key keeps its first place, like JavaScript).
fn object_of<K, V>(key: K, value: V, max: usize) -> impl Strategy<Value = Value>
where
    K: Strategy<Value = String>,
    V: Strategy<Value = Value>,
{
    prop::collection::vec((key, value), 0..max)
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>()))
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    prop_oneof![Just(Value::Null), scalar()].prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            object_of(any::<String>(), inner, 6),
        ]
    })
}

/// Member names of the SDK's session types (read off the core's shapes), so generated values reach deep
/// validation paths.
static SESSION_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(session::member_names);

/// JSON shaped loosely like a session: mostly known member names, values of every type.
fn session_like_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        6 => select(SESSION_NAMES.clone()).prop_map(String::from),
        1 => any::<String>(),
    ];
    prop_oneof![Just(Value::Null), scalar()].prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            object_of(key.clone(), inner, 8),
        ]
    })
}

/// Text of base64url characters (not necessarily canonical base64url).
fn b64_text(max: usize) -> impl Strategy<Value = String> {
    prop::string::string_regex(&format!("[A-Za-z0-9_-]{{0,{max}}}")).unwrap()
}

fn one_char() -> impl Strategy<Value = char> {
    prop_oneof![
        select(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                .chars()
                .collect::<Vec<_>>()
        ),
        Just('.'),
        Just('='),
        any::<char>(),
    ]
}

/// A one-character edit of `text` at a position chosen by `index` (taken modulo the length).
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, char),
    Insert(usize, char),
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), one_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<usize>(), one_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<usize>().prop_map(Edit::Delete),
    ]
}

/// Applies `edit` to ASCII `text`; `None` when the edit changes nothing.
fn apply(text: &str, edit: &Edit) -> Option<String> {
    assert!(text.is_ascii());
    let mut out = text.to_string();
    match *edit {
        Edit::Replace(i, c) => {
            let i = i % text.len();
            if text[i..].starts_with(c) {
                return None;
            }
            out.replace_range(i..=i, c.encode_utf8(&mut [0; 4]));
        }
        Edit::Insert(i, c) => out.insert(i % (text.len() + 1), c),
        Edit::Delete(i) => {
            out.remove(i % text.len());
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------------
// (a) Seal → open round trip
// ---------------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn sealed_objects_open_to_themselves_plus_exp(
        secret in any::<String>().prop_filter("a secret is non-empty", |s| !s.is_empty()),
        input in object_of(claim_key(), scalar(), 12),
        exp in (NOW as u64 + 1)..10_000_000_000u64,
    ) {
        let ours = SessionCipher::new(&[secret.as_str()], CipherOptions::default()).unwrap();
        let text = input.to_string();
        let cookie = ours.seal_payload(&text, exp as f64, None).unwrap();
        let opened = ours.open(&cookie, at(NOW)).unwrap();
        let payload = parse(&opened.payload);

        prop_assert_eq!(payload["exp"].as_u64(), Some(exp));
        // The numbers as the same parser reads the text we sealed: the payload carries it verbatim.
        prop_assert_eq!(without_exp(&payload), without_exp(&parse(&text)));
        let mut expected_keys = keys(&input);
        if !expected_keys.iter().any(|k| k == "exp") {
            expected_keys.push("exp".into());
        }
        prop_assert_eq!(keys(&payload), expected_keys, "exp keeps its place, or comes last");
        prop_assert_eq!(ours.unseal(&cookie, at(NOW)), Some(opened.payload));
    }

    #[test]
    fn sealed_cookies_expire_exactly_at_exp_plus_tolerance(exp in 0u64..10_000_000_000u64) {
        let cookie = CIPHER.seal_payload(r#"{"id":"x"}"#, exp as f64, None).unwrap();
        let exp = exp as f64;
        prop_assert!(CIPHER.open(&cookie, at(exp + TOLERANCE - 1.0)).is_ok());
        let err = CIPHER.open(&cookie, at(exp + TOLERANCE)).unwrap_err();
        prop_assert_eq!(err.code.as_str(), "ERR_JWT_EXPIRED");
        prop_assert_eq!(CIPHER.unseal(&cookie, at(exp + TOLERANCE)), None);
    }

    #[test]
    fn nested_values_survive_the_round_trip(input in object_of(claim_key(), any_json(), 6)) {
        let text = input.to_string();
        let cookie = CIPHER.seal_payload(&text, FAR_FUTURE, None).unwrap();
        let payload = parse(&CIPHER.open(&cookie, at(NOW)).unwrap().payload);
        prop_assert_eq!(without_exp(&payload), without_exp(&parse(&text)));
    }
}

// ---------------------------------------------------------------------------------------------------
// (b) open / unseal refuse junk without panicking
// ---------------------------------------------------------------------------------------------------

/// `open` is a coded error and `unseal` is `None`.
fn refused(cookie: &str) -> Result<(), TestCaseError> {
    let result = CIPHER.open(cookie, at(NOW));
    prop_assert!(is_coded_cookie_error(&result), "{cookie:?} gave {result:?}");
    prop_assert_eq!(CIPHER.unseal(cookie, at(NOW)), None);
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_strings_are_refused(cookie in any::<String>()) {
        refused(&cookie)?;
    }

    #[test]
    fn five_arbitrary_base64url_segments_are_refused(
        segments in prop::collection::vec(b64_text(40), 5),
    ) {
        refused(&segments.join("."))?;
    }

    /// Past parsing: a good header and IV and tag of the right lengths, so decryption itself is reached.
    #[test]
    fn well_formed_forgeries_are_refused(
        iv in prop::collection::vec(any::<u8>(), 12),
        ciphertext in prop::collection::vec(any::<u8>(), 0..64),
        tag in prop::collection::vec(any::<u8>(), 16),
    ) {
        let header = COOKIE.split('.').next().unwrap();
        let forged = format!("{header}..{}.{}.{}", b64(&iv), b64(&ciphertext), b64(&tag));
        refused(&forged)?;
    }

    #[test]
    fn arbitrary_headers_are_refused(header in prop_oneof![
        any::<String>(),
        any_json().prop_map(|v| v.to_string()),
        object_of(select(vec!["alg", "enc", "zip", "crit", "iat", "iss", "sub", "aud"]).prop_map(String::from), any_json(), 5)
            .prop_map(|v| v.to_string()),
    ]) {
        let rest: Vec<&str> = COOKIE.split('.').skip(1).collect();
        refused(&format!("{}.{}", b64(header.as_bytes()), rest.join(".")))?;
    }

    #[test]
    fn one_character_edits_of_a_real_cookie_are_refused(edit in edit()) {
        prop_assert!(CIPHER.open(&COOKIE, at(NOW)).is_ok());
        if let Some(edited) = apply(&COOKIE, &edit) {
            refused(&edited)?;
        }
    }

    #[test]
    fn truncations_of_a_real_cookie_are_refused(len in 0usize..1000) {
        let cut = len % COOKIE.len();
        refused(&COOKIE[..cut])?;
    }
}

proptest! {
    /// Sealing gives a coded error or a cookie the same cipher reads, whatever the arguments. (Rust
    /// strings cannot hold lone surrogates: `\ud800` escapes are in `jose_edge_cases.rs`.)
    #[test]
    fn sealing_never_panics(
        payload in prop_oneof![any::<String>(), any_json().prop_map(|v| v.to_string())],
        header in prop::option::of(prop_oneof![
            any::<String>(),
            any_json().prop_map(|v| v.to_string()),
            object_of(select(vec!["alg", "enc", "zip", "crit", "kid", "iat"]).prop_map(String::from), any_json(), 4)
                .prop_map(|v| v.to_string()),
        ]),
        exp in prop_oneof![any::<f64>(), (0u64..10_000_000_000u64).prop_map(|n| n as f64)],
    ) {
        match CIPHER.seal_payload(&payload, exp, header.as_deref()) {
            Ok(cookie) => {
                let opened = CIPHER.open(&cookie, at(exp.min(NOW)));
                prop_assert!(opened.is_ok() || is_coded_cookie_error(&opened), "{opened:?}");
            }
            Err(err) => prop_assert!(!err.message.is_empty()),
        }
    }
}

/// Nesting far beyond serde's recursion limit neither overflows the stack nor changes the payload: the
/// claims scan does not recurse, and V8's `JSON.parse` (what the SDK and the binding use) has no depth
/// limit either.
#[test]
fn deeply_nested_payloads_open_without_overflow() {
    let deep = format!(r#"{{"a":{}1{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let cookie = jwe::encrypt(
        CIPHER.ring().sealing(),
        session_seal_core::cipher::DEFAULT_HEADER,
        deep.clone().into_bytes(),
    )
    .unwrap();
    let roomy = SessionCipher::new(
        &[SECRET],
        CipherOptions {
            max_cookie_bytes: 1 << 20,
            ..CipherOptions::default()
        },
    )
    .unwrap();
    assert_eq!(roomy.open(&cookie, at(NOW)).unwrap().payload, deep);
    assert_eq!(roomy.unseal(&cookie, at(NOW)), Some(deep));
    assert_eq!(
        CIPHER.open(&cookie, at(NOW)).unwrap_err().code.as_str(),
        "ERR_INPUT_TOO_LARGE"
    );
}

// ---------------------------------------------------------------------------------------------------
// (c) Session validation never panics
// ---------------------------------------------------------------------------------------------------

/// Validating text equals validating its parse, and the problems render.
fn validates_consistently(value: &Value) -> Result<(), TestCaseError> {
    let problems = session::validate_json(&value.to_string());
    prop_assert_eq!(&problems, &session::validate(value));
    if !problems.is_empty() {
        prop_assert!(session::describe(&problems).starts_with("invalid session"));
    }
    Ok(())
}

proptest! {
    #[test]
    fn validation_never_panics_on_any_text(text in any::<String>()) {
        let _ = session::validate_json(&text);
    }

    #[test]
    fn validation_never_panics_on_any_json(value in any_json()) {
        validates_consistently(&value)?;
    }

    #[test]
    fn validation_never_panics_on_session_shaped_json(value in session_like_json()) {
        validates_consistently(&value)?;
    }

    #[test]
    fn sessions_stay_valid_with_extra_top_level_members(
        extra in object_of(
            any::<String>().prop_filter("not a SessionData member", |k| !SESSION_NAMES.contains(&k.as_str())),
            any_json(),
            6,
        ),
    ) {
        let mut value = json!({
            "user": { "sub": "auth0|1" },
            "tokenSet": { "accessToken": "at", "expiresAt": 1 },
            "internal": { "sid": "s", "createdAt": 1 },
        });
        value.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        prop_assert_eq!(session::validate_json(&value.to_string()), vec![]);
    }
}

#[test]
fn validation_survives_the_deepest_json_serde_accepts() {
    let mut act = json!({ "sub": "leaf" });
    for _ in 0..120 {
        act = json!({ "sub": "a", "act": act });
    }
    let value = json!({
        "user": { "sub": "u", "act": act },
        "tokenSet": { "accessToken": "at", "expiresAt": 1 },
        "internal": { "sid": "s", "createdAt": 1 },
    });
    assert_eq!(session::validate_json(&value.to_string()), vec![]);
    let too_deep = "[".repeat(100_000);
    assert!(session::validate_json(&too_deep)[0]
        .message
        .contains("not valid JSON"));
}

// ---------------------------------------------------------------------------------------------------
// (d) v3 signed stateful cookies
// ---------------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn verify_never_panics(name in any::<String>(), value in any::<String>()) {
        let _ = SIGNING.verify(&name, &value);
    }

    #[test]
    fn verify_never_panics_on_signed_shaped_values(
        name in any::<String>(),
        id in "[0-9a-f]{0,40}",
        signature in b64_text(60),
        tail in prop::option::of(any::<String>()),
    ) {
        let value = match tail {
            Some(tail) => format!("{id}.{signature}.{tail}"),
            None => format!("{id}.{signature}"),
        };
        prop_assert_eq!(SIGNING.verify(&name, &value), None);
    }

    #[test]
    fn signed_ids_round_trip(name in any::<String>(), id in "[^.]*") {
        let signed = SIGNING.sign(&name, &id);
        prop_assert_eq!(SIGNING.verify(&name, &signed), Some(id.as_str()));
    }

    #[test]
    fn replacing_one_character_of_a_signed_cookie_fails_verification(
        index in any::<usize>(),
        replacement in one_char(),
    ) {
        let signed = SIGNING.sign(SIGNED_NAME, SIGNED_ID);
        if let Some(edited) = apply(&signed, &Edit::Replace(index, replacement)) {
            // The SDK reads the signature as jose does, ignoring its last character's unused bits: an edit
            // there that spells the same 32 bytes is the same signature (base64url::decode_like_jose).
            let read = |cookie: &str| {
                let mut parts = cookie.split('.');
                (
                    parts.next().map(str::to_owned),
                    parts.next().and_then(base64url::decode_like_jose),
                )
            };
            let expected = (read(&edited) == read(&signed)).then_some(SIGNED_ID);
            prop_assert_eq!(SIGNING.verify(SIGNED_NAME, &edited), expected, "{}", edited);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// (e) What lies behind the tag: arbitrary headers and plaintexts that authenticate, the claims scan,
//     the v3 conversion and the replicated-claims comparison never panic and stay consistent.
//     (The same properties the `open` fuzz target checks, so CI exercises them without a fuzzer.)
// ---------------------------------------------------------------------------------------------------

/// JSON text with the escapes serde never writes but `JSON.stringify` does: lone surrogates.
fn json_with_lone_surrogates() -> impl Strategy<Value = String> {
    (any_json(), prop::collection::vec(0xD800u16..0xE000, 1..4)).prop_map(|(value, units)| {
        let escapes: String = units.iter().map(|u| format!("\\u{u:04x}")).collect();
        format!(r#"{{"{escapes}":"{escapes}","v":{value}}}"#)
    })
}

fn plaintext() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any_json().prop_map(|v| v.to_string().into_bytes()),
        object_of(any::<String>(), any_json(), 6).prop_map(|v| v.to_string().into_bytes()),
        json_with_lone_surrogates().prop_map(String::into_bytes),
        any::<String>().prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn header_text() -> impl Strategy<Value = String> {
    let names = select(vec![
        "alg", "enc", "zip", "crit", "iat", "uat", "exp", "iss", "sub", "aud", "x",
    ]);
    prop_oneof![
        object_of(names.prop_map(String::from), any_json(), 6).prop_map(|extra| {
            let mut header = json!({ "alg": "dir", "enc": "A256GCM" });
            header
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            header.to_string()
        }),
        any::<String>(),
    ]
}

/// Whether V8's `JSON.parse` would take `text` (RFC 8259 at any depth, lone surrogates allowed).
fn parses_in_javascript(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

proptest! {
    #[test]
    fn authenticated_hostile_headers_and_plaintexts_never_panic(
        header in header_text(),
        plaintext in plaintext(),
    ) {
        let cookie = jwe::encrypt(CIPHER.ring().sealing(), &header, plaintext).unwrap();
        let opened = CIPHER.open(&cookie, at(NOW));
        let unsealed = CIPHER.unseal(&cookie, at(NOW));
        match opened {
            Ok(opened) => {
                prop_assert!(parses_in_javascript(&opened.payload));
                prop_assert!(parses_in_javascript(&opened.header.json));
                match unsealed {
                    Some(session) => prop_assert!(parses_in_javascript(&session)),
                    None => prop_assert!(session_seal_core::testing::legacy::is_legacy_header(&opened.header.params)),
                }
            }
            Err(_) => {
                prop_assert!(is_coded_cookie_error(&opened));
                prop_assert_eq!(unsealed, None);
            }
        }
    }

    #[test]
    fn the_claims_scan_never_panics_and_knows_objects(text in prop_oneof![
        any::<String>(),
        any_json().prop_map(|v| v.to_string()),
        json_with_lone_surrogates(),
    ]) {
        let scanned = session_seal_core::payload::claims::ClaimsView::scan(&text);
        let is_object = parses_in_javascript(&text) && text.trim_start().starts_with('{');
        prop_assert_eq!(scanned.is_ok(), is_object, "{}", text);
        if is_object {
            let sealed = session_seal_core::payload::claims::set_exp(&text, 1_900_000_000.0);
            if let Ok(sealed) = sealed {
                prop_assert!(parses_in_javascript(&sealed));
                let view = session_seal_core::payload::claims::ClaimsView::scan(&sealed).unwrap();
                prop_assert_eq!(view.exp, session_seal_core::payload::claims::TimeClaim::Number(1_900_000_000.0));
            }
        }
    }

    #[test]
    fn the_v3_conversion_never_panics_and_writes_json(
        iat in any_json().prop_filter("a v3 header has a truthy iat", |v| !matches!(v, Value::Null | Value::Bool(false))),
        payload in prop_oneof![
            any::<String>(),
            any_json().prop_map(|v| v.to_string()),
            session_like_json().prop_map(|v| v.to_string()),
            json_with_lone_surrogates(),
            (any_json(), json_with_lone_surrogates()).prop_map(|(user, rest)| format!(r#"{{"user":{user},"r":{rest}}}"#)),
        ],
    ) {
        let mut header = Map::new();
        header.insert("iat".into(), iat);
        if let Ok(converted) = session_seal_core::testing::legacy::convert(&header, &payload) {
            prop_assert!(parses_in_javascript(&converted), "{}", converted);
            let starts_with_user = converted.starts_with(r#"{"user":"#);
            prop_assert!(starts_with_user);
        }
    }

    /// A value replicated in the header always matches itself: `aud` by its `JSON.stringify` text, `iss` and
    /// `sub` when it is not an object or array (objects are never `===`).
    #[test]
    fn replicated_claims_match_themselves(value in prop_oneof![any_json(), json_with_lone_surrogates().prop_map(Value::String)]) {
        let text = value.to_string();
        for claim in ["iss", "sub", "aud"] {
            let replicated = format!(r#"{{"{claim}":{text}}}"#);
            let outcome = session_seal_core::payload::claims::check_replicated(&replicated, &replicated);
            let expected = claim == "aud" || !matches!(value, Value::Object(_) | Value::Array(_));
            prop_assert_eq!(outcome.is_ok(), expected, "{}: {}", claim, text);
        }
    }
}
