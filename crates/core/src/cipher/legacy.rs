//! v3 (`appSession`) cookies, as the v4 SDK reads them.
//!
//! A v3 stateless cookie is the same JWE, recognisable by an `iat` in its protected header; v4 converts its
//! payload to `SessionData`. A v3 stateful cookie is not encrypted but signed: `id.signature`, HS256 over
//! `name=id` as a JWS with an unencoded, detached payload.

use hmac::{Hmac, Mac};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::Sha256;
use std::borrow::Cow;
use std::collections::HashMap;

use crate::primitives::base64url;
use crate::error::{jwt_invalid, Result};
use crate::json::{same_place, without_lone_surrogates};
use crate::jose::keys::{signing_key, DerivedKey};

/// The base64url of `{"alg":"HS256","b64":false,"crit":["b64"]}`, the protected header v3 signed with.
const SIGNED_COOKIE_HEADER: &str = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19";

/// The SDK's test, `if (protectedHeader.iat)`: a truthy `iat` in the header marks a v3 cookie.
pub fn is_legacy_header(header: &Map<String, Value>) -> bool {
    match header.get("iat") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

type Members<'a> = HashMap<Cow<'a, str>, &'a RawValue>;

/// Converts a v3 payload to the `SessionData` JSON the v4 SDK builds from it:
/// `{ user, tokenSet: { idToken, accessToken, scope, refreshToken, expiresAt }, internal: { sid, createdAt } }`.
/// Values are copied verbatim; members the SDK would leave `undefined` are omitted, as JSON omits them.
pub fn convert(header: &Map<String, Value>, payload: &str) -> Result<String> {
    let clean = without_lone_surrogates(payload);
    let session: Members = serde_json::from_str(&clean)
        .map_err(|e| jwt_invalid(format!("legacy session payload is not a JSON object: {e}")))?;
    // Values are copied from the original text (same offsets), so lone surrogates survive as the SDK keeps them.
    let original = |raw: &RawValue| same_place(payload, &clean, raw.get());
    let user = session
        .get("user")
        .filter(|raw| raw.get() != "null")
        .ok_or_else(|| {
            jwt_invalid("legacy session has no \"user\" (v3 sessions always carry one)")
        })?;
    let sid = match user.get().starts_with('{') {
        true => serde_json::from_str::<Members>(user.get())
            .ok()
            .and_then(|m| m.get("sid").map(|raw| original(raw))),
        false => None,
    };
    let created_at = serde_json::to_string(&header["iat"]).expect("JSON values serialize");
    let member = |name: &str| session.get(name).map(|raw| original(raw));

    let mut out = String::with_capacity(payload.len() + 96);
    out.push_str("{\"user\":");
    out.push_str(original(user));
    out.push_str(",\"tokenSet\":{");
    let mut fields = Fields::new(&mut out);
    fields.put("idToken", not_null(member("idToken")));
    fields.put("accessToken", not_null(member("accessToken")));
    fields.put("scope", member("accessTokenScope"));
    fields.put("refreshToken", member("refreshToken"));
    fields.put("expiresAt", member("accessTokenExpiresAt"));
    out.push_str("},\"internal\":{");
    let mut fields = Fields::new(&mut out);
    fields.put("sid", sid);
    fields.put("createdAt", Some(&created_at));
    out.push_str("}}");
    Ok(out)
}

/// The SDK's `value ?? undefined`: a JSON `null` becomes absent.
fn not_null(raw: Option<&str>) -> Option<&str> {
    raw.filter(|text| *text != "null")
}

/// Writes `"name":value` members, comma-separated, skipping absent ones.
struct Fields<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Fields<'a> {
    fn new(out: &'a mut String) -> Self {
        Fields { out, first: true }
    }

    fn put(&mut self, name: &str, raw: Option<&str>) {
        let Some(raw) = raw else { return };
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\":");
        self.out.push_str(raw);
    }
}

/// The HS256 keys of every secret, for v3 signed cookies.
pub struct SigningKeys(Vec<DerivedKey>);

impl SigningKeys {
    /// The HS256 key of each secret, newest first.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Self {
        SigningKeys(secrets.iter().map(|s| signing_key(s.as_ref())).collect())
    }

    /// Signs `name=value` as v3 did, giving the cookie value `value.signature` (first secret's key): v3
    /// wrote these; here only the tests do.
    #[cfg(any(test, feature = "testing"))]
    pub fn sign(&self, name: &str, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 44);
        out.push_str(value);
        out.push('.');
        base64url::encode_into(
            &mac(&self.0[0], name, value).finalize().into_bytes(),
            &mut out,
        );
        out
    }

    /// The value of a v3 signed cookie when its signature verifies under any secret. Like the SDK, the
    /// value is what precedes the first dot and the signature what follows it, up to any further dot.
    pub fn verify<'v>(&self, name: &str, cookie_value: &'v str) -> Option<&'v str> {
        self.verify_with_index(name, cookie_value)
            .map(|(value, _)| value)
    }

    /// `verify`, also saying which secret's key matched (0 is the newest).
    pub fn verify_with_index<'v>(
        &self,
        name: &str,
        cookie_value: &'v str,
    ) -> Option<(&'v str, usize)> {
        let mut parts = cookie_value.split('.');
        let value = parts.next()?;
        // The SDK's `verifySigned` hands the signature to jose, which decodes it forgivingly; the MAC must
        // still be the exact 32 bytes, so only the spelling of the same signature varies.
        let signature = base64url::decode_like_jose(parts.next()?)?;
        self.0
            .iter()
            .position(|key| mac(key, name, value).verify_slice(&signature).is_ok())
            .map(|index| (value, index))
    }
}

/// HMAC-SHA256 over the JWS signing input `protected.name=value` (b64: false keeps the payload as is).
fn mac(key: &DerivedKey, name: &str, value: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(SIGNED_COOKIE_HEADER.as_bytes());
    mac.update(b".");
    mac.update(name.as_bytes());
    mac.update(b"=");
    mac.update(value.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct SignedHeader {
        alg: String,
        b64: bool,
        crit: Vec<String>,
    }

    fn header(iat: Value) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("iat".into(), iat);
        m
    }

    #[test]
    fn the_signed_header_literal_is_what_v3_used() {
        let bytes = base64url::decode(SIGNED_COOKIE_HEADER).unwrap();
        let h: SignedHeader = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            (h.alg.as_str(), h.b64, h.crit),
            ("HS256", false, vec!["b64".to_string()])
        );
    }

    #[test]
    fn legacy_is_recognised_by_a_truthy_iat() {
        assert!(is_legacy_header(&header(Value::from(1))));
        assert!(is_legacy_header(&header(Value::from("x"))));
        assert!(!is_legacy_header(&header(Value::from(0))));
        assert!(!is_legacy_header(&header(Value::Null)));
        assert!(!is_legacy_header(&Map::new()));
    }

    #[test]
    fn conversion_follows_the_sdk() {
        let payload = r#"{"user":{"sub":"u","sid":"s1"},"idToken":null,"accessToken":"at","accessTokenScope":null,"accessTokenExpiresAt":5,"refreshToken":"rt"}"#;
        let out = convert(&header(Value::from(42)), payload).unwrap();
        assert_eq!(
            out,
            r#"{"user":{"sub":"u","sid":"s1"},"tokenSet":{"accessToken":"at","scope":null,"refreshToken":"rt","expiresAt":5},"internal":{"sid":"s1","createdAt":42}}"#
        );
        let bare = convert(&header(Value::from(7)), r#"{"user":{"sub":"u"}}"#).unwrap();
        assert_eq!(
            bare,
            r#"{"user":{"sub":"u"},"tokenSet":{},"internal":{"createdAt":7}}"#
        );
        assert!(convert(&header(Value::from(7)), r#"{"idToken":"x"}"#).is_err());
    }

    #[test]
    fn signed_cookies_round_trip_and_refuse_tampering() {
        let keys = SigningKeys::new(&["a-secret"]);
        let signed = keys.sign("appSession", "abc123");
        assert_eq!(keys.verify("appSession", &signed), Some("abc123"));
        assert_eq!(keys.verify("other", &signed), None);
        assert_eq!(
            keys.verify("appSession", &signed.replace("abc", "abd")),
            None
        );
        assert_eq!(keys.verify("appSession", "abc123"), None);
        let rotated = SigningKeys::new(&["new", "a-secret"]);
        assert_eq!(rotated.verify("appSession", &signed), Some("abc123"));
    }
}
