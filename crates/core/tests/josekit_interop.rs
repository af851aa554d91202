//! Our compact JWE (`dir` + `A256GCM`) and josekit's — an independent JOSE implementation over OpenSSL —
//! read each other, under fresh random secrets: what we seal josekit decrypts to the same claims and
//! header, what josekit encrypts we open to the same payload (the AAD being whatever header segment is on
//! the wire, whatever its member order), for payloads from `{}` up to 60 KB.

use josekit::jwe::{Dir, JweHeader};
use josekit::jwt::{self, JwtPayload};
use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;
use serde_json::{json, Map, Value};
use session_seal_core::jose::keys::encryption_key;
use session_seal_core::payload::claims::Clock;
use session_seal_core::testing::base64url;
use session_seal_core::{CipherOptions, SessionCipher};

const NOW: f64 = 1_795_000_000.0;
const EXP: u64 = 4_102_444_800;

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

/// A random secret: sometimes hex like `openssl rand -hex 32`, sometimes any Unicode, of random length.
fn random_secret() -> String {
    let mut rng = rand::rng();
    if rng.random_bool(0.5) {
        let len = rng.random_range(1..=64);
        Alphanumeric.sample_string(&mut rng, len)
    } else {
        let len = rng.random_range(1..=40);
        (0..len).map(|_| rng.random::<char>()).collect()
    }
}

/// A random string of about `bytes` UTF-8 bytes, with characters JSON must escape mixed in.
fn random_text(bytes: usize) -> String {
    let mut rng = rand::rng();
    let mut out = String::with_capacity(bytes + 4);
    while out.len() < bytes {
        let c = match rng.random_range(0..10) {
            0 => ['"', '\\', '\n', '\u{0}', '\u{1f}', '\u{2028}', '/'][rng.random_range(0..7)],
            1..=2 => rng.random::<char>(),
            _ => rng.sample(Alphanumeric) as char,
        };
        out.push(c);
    }
    out
}

fn cipher(secret: &str) -> SessionCipher {
    SessionCipher::new(&[secret], CipherOptions::default()).unwrap()
}

/// A cipher that reads and writes cookies up to 128 KiB, for the largest payloads.
fn roomy_cipher(secret: &str) -> SessionCipher {
    let options = CipherOptions {
        max_cookie_bytes: 128 * 1024,
        ..CipherOptions::default()
    };
    SessionCipher::new(&[secret], options).unwrap()
}

fn at(now: f64) -> Clock {
    Clock::new(now, 15.0).unwrap()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// `payload` with `exp` set, as the SDK's `encrypt` seals it.
fn with_exp(payload: &Value, exp: u64) -> Value {
    let mut map = object(payload.clone());
    map.insert("exp".into(), json!(exp));
    Value::Object(map)
}

/// josekit's reading of a compact JWE under the key derived from `secret`.
fn josekit_decrypt(cookie: &str, secret: &str) -> (Value, Value) {
    let key = encryption_key(secret);
    let decrypter = Dir.decrypter_from_bytes(key.as_bytes()).unwrap();
    let (payload, header) = jwt::decode_with_decrypter(cookie, &decrypter)
        .unwrap_or_else(|e| panic!("josekit refused our cookie: {e}"));
    (
        Value::Object(payload.claims_set().clone()),
        Value::Object(header.claims_set().clone()),
    )
}

/// josekit's compact JWE of `claims` under the key derived from `secret`, with `extra` header members.
fn josekit_encrypt(claims: &Value, secret: &str, extra: &[(&str, Value)]) -> String {
    let key = encryption_key(secret);
    let encrypter = Dir.encrypter_from_bytes(key.as_bytes()).unwrap();
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    for (name, value) in extra {
        header.set_claim(name, Some(value.clone())).unwrap();
    }
    let payload = JwtPayload::from_map(object(claims.clone())).unwrap();
    jwt::encode_with_encrypter(&payload, &header, &encrypter).unwrap()
}

/// The JSON text of a compact JWE's header segment, decoded independently of the crate under test.
fn wire_header(cookie: &str) -> String {
    let segment = cookie.split('.').next().unwrap();
    String::from_utf8(base64url::decode(segment).expect("base64url header")).unwrap()
}

fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap()
}

fn session() -> Value {
    json!({
        "user": { "sub": "auth0|interop", "name": random_text(24) },
        "tokenSet": { "accessToken": random_text(40), "expiresAt": 1_795_086_400 },
        "internal": { "sid": "sid-interop", "createdAt": 1_795_000_000 },
    })
}

// ---------------------------------------------------------------------------------------------------
// Ours → josekit
// ---------------------------------------------------------------------------------------------------

#[test]
fn josekit_decrypts_what_we_seal() {
    for _ in 0..16 {
        let secret = random_secret();
        let payload = session();
        let cookie = cipher(&secret)
            .seal_payload(&payload.to_string(), EXP as f64, None)
            .unwrap();
        let (claims, header) = josekit_decrypt(&cookie, &secret);
        assert_eq!(claims, with_exp(&payload, EXP));
        assert_eq!(header, json!({ "enc": "A256GCM", "alg": "dir" }));
    }
}

#[test]
fn josekit_sees_our_additional_header_members() {
    let secret = random_secret();
    let extra = json!({ "kid": "key-1", "typ": "JWT", "custom": { "n": 1 } });
    let cookie = cipher(&secret)
        .seal_payload(r#"{"id":"abc"}"#, EXP as f64, Some(&extra.to_string()))
        .unwrap();
    let (claims, header) = josekit_decrypt(&cookie, &secret);
    assert_eq!(claims, json!({ "id": "abc", "exp": EXP }));
    let mut expected = object(json!({ "enc": "A256GCM", "alg": "dir" }));
    expected.extend(object(extra));
    assert_eq!(header, Value::Object(expected));
}

#[test]
fn josekit_refuses_our_cookie_under_another_secret() {
    let cookie = cipher(&random_secret())
        .seal_payload("{}", EXP as f64, None)
        .unwrap();
    let key = encryption_key("not the sealing secret");
    let decrypter = Dir.decrypter_from_bytes(key.as_bytes()).unwrap();
    assert!(jwt::decode_with_decrypter(&cookie, &decrypter).is_err());
}

// ---------------------------------------------------------------------------------------------------
// josekit → ours
// ---------------------------------------------------------------------------------------------------

#[test]
fn we_open_what_josekit_encrypts() {
    for _ in 0..16 {
        let secret = random_secret();
        let claims = with_exp(&session(), EXP);
        let cookie = josekit_encrypt(&claims, &secret, &[]);
        let opened = cipher(&secret).open(&cookie, at(NOW)).unwrap();
        assert_eq!(opened.key_index, 0);
        assert_eq!(parse(&opened.payload), claims);
        assert_eq!(opened.header.json, wire_header(&cookie));
        assert_eq!(
            Value::Object(opened.header.params.clone().into_owned()),
            json!({ "enc": "A256GCM", "alg": "dir" })
        );
        let unsealed = cipher(&secret).unseal(&cookie, at(NOW)).unwrap();
        assert_eq!(parse(&unsealed), claims);
    }
}

#[test]
fn we_open_josekit_cookies_with_extra_header_members_in_any_order() {
    let secret = random_secret();
    let claims = json!({ "id": "0123456789abcdef0123456789abcdef", "exp": EXP });
    // Set before `enc`, so the wire header's member order differs from what we would write.
    let mut header = JweHeader::new();
    header.set_key_id("k1");
    header.set_algorithm("dir");
    header.set_content_encryption("A256GCM");
    let key = encryption_key(&secret);
    let encrypter = Dir.encrypter_from_bytes(key.as_bytes()).unwrap();
    let payload = JwtPayload::from_map(object(claims.clone())).unwrap();
    let cookie = jwt::encode_with_encrypter(&payload, &header, &encrypter).unwrap();
    assert!(wire_header(&cookie).starts_with(r#"{"kid":"k1""#));
    let opened = cipher(&secret).open(&cookie, at(NOW)).unwrap();
    assert_eq!(opened.header.json, wire_header(&cookie));
    assert_eq!(parse(&opened.payload), claims);
}

#[test]
fn josekit_cookies_are_judged_by_our_claim_rules() {
    let secret = random_secret();
    let ours = cipher(&secret);
    let expired = josekit_encrypt(&json!({ "exp": 1_700_000_000 }), &secret, &[]);
    assert_eq!(
        ours.open(&expired, at(NOW)).unwrap_err().code.as_str(),
        "ERR_JWT_EXPIRED"
    );
    let not_yet = josekit_encrypt(&json!({ "nbf": NOW as u64 + 60, "exp": EXP }), &secret, &[]);
    assert_eq!(
        ours.open(&not_yet, at(NOW)).unwrap_err().code.as_str(),
        "ERR_JWT_CLAIM_VALIDATION_FAILED"
    );
    let no_exp = josekit_encrypt(&json!({ "id": "x" }), &secret, &[]);
    assert!(
        ours.open(&no_exp, at(NOW)).is_ok(),
        "exp is optional, as in jose"
    );
}

#[test]
fn we_refuse_josekit_cookies_we_must_not_read() {
    let secret = random_secret();
    let claims = json!({ "id": "x", "exp": EXP });
    let compressed = josekit_encrypt(&claims, &secret, &[("zip", json!("DEF"))]);
    assert_eq!(
        cipher(&secret)
            .open(&compressed, at(NOW))
            .unwrap_err()
            .code
            .as_str(),
        "ERR_JOSE_NOT_SUPPORTED"
    );
    let under_another_secret = josekit_encrypt(&claims, &random_secret(), &[]);
    let err = cipher(&secret)
        .open(&under_another_secret, at(NOW))
        .unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_JWE_DECRYPTION_FAILED");
}

#[test]
fn josekit_cookies_open_under_a_rotated_ring() {
    let (old, new) = (random_secret(), random_secret());
    let cookie = josekit_encrypt(&json!({ "id": "x", "exp": EXP }), &old, &[]);
    let ring = SessionCipher::new(&[new.as_str(), old.as_str()], CipherOptions::default()).unwrap();
    assert_eq!(ring.open(&cookie, at(NOW)).unwrap().key_index, 1);
}

// ---------------------------------------------------------------------------------------------------
// Sizes, both ways
// ---------------------------------------------------------------------------------------------------

fn sized_payloads() -> Vec<(&'static str, Value)> {
    vec![
        ("empty object", json!({})),
        ("1 KB", json!({ "data": random_text(1024) })),
        ("16 KB", json!({ "data": random_text(16 * 1024) })),
        (
            "60 KB",
            json!({ "data": random_text(60 * 1024), "n": [1, 2.5, -3e-7] }),
        ),
    ]
}

#[test]
fn payloads_of_every_size_cross_both_ways() {
    for (size, payload) in sized_payloads() {
        let secret = random_secret();
        let ours = roomy_cipher(&secret);
        let expected = with_exp(&payload, EXP);

        let sealed = ours
            .seal_payload(&payload.to_string(), EXP as f64, None)
            .unwrap();
        let (claims, _) = josekit_decrypt(&sealed, &secret);
        assert_eq!(claims, expected, "ours → josekit, {size}");

        let encrypted = josekit_encrypt(&expected, &secret, &[]);
        let opened = ours.open(&encrypted, at(NOW)).unwrap();
        assert_eq!(parse(&opened.payload), expected, "josekit → ours, {size}");
    }
}

#[test]
fn the_default_limit_refuses_a_60_kb_payload_both_ways() {
    let secret = random_secret();
    let payload = json!({ "data": random_text(60 * 1024) });
    let err = cipher(&secret)
        .seal_payload(&payload.to_string(), EXP as f64, None)
        .unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_INPUT_TOO_LARGE");
    let encrypted = josekit_encrypt(&with_exp(&payload, EXP), &secret, &[]);
    assert!(encrypted.len() > 64 * 1024);
    let err = cipher(&secret).open(&encrypted, at(NOW)).unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_INPUT_TOO_LARGE");
}
