//! The store cipher's tests: the value's format, its binding to the id and the end, rotation, index tags.

use super::*;
use crate::cipher::{CipherOptions, SessionCipher};
use crate::jose::keys::encryption_key;

const SESSION: &str = r#"{"user":{"sub":"auth0|1","email":"a@example.com"},"tokenSet":{"accessToken":"at","refreshToken":"rt","expiresAt":1},"internal":{"sid":"s1","createdAt":1}}"#;
pub(super) const ID: &str = "0123456789abcdef0123456789abcdef";
pub(super) const NOW: f64 = 1_800_000_000.0;
const END: f64 = NOW + 3600.0;

pub(super) fn store(secrets: &[&str]) -> StoreCipher {
    StoreCipher::new(secrets).unwrap()
}

pub(super) fn code<T: fmt::Debug>(result: Result<T>) -> &'static str {
    result.unwrap_err().code.as_str()
}

#[test]
fn a_value_opens_for_its_id_with_the_session_text_unchanged() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let opened = s.open(ID, &value, NOW).unwrap();
    assert_eq!(opened.session, SESSION);
    assert_eq!(opened.key_index, 0);
    assert_eq!(opened.expires_at, END);
    // A fresh IV every time: sealing twice never gives the same value.
    assert_ne!(value, s.seal(ID, SESSION, END, None).unwrap());
}

#[test]
fn a_value_is_bound_to_its_id() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let err = s.open("another-id", &value, NOW).unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert!(
        err.message.contains("another session id"),
        "{}",
        err.message
    );
}

#[test]
fn rewriting_the_bound_id_breaks_the_tag() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let (header, rest) = value.split_once('.').unwrap();
    let text = String::from_utf8(crate::primitives::base64url::decode(header).unwrap()).unwrap();
    let forged_text = text.replace(ID, "another-id");
    assert_ne!(forged_text, text);
    let mut forged = String::new();
    crate::primitives::base64url::encode_into(forged_text.as_bytes(), &mut forged);
    let forged = format!("{forged}.{rest}");
    assert_eq!(
        code(s.open("another-id", &forged, NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
    // And so does moving the end later.
    let later = text.replace(&format!("\"exp\":{END}"), &format!("\"exp\":{}", END + 1e6));
    assert_ne!(later, text);
    let mut segment = String::new();
    crate::primitives::base64url::encode_into(later.as_bytes(), &mut segment);
    assert_eq!(
        code(s.open(ID, &format!("{segment}.{rest}"), NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
}

#[test]
fn a_value_ends_at_its_exp() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    assert!(s.open(ID, &value, END - 1.0).is_ok());
    assert!(s.open(ID, &value, END - 0.5).is_ok()); // judged in whole seconds
    assert_eq!(code(s.open(ID, &value, END)), "ERR_JWT_EXPIRED");
    assert_eq!(code(s.open(ID, &value, f64::NAN)), "ERR_INVALID_ARG_VALUE");
}

#[test]
fn values_and_cookies_never_open_as_each_other() {
    let secret = "one secret for both";
    let s = store(&[secret]);
    let cookies = SessionCipher::new(&[secret], CipherOptions::default()).unwrap();
    let clock = cookies.clock(Some(NOW)).unwrap();
    // A stored value is not a cookie: the cookie key does not open it.
    let value = s.seal(ID, SESSION, END, None).unwrap();
    assert_eq!(
        code(cookies.open(&value, clock)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
    // A cookie is not a stored value: refused by its header, ...
    let cookie = cookies.seal_session(SESSION, END, Validation::Sdk).unwrap();
    assert_eq!(code(s.open(ID, &cookie, NOW)), "ERR_JWE_INVALID");
    // ... and, given a store's header, by the key: domain separation does not rest on `typ`.
    let header = header_json(ID, END, None).unwrap();
    let under_cookie_key = jwe::encrypt(
        KeyRing::new(&[secret]).unwrap().sealing(),
        &header,
        SESSION.as_bytes().to_vec(),
    )
    .unwrap();
    assert_eq!(
        code(s.open(ID, &under_cookie_key, NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
}

#[test]
fn the_format_is_a256gcm_under_hkdf_with_the_store_info_checked_by_the_aes_gcm_crate() {
    use aes_gcm::aead::{Aead, Payload};
    use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
    use hkdf::Hkdf;
    let secret = "an independent check";
    let value = store(&[secret]).seal(ID, SESSION, END, None).unwrap();
    let parts: Vec<&str> = value.split('.').collect();
    assert_eq!(parts.len(), 5);
    assert_eq!(parts[1], "");
    let header =
        String::from_utf8(crate::primitives::base64url::decode(parts[0]).unwrap()).unwrap();
    assert_eq!(
        header,
        format!(
            r#"{{"alg":"dir","enc":"A256GCM","typ":"session-seal-store","id":"{ID}","exp":{END}}}"#
        )
    );
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&[]), secret.as_bytes())
        .expand(b"session-seal store value v1", &mut key)
        .unwrap();
    assert_ne!(&key, encryption_key(secret).as_bytes());
    let cipher = Aes256Gcm::new((&key).into());
    let iv = crate::primitives::base64url::decode(parts[2]).unwrap();
    let mut body = crate::primitives::base64url::decode(parts[3]).unwrap();
    body.extend(crate::primitives::base64url::decode(parts[4]).unwrap());
    let plaintext = cipher
        .decrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: &body,
                aad: parts[0].as_bytes(),
            },
        )
        .unwrap();
    assert_eq!(plaintext, SESSION.as_bytes());
}

#[test]
fn rotation_reads_with_any_secret_and_says_which() {
    let value = store(&["old"]).seal(ID, SESSION, END, None).unwrap();
    let rotated = store(&["new", "old"]);
    assert_eq!(rotated.open(ID, &value, NOW).unwrap().key_index, 1);
    assert_eq!(
        code(store(&["new"]).open(ID, &value, NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
    let resealed = rotated.seal(ID, SESSION, END, None).unwrap();
    assert_eq!(
        store(&["new"]).open(ID, &resealed, NOW).unwrap().key_index,
        0
    );
}

#[test]
fn index_tags_are_truncated_hmacs_per_secret_and_kind() {
    let s = store(&["new", "old"]);
    let tags = s.index_tags(TagKind::Subject, "auth0|1").unwrap();
    assert_eq!(tags.len(), 2);
    for (tag, secret) in tags.iter().zip(["new", "old"]) {
        let key = keys::derive(secret, INDEX_INFO);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(b"sub\0auth0|1");
        let mut full = String::new();
        crate::primitives::base64url::encode_into(&mac.finalize().into_bytes(), &mut full);
        assert_eq!(tag, &full[..TAG_CHARS]);
        assert!(!tag.contains("auth0"));
    }
    assert_ne!(tags[0], tags[1]);
    assert_eq!(s.write_tag(TagKind::Subject, "auth0|1").unwrap(), tags[0]);
    assert_eq!(tags, s.index_tags(TagKind::Subject, "auth0|1").unwrap());
    assert_ne!(
        tags[0],
        s.index_tags(TagKind::SessionId, "auth0|1").unwrap()[0]
    );
    assert_ne!(
        tags[0],
        s.index_tags(TagKind::Subject, "auth0|2").unwrap()[0]
    );
    assert_eq!(
        store(&["old"])
            .index_tags(TagKind::Subject, "auth0|1")
            .unwrap()[0],
        tags[1]
    );
    let long = "u".repeat(MAX_TAGGED_BYTES + 1);
    assert_eq!(
        code(s.index_tags(TagKind::Subject, &long)),
        "ERR_INPUT_TOO_LARGE"
    );
    assert_ne!(
        keys::derive("new", INDEX_INFO).as_bytes(),
        keys::derive("new", VALUE_INFO).as_bytes()
    );
}

#[test]
fn tag_kinds_are_named_sub_sid_iss() {
    assert_eq!(TagKind::parse("sub").unwrap(), TagKind::Subject);
    assert_eq!(TagKind::parse("sid").unwrap(), TagKind::SessionId);
    assert_eq!(TagKind::parse("iss").unwrap(), TagKind::Issuer);
    assert_eq!(code(TagKind::parse("email")), "ERR_INVALID_ARG_VALUE");
}

#[test]
fn ids_of_any_text_round_trip_in_the_header() {
    let s = store(&["secret"]);
    for id in [
        "a\"b\\c",
        "ключ-李-😀",
        "\u{0}\u{1f}\n",
        "{1}:s:x",
        &"x".repeat(MAX_ID_BYTES),
    ] {
        let value = s.seal(id, SESSION, END, None).unwrap();
        assert_eq!(s.open(id, &value, NOW).unwrap().session, SESSION, "{id:?}");
    }
}

#[test]
fn bad_input_is_refused_before_any_work() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let too_long = "x".repeat(MAX_ID_BYTES + 1);
    for id in ["", too_long.as_str()] {
        assert_eq!(
            code(s.seal(id, SESSION, END, None)),
            "ERR_INVALID_ARG_VALUE"
        );
        assert_eq!(code(s.open(id, &value, NOW)), "ERR_INVALID_ARG_VALUE");
    }
    for end in [f64::NAN, f64::INFINITY, 0.0, -1.0] {
        assert_eq!(
            code(s.seal(ID, SESSION, end, None)),
            "ERR_INVALID_ARG_VALUE"
        );
    }
    assert_eq!(
        code(s.seal(ID, r#"{"user":{}}"#, END, None)),
        "ERR_SESSION_INVALID"
    );
    let huge = format!(
        r#"{{"user":{{"sub":"u"}},"tokenSet":{{"accessToken":"{}","expiresAt":1}},"internal":{{"sid":"s","createdAt":1}}}}"#,
        "a".repeat(MAX_VALUE_BYTES)
    );
    assert_eq!(code(s.seal(ID, &huge, END, None)), "ERR_INPUT_TOO_LARGE");
    assert_eq!(
        code(s.open(ID, &"a".repeat(MAX_VALUE_BYTES + 1), NOW)),
        "ERR_INPUT_TOO_LARGE"
    );
    assert_eq!(code(s.open(ID, "not a value", NOW)), "ERR_JWE_INVALID");
    let none: [&str; 0] = [];
    assert_eq!(code(StoreCipher::new(&none)), "ERR_SECRET_INVALID");
    assert_eq!(code(StoreCipher::new(&["ok", ""])), "ERR_SECRET_INVALID");
    let many: Vec<String> = (0..=keys::MAX_SECRETS).map(|i| format!("s{i}")).collect();
    assert_eq!(code(StoreCipher::new(&many)), "ERR_SECRET_INVALID");
}

#[test]
fn debug_output_redacts_keys() {
    let shown = format!("{:?}", store(&["super-secret-value"]));
    assert!(!shown.contains("super-secret-value") && shown.contains("redacted"));
}
