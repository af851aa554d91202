//! Tests of the session cipher: sealing and opening, the deferred unseal, rotation, limits, legacy cookies.

use super::*;
use crate::primitives::base64url;

fn cipher(secrets: &[&str]) -> SessionCipher {
    SessionCipher::new(secrets, CipherOptions::default()).unwrap()
}

fn at(now: f64) -> Clock {
    Clock::new(now, 15.0).unwrap()
}

const SESSION: &str = r#"{"user":{"sub":"auth0|1"},"tokenSet":{"accessToken":"at","expiresAt":1},"internal":{"sid":"s","createdAt":1}}"#;

#[test]
fn options_are_checked_as_the_constructors_take_them() {
    let o = CipherOptions::new(None, None).unwrap();
    assert_eq!(o.clock_tolerance, claims::DEFAULT_CLOCK_TOLERANCE);
    assert_eq!(o.max_cookie_bytes, DEFAULT_MAX_COOKIE_BYTES);
    let o = CipherOptions::new(Some(0.0), Some(100.0)).unwrap();
    assert_eq!((o.clock_tolerance, o.max_cookie_bytes), (0.0, 100));
    for (tolerance, max, code) in [
        (Some(-1.0), None, "ERR_INVALID_ARG_VALUE"),
        (Some(f64::NAN), None, "ERR_INVALID_ARG_VALUE"),
        (None, Some(0.0), "ERR_INVALID_ARG_VALUE"),
        (None, Some(1.5), "ERR_INVALID_ARG_VALUE"),
        (None, Some(-1.0), "ERR_INVALID_ARG_VALUE"),
        (None, Some(u32::MAX as f64 + 1.0), "ERR_INVALID_ARG_VALUE"),
        (None, Some(f64::INFINITY), "ERR_INVALID_ARG_VALUE"),
    ] {
        let e = CipherOptions::new(tolerance, max).unwrap_err();
        assert_eq!(e.code.as_str(), code, "{tolerance:?} {max:?}");
    }
    let c = SessionCipher::new(&["s"], CipherOptions::new(None, Some(10.0)).unwrap()).unwrap();
    assert!(c.check_size(10).is_ok());
    let e = c.check_size(11).unwrap_err();
    assert_eq!(
        e.message,
        "cookie value is 11 bytes, over the 10-byte limit"
    );
}

#[test]
fn seal_then_open_and_unseal() {
    let c = cipher(&["s1"]);
    let cookie = c.seal_session(SESSION, 2000.0, Validation::Strict).unwrap();
    let opened = c.open(&cookie, at(1000.0)).unwrap();
    assert_eq!(opened.key_index, 0);
    assert_eq!(opened.header.json, DEFAULT_HEADER);
    let expected = format!("{},\"exp\":2000}}", &SESSION[..SESSION.len() - 1]);
    assert_eq!(opened.payload, expected);
    assert_eq!(c.unseal(&cookie, at(1000.0)).unwrap(), opened.payload);
    assert!(c.unseal(&cookie, at(2015.0)).is_none());
}

/// What a caller of `unseal_deferred` does with a payload left to it, with serde standing in for
/// `JSON.parse` (which, unlike serde's `Value`, also reads numbers beyond a double's range: the Jest
/// suite `unseal-sdk-header` holds V8's side): read it as an object, judge its own time claims.
fn judged_by_caller(unsealed: Option<Unsealed>, clock: Clock) -> Option<String> {
    use serde_json::Value;
    let payload = match unsealed? {
        Unsealed::Session(json) => return Some(json),
        Unsealed::ClaimsUnread { payload, ascii } => {
            assert_eq!(ascii, payload.is_ascii());
            payload.to_string()
        }
    };
    let Ok(Value::Object(object)) = crate::json::parse_value(&payload) else {
        return None;
    };
    let claim = |name| match object.get(name) {
        None => claims::TimeClaim::Absent,
        Some(Value::Number(n)) => claims::TimeClaim::Number(n.as_f64().unwrap()),
        Some(_) => claims::TimeClaim::NotANumber,
    };
    claims::check_found(claim("exp"), claim("nbf"), claim("iat"), clock).ok()?;
    Some(payload)
}

#[test]
fn unseal_deferred_leaves_only_the_sdk_headers_payload_unread() {
    let c = cipher(&["s"]);
    let sdk = |plaintext: &str| {
        jwe::encrypt(c.ring().sealing(), DEFAULT_HEADER, plaintext.into()).unwrap()
    };
    let mut buffer = vec![b'!'; 3];
    // Under the SDK's header: decrypted, and nothing else judged, whatever the text.
    for (text, ascii) in [
        ("{\"exp\":1}", true),
        ("[]", true),
        ("{", true),
        ("{\"a\":1}x", true),
        ("{\"exp\":\"é\"}", false),
    ] {
        assert_eq!(
            c.unseal_deferred(&sdk(text), at(1000.0), &mut buffer),
            Some(Unsealed::ClaimsUnread {
                payload: text,
                ascii
            })
        );
    }
    assert_eq!(
        c.unseal_deferred(&sdk("\u{feff}{}"), at(1000.0), &mut buffer),
        Some(Unsealed::ClaimsUnread {
            payload: "{}",
            ascii: true
        })
    );
    assert_eq!(
        c.unseal_deferred("not a cookie", at(1000.0), &mut buffer),
        None
    );
    let foreign = cipher(&["other"]).seal_payload("{}", 2000.0, None).unwrap();
    assert_eq!(c.unseal_deferred(&foreign, at(1000.0), &mut buffer), None);
    // Under any other header: judged in full here, v3 converted.
    let legacy = c
        .seal_payload(
            r#"{"user":{"sub":"u","sid":"x"},"accessToken":"at"}"#,
            2000.0,
            Some(r#"{"iat":5,"uat":6,"exp":2000}"#),
        )
        .unwrap();
    assert_eq!(
        c.unseal_deferred(&legacy, at(1000.0), &mut buffer),
        c.unseal(&legacy, at(1000.0)).map(Unsealed::Session)
    );
    let other = c
        .seal_payload("{\"sub\":\"a\"}", 2000.0, Some("{\"sub\":\"a\"}"))
        .unwrap();
    assert!(matches!(
        c.unseal_deferred(&other, at(1000.0), &mut buffer),
        Some(Unsealed::Session(_))
    ));
    assert_eq!(c.unseal_deferred(&other, at(2015.0), &mut buffer), None);
    // A caller that parses and judges as documented agrees with `unseal` on every cookie.
    for text in [
        "{}",
        " {\"exp\":1500} ",
        "{\"exp\":985}",
        "{\"exp\":986}",
        "{\"nbf\":1016}",
        "{\"iat\":\"x\"}",
        "{\"exp\":2000,\"exp\":1}",
        "[]",
        "1",
        "{",
        "{}{}",
        "{\"\\u0065xp\":1}",
        "{\"a\":{\"exp\":1}}",
        "\u{feff}{}",
    ] {
        for cookie in [sdk(text), legacy.clone(), other.clone()] {
            assert_eq!(
                judged_by_caller(
                    c.unseal_deferred(&cookie, at(1000.0), &mut buffer),
                    at(1000.0)
                ),
                c.unseal(&cookie, at(1000.0)),
                "{text}"
            );
        }
    }
}

#[test]
fn rotation_reports_the_matching_key() {
    let old = cipher(&["old"]);
    let cookie = old.seal_payload(r#"{"id":"x"}"#, 2000.0, None).unwrap();
    let rotated = cipher(&["new", "old"]);
    assert_eq!(rotated.open(&cookie, at(1000.0)).unwrap().key_index, 1);
    assert_eq!(
        cipher(&["new"])
            .open(&cookie, at(1000.0))
            .unwrap_err()
            .code
            .as_str(),
        "ERR_JWE_DECRYPTION_FAILED"
    );
}

#[test]
fn invalid_sessions_list_every_problem() {
    let err = cipher(&["s"])
        .seal_session(
            r#"{"user":{},"tokenSet":{"accessToken":1,"expiresAt":1}}"#,
            1.0,
            Validation::Strict,
        )
        .unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_SESSION_INVALID");
    assert!(
        err.message.contains("user.sub")
            && err.message.contains("tokenSet.accessToken")
            && err.message.contains("internal")
    );
    assert!(cipher(&["s"])
        .seal_session("{}", 1.0, Validation::Off)
        .is_ok());
    // The default check names what breaks the SDK, and only that.
    let err = cipher(&["s"])
        .seal_session(
            r#"{"user":{},"tokenSet":{"accessToken":1}}"#,
            1.0,
            Validation::Sdk,
        )
        .unwrap_err();
    assert_eq!(
        err.message,
        "invalid session (1 problem): internal is required (SessionData.internal)"
    );
}

#[test]
fn size_limits_apply_both_ways() {
    let small = SessionCipher::new(
        &["s"],
        CipherOptions {
            max_cookie_bytes: 200,
            ..Default::default()
        },
    )
    .unwrap();
    let err = small.open(&"a".repeat(201), at(0.0)).unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_INPUT_TOO_LARGE");
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(300));
    assert_eq!(
        small
            .seal_payload(&big, 1.0, None)
            .unwrap_err()
            .code
            .as_str(),
        "ERR_INPUT_TOO_LARGE"
    );
}

#[test]
fn replicated_header_claims_must_match() {
    let c = cipher(&["s"]);
    let ok = c
        .seal_payload(
            r#"{"sub":"a","aud":["x"]}"#,
            2000.0,
            Some(r#"{"sub":"a","aud":["x"]}"#),
        )
        .unwrap();
    assert!(c.open(&ok, at(1000.0)).is_ok());
    let bad = c
        .seal_payload(r#"{"sub":"b"}"#, 2000.0, Some(r#"{"sub":"a"}"#))
        .unwrap();
    assert_eq!(
        c.open(&bad, at(1000.0)).unwrap_err().code.as_str(),
        "ERR_JWT_CLAIM_VALIDATION_FAILED"
    );
}

#[test]
fn legacy_cookies_are_converted_on_unseal() {
    let c = cipher(&["s"]);
    let cookie = c
        .seal_payload(
            r#"{"user":{"sub":"u","sid":"x"},"accessToken":"at"}"#,
            2000.0,
            Some(r#"{"iat":5,"uat":6,"exp":2000}"#),
        )
        .unwrap();
    // The payload now carries exp too; v3 cookies did not, which the conversion ignores either way.
    assert_eq!(
        c.unseal(&cookie, at(1000.0)).unwrap(),
        r#"{"user":{"sub":"u","sid":"x"},"tokenSet":{"accessToken":"at"},"internal":{"sid":"x","createdAt":5}}"#
    );
}

#[test]
fn non_utf8_and_non_object_payloads_are_jwt_invalid() {
    let c = cipher(&["s"]);
    for plaintext in [&b"\xff\xfe"[..], b"[1]", b"{\"exp\":1"] {
        let cookie = jwe::encrypt(c.ring().sealing(), DEFAULT_HEADER, plaintext.to_vec()).unwrap();
        assert_eq!(
            c.open(&cookie, at(0.0)).unwrap_err().code.as_str(),
            "ERR_JWT_INVALID"
        );
    }
    let mut header = String::new();
    base64url::encode_into(DEFAULT_HEADER.as_bytes(), &mut header);
    assert!(header.starts_with("eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0"));
}
