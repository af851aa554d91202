//! The stored vectors in `vectors/`, produced by the real `@auth0/nextjs-auth0` (4.30.0, and
//! 3.8.0 for the legacy format), are facts this crate must agree with:
//! - every v4 cookie opens to the SDK's payload and header, and unseals to what its store returns;
//! - every v3 legacy cookie opens, and unseals to the v4 SDK's conversion;
//! - every negative cookie is refused with the jose-style code the SDK's own reader would hit;
//! - the cookies `setChunkedCookie` wrote open to the session they were made from;
//! - v3 signed stateful cookies verify, refuse tampering, and are re-created byte for byte;
//! - sessions sealed again by this crate open to the same payload as the SDK's cookie.

use serde_json::{Map, Value};
use session_seal_core::cipher::Opened;
use session_seal_core::payload::claims::Clock;
use session_seal_core::testing::legacy::SigningKeys;
use session_seal_core::{CipherOptions, SessionCipher};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors");

/// When the vectors were verified: before the far-future expiry (4102444800), after the `expired` one's.
const NOW: f64 = 1_795_000_000.0;

/// The clock tolerance the SDK passes to jose.
const TOLERANCE: f64 = 15.0;

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

fn load(file: &str) -> Value {
    let path = format!("{VECTORS}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// The `vectors[]` (or other named list) of a vector file.
fn list<'a>(file: &'a Value, key: &str) -> &'a [Value] {
    file[key].as_array().unwrap_or_else(|| panic!("no {key}[]"))
}

fn text<'a>(vector: &'a Value, key: &str) -> &'a str {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {}", name(vector)))
}

fn name(vector: &Value) -> &str {
    vector["name"].as_str().unwrap_or("<unnamed>")
}

fn cipher(secret: &str) -> SessionCipher {
    SessionCipher::new(&[secret], CipherOptions::default()).expect("a valid secret")
}

fn at(now: f64) -> Clock {
    Clock::new(now, TOLERANCE).expect("a valid clock")
}

fn open(vector: &Value) -> Opened {
    cipher(text(vector, "secret"))
        .open(text(vector, "cookie"), at(NOW))
        .unwrap_or_else(|e| panic!("{}: open failed: {e}", name(vector)))
}

fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"))
}

/// Equal as JSON values *and* with members in the same order (JavaScript objects keep insertion order,
/// and the SDK hands the app exactly what `JSON.parse` of the plaintext gives).
fn assert_json_eq(actual: &Value, expected: &Value, what: &str) {
    assert_eq!(actual, expected, "{what}");
    assert_eq!(
        serde_json::to_string(actual).unwrap(),
        serde_json::to_string(expected).unwrap(),
        "{what}: same members, different order"
    );
}

fn header_value(opened: &Opened) -> Value {
    Value::Object(opened.header.params.clone().into_owned())
}

/// `object` without its `exp` member.
fn without_exp(object: &Value) -> Value {
    let mut map: Map<String, Value> = object.as_object().expect("an object").clone();
    map.shift_remove("exp");
    Value::Object(map)
}

/// The values of cookies `prefix<N>` in `pairs`, in numeric order of N; `None` when a chunk is missing.
fn join_chunks<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
    prefix: &str,
) -> Option<String> {
    let mut chunks: Vec<(usize, &str)> = pairs
        .filter_map(|(name, value)| Some((name.strip_prefix(prefix)?.parse().ok()?, value)))
        .collect();
    chunks.sort_by_key(|&(index, _)| index);
    let gapless = chunks.iter().enumerate().all(|(i, &(index, _))| i == index);
    (gapless && !chunks.is_empty()).then(|| chunks.iter().map(|&(_, value)| value).collect())
}

/// `name=value` pairs of a `Cookie` header.
fn cookie_pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split("; ").filter_map(|pair| pair.split_once('='))
}

// ---------------------------------------------------------------------------------------------------
// The vector set itself
// ---------------------------------------------------------------------------------------------------

#[test]
fn every_vector_file_is_covered() {
    let mut files: Vec<String> = std::fs::read_dir(VECTORS)
        .unwrap_or_else(|e| panic!("{VECTORS}: {e}"))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|file| file.ends_with(".json"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "cookie-jars.json",
            "negative-cookies.json",
            "v3-legacy-cookies.json",
            "v4-cookies.json"
        ],
        "a new vector file needs tests here"
    );
}

// ---------------------------------------------------------------------------------------------------
// v4 cookies
// ---------------------------------------------------------------------------------------------------

/// Every vector of `file` opens with the first secret to the payload and header the SDK's `decrypt` gave.
fn assert_every_vector_opens_to_the_sdk_payload_and_header(file: &str) {
    let file = load(file);
    assert!(!list(&file, "vectors").is_empty());
    for vector in list(&file, "vectors") {
        let what = name(vector);
        let opened = open(vector);
        assert_eq!(opened.key_index, 0, "{what}");
        assert_json_eq(
            &parse(&opened.payload),
            &vector["expected"]["payload"],
            &format!("{what}: payload"),
        );
        assert_json_eq(
            &header_value(&opened),
            &vector["expected"]["protectedHeader"],
            &format!("{what}: protected header"),
        );
    }
}

#[test]
fn v4_cookies_open_to_the_sdk_payload_and_header() {
    assert_every_vector_opens_to_the_sdk_payload_and_header("v4-cookies.json");
}

#[test]
fn v4_cookies_unseal_to_what_the_sdk_store_returns() {
    let file = load("v4-cookies.json");
    for vector in list(&file, "vectors") {
        let what = name(vector);
        let session = cipher(text(vector, "secret"))
            .unseal(text(vector, "cookie"), at(NOW))
            .unwrap_or_else(|| panic!("{what}: unseal gave None"));
        // The stateful `{ id }` vector has no `normalized`: a v4 payload is handed over as it is.
        let expected = match &vector["expected"]["normalized"] {
            Value::Null => &vector["expected"]["payload"],
            normalized => normalized,
        };
        assert_json_eq(&parse(&session), expected, &format!("{what}: unsealed"));
    }
}

#[test]
fn v4_cookies_open_under_a_rotated_ring_with_their_key_index() {
    let file = load("v4-cookies.json");
    for vector in list(&file, "vectors") {
        let ring = ["a-newer-secret", "another-one", text(vector, "secret")];
        let rotated = SessionCipher::new(&ring, CipherOptions::default()).unwrap();
        let opened = rotated.open(text(vector, "cookie"), at(NOW)).unwrap();
        assert_eq!(opened.key_index, 2, "{}", name(vector));
    }
}

#[test]
fn v4_sessions_sealed_again_open_to_the_same_payload() {
    let file = load("v4-cookies.json");
    for vector in list(&file, "vectors") {
        let what = name(vector);
        let ours = cipher(text(vector, "secret"));
        let session_json = serde_json::to_string(&vector["session"]).unwrap();
        let expiration = vector["expiration"].as_f64().expect("expiration");
        let cookie = ours
            .seal_payload(&session_json, expiration, None)
            .unwrap_or_else(|e| panic!("{what}: seal failed: {e}"));
        assert_ne!(cookie, text(vector, "cookie"), "{what}: the IV is random");
        let opened = ours.open(&cookie, at(NOW)).unwrap();
        assert_json_eq(
            &parse(&opened.payload),
            &vector["expected"]["payload"],
            &format!("{what}: resealed payload"),
        );
        assert_json_eq(
            &header_value(&opened),
            &vector["expected"]["protectedHeader"],
            &format!("{what}: resealed header"),
        );
        // The same header segment as the SDK's, byte for byte.
        let segment = |c: &str| c.split('.').next().unwrap().to_string();
        assert_eq!(segment(&cookie), segment(text(vector, "cookie")), "{what}");
    }
}

// ---------------------------------------------------------------------------------------------------
// v3 legacy cookies
// ---------------------------------------------------------------------------------------------------

#[test]
fn v3_legacy_cookies_open_to_the_sdk_payload_and_header() {
    assert_every_vector_opens_to_the_sdk_payload_and_header("v3-legacy-cookies.json");
}

#[test]
fn v3_legacy_cookies_unseal_to_the_v4_conversion() {
    let file = load("v3-legacy-cookies.json");
    for vector in list(&file, "vectors") {
        let what = name(vector);
        let session = cipher(text(vector, "secret"))
            .unseal(text(vector, "cookie"), at(NOW))
            .unwrap_or_else(|| panic!("{what}: unseal gave None"));
        assert_json_eq(
            &parse(&session),
            &vector["expected"]["normalized"],
            &format!("{what}: normalized"),
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Negative cookies
// ---------------------------------------------------------------------------------------------------

/// The code each negative vector must be refused with (checked against the real content of each).
fn expected_code(vector_name: &str) -> &'static str {
    match vector_name {
        "expired" => "ERR_JWT_EXPIRED",
        "wrong-secret" | "tampered-ciphertext" | "tampered-tag" | "tampered-header" => {
            "ERR_JWE_DECRYPTION_FAILED"
        }
        "alg-none" => "ERR_JOSE_NOT_SUPPORTED",
        "four-segments" | "not-base64url" | "empty" => "ERR_JWE_INVALID",
        other => panic!("negative vector {other:?} has no expected code here: add it"),
    }
}

#[test]
fn negative_cookies_are_refused_with_their_code() {
    let file = load("negative-cookies.json");
    assert!(!list(&file, "vectors").is_empty());
    for vector in list(&file, "vectors") {
        let what = name(vector);
        let ours = cipher(text(vector, "secret"));
        let cookie = text(vector, "cookie");
        let err = match ours.open(cookie, at(NOW)) {
            Ok(opened) => panic!("{what}: opened to {}", opened.payload),
            Err(err) => err,
        };
        assert!(
            session_seal_core::ErrorCode::OPEN.contains(&err.code),
            "{what}: {err}"
        );
        assert!(!err.message.trim().is_empty(), "{what}: empty message");
        assert_eq!(err.code.as_str(), expected_code(what), "{what}: {err}");
        assert_eq!(ours.unseal(cookie, at(NOW)), None, "{what}: unseal");
    }
}

fn negative(vector_name: &str) -> Value {
    let file = load("negative-cookies.json");
    list(&file, "vectors")
        .iter()
        .find(|v| name(v) == vector_name)
        .unwrap_or_else(|| panic!("no negative vector {vector_name:?}"))
        .clone()
}

#[test]
fn the_expired_cookie_is_expired_by_the_system_clock_too() {
    let vector = negative("expired");
    let ours = cipher(text(&vector, "secret"));
    let err = ours
        .open(text(&vector, "cookie"), ours.clock(None).unwrap())
        .unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_JWT_EXPIRED", "{err}");
    assert_eq!(
        ours.unseal(text(&vector, "cookie"), Clock::system(TOLERANCE).unwrap()),
        None
    );
}

/// The `expired` cookie is otherwise sound: it opens until `exp + tolerance`, exclusive, as jose rules.
#[test]
fn the_expired_cookie_is_refused_exactly_at_exp_plus_tolerance() {
    let vector = negative("expired");
    let ours = cipher(text(&vector, "secret"));
    let cookie = text(&vector, "cookie");
    let before = ours.open(cookie, at(1_600_000_000.0)).unwrap();
    let exp = parse(&before.payload)["exp"]
        .as_f64()
        .expect("a numeric exp");
    assert!(ours.open(cookie, at(exp + TOLERANCE - 1.0)).is_ok());
    assert!(
        ours.open(cookie, at(exp + TOLERANCE - 0.5)).is_ok(),
        "now is floored"
    );
    assert_eq!(
        ours.open(cookie, at(exp + TOLERANCE))
            .unwrap_err()
            .code
            .as_str(),
        "ERR_JWT_EXPIRED"
    );
}

/// The wrong-secret cookie was sealed under a secret we do not have: no key in a ring of others opens it.
#[test]
fn the_wrong_secret_cookie_fails_under_every_key_of_a_ring() {
    let vector = negative("wrong-secret");
    let ring = [text(&vector, "secret"), "second", "third"];
    let err = SessionCipher::new(&ring, CipherOptions::default())
        .unwrap()
        .open(text(&vector, "cookie"), at(NOW))
        .unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_JWE_DECRYPTION_FAILED");
}

// ---------------------------------------------------------------------------------------------------
// Cookie jars
// ---------------------------------------------------------------------------------------------------

#[test]
fn jar_cookies_open_to_their_session_plus_exp() {
    let file = load("cookie-jars.json");
    let mut opened_any = false;
    for jar in list(&file, "jars") {
        let what = name(jar);
        if jar["jwe"].is_null() || jar["readBackEqualsJwe"] != Value::Bool(true) {
            continue;
        }
        let opened = cipher(text(jar, "secret"))
            .open(text(jar, "jwe"), at(NOW))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        opened_any = true;
        let payload = parse(&opened.payload);
        assert!(payload["exp"].is_number(), "{what}: exp");
        if !jar["session"].is_null() {
            assert_json_eq(
                &without_exp(&payload),
                &jar["session"],
                &format!("{what}: session"),
            );
        }
    }
    assert!(opened_any);
}

/// What the SDK put in `Set-Cookie` (or what a browser sent back) joins, in chunk order, to the JWE.
#[test]
fn jar_chunks_reassemble_to_a_cookie_that_opens() {
    let file = load("cookie-jars.json");
    for jar in list(&file, "jars") {
        let what = name(jar);
        let joined = if let Some(set_cookie) = jar["setCookie"].as_array() {
            // Cookies set with `maxAge: 0` are deletions.
            let live: Vec<(&str, &str)> = set_cookie
                .iter()
                .filter(|c| c["maxAge"].as_i64() != Some(0))
                .map(|c| (text(c, "name"), text(c, "value")))
                .collect();
            match live.as_slice() {
                [("__session", value)] => Some(value.to_string()),
                _ => join_chunks(live.into_iter(), "__session__"),
            }
        } else {
            let header = text(jar, "cookieHeader");
            join_chunks(cookie_pairs(header), "appSession.")
                .or_else(|| join_chunks(cookie_pairs(header), "__session__"))
        };
        let ours = cipher(text(jar, "secret"));
        match jar["jwe"].as_str() {
            Some(jwe) => {
                let joined = joined.unwrap_or_else(|| panic!("{what}: no chunks"));
                assert_eq!(joined, jwe, "{what}");
                assert!(ours.open(&joined, at(NOW)).is_ok(), "{what}");
            }
            // A gap in the chunks is no session: nothing to join, and no prefix of the chunks opens.
            None => {
                assert!(jar["readBack"].is_null(), "{what}");
                assert_eq!(joined, None, "{what}");
                let header = text(jar, "cookieHeader");
                for (_, value) in cookie_pairs(header) {
                    assert_eq!(ours.unseal(value, at(NOW)), None, "{what}");
                }
            }
        }
    }
}

#[test]
fn v3_signed_stateful_cookies_verify_to_their_id() {
    let file = load("cookie-jars.json");
    let cookies = list(&file, "v3SignedStatefulCookies");
    assert!(!cookies.is_empty());
    for cookie in cookies {
        let keys = SigningKeys::new(&[text(cookie, "secret")]);
        let (name, value) = (text(cookie, "cookieName"), text(cookie, "cookieValue"));
        assert_eq!(keys.verify(name, value), Some(text(cookie, "verifiesTo")));
        assert_eq!(keys.verify("another-name", value), None);
        let rotated = SigningKeys::new(&["newer", text(cookie, "secret")]);
        assert_eq!(
            rotated.verify(name, value),
            Some(text(cookie, "verifiesTo"))
        );
        assert_eq!(SigningKeys::new(&["newer"]).verify(name, value), None);
    }
}

#[test]
fn v3_signed_stateful_cookies_refuse_any_one_character_change_to_the_signature() {
    let file = load("cookie-jars.json");
    for cookie in list(&file, "v3SignedStatefulCookies") {
        let keys = SigningKeys::new(&[text(cookie, "secret")]);
        let (name, value) = (text(cookie, "cookieName"), text(cookie, "cookieValue"));
        let signature_start = value.find('.').expect("value.signature") + 1;
        for i in signature_start..value.len() {
            let original = value.as_bytes()[i];
            let replacement = if original == b'A' { 'B' } else { 'A' };
            let mut tampered = value.to_string();
            tampered.replace_range(i..=i, &replacement.to_string());
            assert_eq!(
                keys.verify(name, &tampered),
                None,
                "changed byte {i}: {tampered}"
            );
        }
        let id_changed = value.replacen(|c: char| c.is_ascii_digit(), "x", 1);
        assert_eq!(keys.verify(name, &id_changed), None);
    }
}

#[test]
fn v3_signed_stateful_cookies_are_signed_byte_for_byte() {
    let file = load("cookie-jars.json");
    for cookie in list(&file, "v3SignedStatefulCookies") {
        let keys = SigningKeys::new(&[text(cookie, "secret")]);
        assert_eq!(
            keys.sign(text(cookie, "cookieName"), text(cookie, "id")),
            text(cookie, "cookieValue")
        );
    }
}
