//! Edge cases where this crate once disagreed with jose 6.2.18 (what `@auth0/nextjs-auth0` 4.30.0 seals
//! and reads with), kept as regression tests for the fixes. The expected answers are jose's, as it gave
//! them when each case was fixed, written out here by hand: `cargo test` cannot run jose. The same cookies
//! are judged side by side with the real jose on every Jest run: the headers and replicated claims in
//! `__test__/hostile-header.test.mjs`, the payloads in `__test__/hostile-payload.test.mjs`, sealing with
//! such additional headers in `__test__/interop.test.mjs`.
//!
//! `JSON.stringify` writes a lone UTF-16 surrogate as an escape such as `"\ud800"` (e.g. a user name cut
//! in the middle of an emoji), and `JSON.parse` reads it back; serde_json refuses it wherever it builds a
//! `String` (object keys, `Value`), though it lets it pass in values it skips.

use session_seal_core::payload::claims::Clock;
use session_seal_core::payload::session;
use session_seal_core::testing::jwe;
use session_seal_core::{CipherOptions, SessionCipher};

const SECRET: &str = "a-secret";
const NOW: f64 = 1_795_000_000.0;
const EXP: f64 = 4_102_444_800.0;

fn cipher() -> SessionCipher {
    SessionCipher::new(&[SECRET], CipherOptions::default()).unwrap()
}

fn at_now() -> Clock {
    Clock::new(NOW, 15.0).unwrap()
}

/// A cookie with exactly this header text and plaintext, as jose would seal it.
fn sealed(header: &str, plaintext: &str) -> String {
    jwe::encrypt(
        cipher().ring().sealing(),
        header,
        plaintext.as_bytes().to_vec(),
    )
    .unwrap()
}

fn open_code(cookie: &str) -> Option<&'static str> {
    cipher()
        .open(cookie, at_now())
        .err()
        .map(|e| e.code.as_str())
}

#[test]
fn an_additional_header_with_a_lone_surrogate_seals_without_panicking() {
    // jose: encrypt({ a: 1 }, secret, exp, { x: "\uD800" }) seals, and jwtDecrypt opens the result.
    let cookie = cipher()
        .seal_payload(r#"{"a":1}"#, EXP, Some(r#"{"x":"\ud800"}"#))
        .unwrap();
    assert_eq!(open_code(&cookie), None);
}

#[test]
fn a_header_with_a_lone_surrogate_opens() {
    let cookie = sealed(
        r#"{"enc":"A256GCM","alg":"dir","x":"\ud800"}"#,
        r#"{"a":1,"exp":4102444800}"#,
    );
    assert_eq!(open_code(&cookie), None);
}

#[test]
fn a_payload_key_with_a_lone_surrogate_seals_and_opens() {
    let cookie = sealed(
        session_seal_core::cipher::DEFAULT_HEADER,
        r#"{"\ud800":1,"exp":4102444800}"#,
    );
    assert_eq!(open_code(&cookie), None);
    assert!(cipher().seal_payload(r#"{"\ud800":1}"#, EXP, None).is_ok());
}

#[test]
fn replicated_claims_do_not_limit_what_the_payload_may_hold() {
    let header = r#"{"enc":"A256GCM","alg":"dir","sub":"a"}"#;
    let surrogate = sealed(header, r#"{"sub":"a","n":"\ud800","exp":4102444800}"#);
    assert_eq!(open_code(&surrogate), None);
    let deep = format!(
        r#"{{"sub":"a","d":{}{},"exp":4102444800}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert_eq!(open_code(&sealed(header, &deep)), None);
}

#[test]
fn a_session_with_a_lone_surrogate_validates() {
    let session = r#"{"user":{"sub":"auth0|1","name":"Zoe \ud83e"},"tokenSet":{"accessToken":"at","expiresAt":1},"internal":{"sid":"s","createdAt":1}}"#;
    assert_eq!(session::validate_json(session), vec![]);
    assert!(cipher()
        .seal_session(session, EXP, session::Validation::Strict)
        .is_ok());
}

#[test]
fn a_crit_list_with_an_empty_name_is_jwe_invalid() {
    let cookie = sealed(
        r#"{"alg":"dir","enc":"A256GCM","crit":["x",""]}"#,
        r#"{"exp":4102444800}"#,
    );
    // jose: '"crit" (Critical) Header Parameter MUST be an array of non-empty strings when present'
    assert_eq!(open_code(&cookie), Some("ERR_JWE_INVALID"));
}

#[test]
fn an_unsupported_alg_without_enc_is_jwe_invalid() {
    let cookie = sealed(r#"{"alg":"none"}"#, r#"{"exp":4102444800}"#);
    // jose: 'missing JWE Encryption Algorithm (enc) in JWE Header'
    assert_eq!(open_code(&cookie), Some("ERR_JWE_INVALID"));
}

#[test]
fn replicated_aud_is_compared_as_json_text() {
    let reordered = sealed(
        r#"{"enc":"A256GCM","alg":"dir","aud":{"a":1,"b":2}}"#,
        r#"{"aud":{"b":2,"a":1},"exp":4102444800}"#,
    );
    assert_eq!(
        open_code(&reordered),
        Some("ERR_JWT_CLAIM_VALIDATION_FAILED")
    );
    // JSON.stringify(1.0) === JSON.stringify(1): the same claim.
    let same_number = sealed(
        r#"{"enc":"A256GCM","alg":"dir","aud":["x",1.0]}"#,
        r#"{"aud":["x",1],"exp":4102444800}"#,
    );
    assert_eq!(open_code(&same_number), None);
}
