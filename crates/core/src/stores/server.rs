//! Sealing for server-side session stores (`session-seal/redis`): each stored value is a compact JWE under a key
//! of its own, bound to its session id and to the moment the session ends.
//!
//! Why a key of its own: under the cookies' key, a stored session would open as a `__session` cookie and a
//! cookie would open as a stored session. Why the id in the header: a value copied under another id (by anyone
//! who can write to the database) must not open there. The header is the AES-GCM additional data, so both are
//! authenticated with the value.

use std::fmt;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::error::{
    claim_invalid, input_too_large, invalid_arg_value, jwe_invalid, jwt_expired, jwt_invalid,
    session_invalid, Result,
};
use crate::jose::jwe::{self, CompactJwe};
use crate::jose::keys::{self, DerivedKey, KeyRing};
use crate::payload::claims;
use crate::payload::session::{self, Validation};
use crate::primitives::base64url;

/// HKDF `info` of the key that seals stored values: not the cookies' `JWE CEK`, so neither opens the other.
pub(crate) const VALUE_INFO: &[u8] = b"session-seal store value v1";
/// HKDF `info` of the key behind the index tags.
pub(crate) const INDEX_INFO: &[u8] = b"session-seal store index v1";
/// The protected header's `typ`: what a stored value says it is.
pub(crate) const TYP: &str = "session-seal-store";
/// Values are refused past this size, sealing and opening: stateful sessions outgrow cookies, not memory.
pub const MAX_VALUE_BYTES: usize = 1 << 20;
/// Session ids longer than this are refused before any work (the SDK's are 32 hex characters).
pub const MAX_ID_BYTES: usize = 256;
/// An index tag: the first 22 base64url characters (132 bits) of an HMAC-SHA256.
pub(crate) const TAG_CHARS: usize = 22;
/// Values (`sub`, `sid`, issuer) longer than this are not tagged: refused before any work.
pub const MAX_TAGGED_BYTES: usize = 1 << 16;

/// What an index tag names; the kind is hashed with the value, so a `sub` and a `sid` never share a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `sub`: the user, for logout of every session of a user.
    Subject,
    /// `sid`: the IdP session, for back-channel logout.
    SessionId,
    /// `iss`: the issuer, which scopes the other two.
    Issuer,
}

impl TagKind {
    /// `"sub"`, `"sid"` or `"iss"`; anything else is refused.
    pub fn parse(name: &str) -> Result<TagKind> {
        Self::check_len(name.len())?;
        match name {
            "sub" => Ok(TagKind::Subject),
            "sid" => Ok(TagKind::SessionId),
            "iss" => Ok(TagKind::Issuer),
            _ => Err(Self::refused()),
        }
    }

    /// Every kind's name is three bytes: anything longer is refused unread.
    pub fn check_len(len: usize) -> Result<()> {
        match len {
            3 => Ok(()),
            _ => Err(Self::refused()),
        }
    }

    fn refused() -> crate::error::Error {
        invalid_arg_value("index tag kind must be \"sub\", \"sid\" or \"iss\"")
    }

    /// The kind's name: `sub`, `sid` or `iss`.
    pub fn name(self) -> &'static str {
        match self {
            TagKind::Subject => "sub",
            TagKind::SessionId => "sid",
            TagKind::Issuer => "iss",
        }
    }

    fn as_bytes(self) -> &'static [u8] {
        self.name().as_bytes()
    }
}

/// A stored value that opened for its id and has not ended.
#[derive(Debug)]
pub struct OpenedValue {
    /// The session's JSON text, exactly as sealed.
    pub session: String,
    /// Which secret opened it (0 is the newest): anything else means "seal it again".
    pub key_index: usize,
    /// Epoch seconds when the session ends.
    pub expires_at: f64,
}

/// The secrets of a store, newest first: values and index tags are written with the first, read with any.
pub struct StoreCipher {
    values: KeyRing,
    index_keys: Vec<DerivedKey>,
}

impl fmt::Debug for StoreCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "StoreCipher({} secrets, <redacted>)",
            self.index_keys.len()
        )
    }
}

impl StoreCipher {
    /// Derives the value and index keys of every secret. At least one secret; none empty.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Result<Self> {
        let values = KeyRing::derived(secrets, VALUE_INFO)?;
        let index_keys = secrets
            .iter()
            .map(|s| keys::derive(s.as_ref(), INDEX_INFO))
            .collect();
        Ok(StoreCipher { values, index_keys })
    }

    /// Seals the session `session_json` (checked as `SessionCipher.seal` checks by default) for `id`, ending
    /// at `expires_at`.
    pub fn seal(&self, id: &str, session_json: &str, expires_at: f64) -> Result<String> {
        check_id(id)?;
        if session_json.len() > MAX_VALUE_BYTES {
            return Err(too_large(session_json.len()));
        }
        // The check SessionCipher.seal makes by default: whatever the SDK hands a store passes.
        if session::check_fast(session_json, Validation::Sdk).is_none() {
            let problems = session::check(session_json, Validation::Sdk);
            if !problems.is_empty() {
                return Err(session_invalid(session::describe(&problems)));
            }
        }
        let header = header_json(id, expires_at)?;
        let sealed_len = jwe::sealed_len(header.len(), session_json.len());
        if sealed_len > MAX_VALUE_BYTES {
            return Err(too_large(sealed_len));
        }
        jwe::encrypt(
            self.values.sealing(),
            &header,
            session_json.as_bytes().to_vec(),
        )
    }

    /// Opens a value read under `id` at `now` (epoch seconds). Refuses, with a coded error, anything that is
    /// not a stored value of this store, was altered, was sealed for another id, or has ended.
    pub fn open(&self, id: &str, value: &str, now: f64) -> Result<OpenedValue> {
        check_id(id)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(too_large(value.len()));
        }
        if !now.is_finite() {
            return Err(invalid_arg_value(
                "now must be a finite number of epoch seconds",
            ));
        }
        let jwe = CompactJwe::parse(value)?;
        if jwe.header.get("typ").and_then(Value::as_str) != Some(TYP) {
            return Err(jwe_invalid(format!(
                "not a session store value: the protected header's \"typ\" is not \"{TYP}\""
            )));
        }
        let bound_to = jwe
            .header
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let expires_at = jwe.header.get("exp").and_then(Value::as_f64);
        // Authenticate first: the header's id and exp mean something only once the tag has verified.
        let (plaintext, key_index) = jwe.decrypt(&self.values)?;
        if bound_to.as_deref() != Some(id) {
            return Err(claim_invalid(
                "the stored value is bound to another session id: it was copied, not written here",
            ));
        }
        let expires_at =
            expires_at.ok_or_else(|| claim_invalid("\"exp\" header parameter must be a number"))?;
        if expires_at <= now.floor() {
            return Err(jwt_expired(format!(
                "the stored session ended at {expires_at}, now {}",
                now.floor()
            )));
        }
        let session = jwe::utf8_without_bom(plaintext)
            .ok_or_else(|| jwt_invalid("the stored session is not UTF-8"))?;
        Ok(OpenedValue {
            session,
            key_index,
            expires_at,
        })
    }

    /// The ring of the value keys (e.g. to warn about short secrets).
    pub fn ring(&self) -> &KeyRing {
        &self.values
    }

    /// The index tag of `value` under every secret, newest first: writes use the first, lookups all of them.
    pub fn index_tags(&self, kind: TagKind, value: &str) -> Result<Vec<String>> {
        check_tagged_len(value.len())?;
        Ok(self
            .index_keys
            .iter()
            .map(|key| tag(key, kind, value))
            .collect())
    }

    /// The tag of `value` under the newest secret only: what a write stores.
    pub fn write_tag(&self, kind: TagKind, value: &str) -> Result<String> {
        check_tagged_len(value.len())?;
        Ok(tag(&self.index_keys[0], kind, value))
    }
}

/// `HMAC-SHA256(key, kind ‖ 0x00 ‖ value)`, base64url, truncated to `TAG_CHARS`.
fn tag(key: &DerivedKey, kind: TagKind, value: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(kind.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    let mut tag = String::with_capacity(43);
    base64url::encode_into(&mac.finalize().into_bytes(), &mut tag);
    tag.truncate(TAG_CHARS);
    tag
}

/// `{"alg":"dir","enc":"A256GCM","typ":…,"id":…,"exp":…}`; the id is escaped as JSON.
fn header_json(id: &str, expires_at: f64) -> Result<String> {
    if !(expires_at.is_finite() && expires_at > 0.0) {
        return Err(invalid_arg_value(
            "expiresAt must be a positive, finite number of epoch seconds",
        ));
    }
    let id = serde_json::to_string(id).expect("strings serialize");
    Ok(format!(
        r#"{{"alg":"{}","enc":"{}","typ":"{TYP}","id":{id},"exp":{}}}"#,
        jwe::ALG,
        jwe::ENC,
        claims::js_number(expires_at)?
    ))
}

fn check_id(id: &str) -> Result<()> {
    check_id_len(id.len())
}

/// The length rule for session ids, for callers that know a length before they have the text.
pub fn check_id_len(len: usize) -> Result<()> {
    if len == 0 || len > MAX_ID_BYTES {
        return Err(invalid_arg_value(format!(
            "the session id must be 1 to {MAX_ID_BYTES} bytes, not {len}"
        )));
    }
    Ok(())
}

/// The length rule for tagged values, likewise.
pub fn check_tagged_len(len: usize) -> Result<()> {
    if len > MAX_TAGGED_BYTES {
        return Err(input_too_large(format!(
            "a value of {len} bytes is over the {MAX_TAGGED_BYTES}-byte limit for index tags"
        )));
    }
    Ok(())
}

fn too_large(len: usize) -> crate::error::Error {
    input_too_large(format!(
        "a stored session value of {len} bytes is over the {MAX_VALUE_BYTES}-byte limit"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cipher::{CipherOptions, SessionCipher};
    use crate::jose::keys::encryption_key;

    const SESSION: &str = r#"{"user":{"sub":"auth0|1","email":"a@example.com"},"tokenSet":{"accessToken":"at","refreshToken":"rt","expiresAt":1},"internal":{"sid":"s1","createdAt":1}}"#;
    const ID: &str = "0123456789abcdef0123456789abcdef";
    const NOW: f64 = 1_800_000_000.0;
    const END: f64 = NOW + 3600.0;

    fn store(secrets: &[&str]) -> StoreCipher {
        StoreCipher::new(secrets).unwrap()
    }

    fn code<T: fmt::Debug>(result: Result<T>) -> &'static str {
        result.unwrap_err().code.as_str()
    }

    #[test]
    fn a_value_opens_for_its_id_with_the_session_text_unchanged() {
        let s = store(&["secret"]);
        let value = s.seal(ID, SESSION, END).unwrap();
        let opened = s.open(ID, &value, NOW).unwrap();
        assert_eq!(opened.session, SESSION);
        assert_eq!(opened.key_index, 0);
        assert_eq!(opened.expires_at, END);
        // A fresh IV every time: sealing twice never gives the same value.
        assert_ne!(value, s.seal(ID, SESSION, END).unwrap());
    }

    #[test]
    fn a_value_is_bound_to_its_id() {
        let s = store(&["secret"]);
        let value = s.seal(ID, SESSION, END).unwrap();
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
        let value = s.seal(ID, SESSION, END).unwrap();
        let (header, rest) = value.split_once('.').unwrap();
        let text =
            String::from_utf8(crate::primitives::base64url::decode(header).unwrap()).unwrap();
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
        let value = s.seal(ID, SESSION, END).unwrap();
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
        let value = s.seal(ID, SESSION, END).unwrap();
        assert_eq!(
            code(cookies.open(&value, clock)),
            "ERR_JWE_DECRYPTION_FAILED"
        );
        // A cookie is not a stored value: refused by its header, ...
        let cookie = cookies.seal_session(SESSION, END, Validation::Sdk).unwrap();
        assert_eq!(code(s.open(ID, &cookie, NOW)), "ERR_JWE_INVALID");
        // ... and, given a store's header, by the key: domain separation does not rest on `typ`.
        let header = header_json(ID, END).unwrap();
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
        let value = store(&[secret]).seal(ID, SESSION, END).unwrap();
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
        let value = store(&["old"]).seal(ID, SESSION, END).unwrap();
        let rotated = store(&["new", "old"]);
        assert_eq!(rotated.open(ID, &value, NOW).unwrap().key_index, 1);
        assert_eq!(
            code(store(&["new"]).open(ID, &value, NOW)),
            "ERR_JWE_DECRYPTION_FAILED"
        );
        let resealed = rotated.seal(ID, SESSION, END).unwrap();
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
            let value = s.seal(id, SESSION, END).unwrap();
            assert_eq!(s.open(id, &value, NOW).unwrap().session, SESSION, "{id:?}");
        }
    }

    #[test]
    fn bad_input_is_refused_before_any_work() {
        let s = store(&["secret"]);
        let value = s.seal(ID, SESSION, END).unwrap();
        let too_long = "x".repeat(MAX_ID_BYTES + 1);
        for id in ["", too_long.as_str()] {
            assert_eq!(code(s.seal(id, SESSION, END)), "ERR_INVALID_ARG_VALUE");
            assert_eq!(code(s.open(id, &value, NOW)), "ERR_INVALID_ARG_VALUE");
        }
        for end in [f64::NAN, f64::INFINITY, 0.0, -1.0] {
            assert_eq!(code(s.seal(ID, SESSION, end)), "ERR_INVALID_ARG_VALUE");
        }
        assert_eq!(
            code(s.seal(ID, r#"{"user":{}}"#, END)),
            "ERR_SESSION_INVALID"
        );
        let huge = format!(
            r#"{{"user":{{"sub":"u"}},"tokenSet":{{"accessToken":"{}","expiresAt":1}},"internal":{{"sid":"s","createdAt":1}}}}"#,
            "a".repeat(MAX_VALUE_BYTES)
        );
        assert_eq!(code(s.seal(ID, &huge, END)), "ERR_INPUT_TOO_LARGE");
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
}
