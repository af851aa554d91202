//! `SessionCipher`: the key ring plus the rules, in plain Rust. The napi layer only converts values.
//! Layer 4, with v3 `legacy` cookies and the drop-in `encrypt`/`decrypt` policy and `key_cache`.

pub mod dropin;
pub mod key_cache;
crate::internal!(
    mod legacy;
);

use crate::error::{input_too_large, invalid_arg_value, jwt_invalid, session_invalid, Result};
use crate::input;
use crate::jose::jwe::{self, CompactJwe, ProtectedHeader};
use crate::jose::keys::KeyRing;
use crate::payload::claims::{self, ClaimsView, Clock};
use crate::payload::session::{self, Validation};

/// Cookie values longer than this are refused before any work: 64 KiB, four times what Node accepts as a
/// whole request header block by default.
pub const DEFAULT_MAX_COOKIE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy)]
/// The limits of a `SessionCipher`: the clock tolerance and the largest cookie value.
pub struct CipherOptions {
    /// Seconds of slack for `exp` and `nbf` (the SDK uses 15).
    pub clock_tolerance: f64,
    /// The largest cookie value read or written.
    pub max_cookie_bytes: usize,
}

impl CipherOptions {
    /// The options as `new SessionCipher` and `new SessionCookies` take them: `clockTolerance` a finite
    /// number of seconds, 0 or more; `maxCookieBytes` a positive whole number of bytes. Absent ones keep
    /// their defaults.
    pub fn new(clock_tolerance: Option<f64>, max_cookie_bytes: Option<f64>) -> Result<Self> {
        let mut options = CipherOptions::default();
        if let Some(tolerance) = clock_tolerance {
            let tolerance = input::finite("options.clockTolerance", tolerance)?;
            if tolerance < 0.0 {
                return Err(invalid_arg_value(
                    "options.clockTolerance must be 0 or more seconds",
                ));
            }
            options.clock_tolerance = tolerance;
        }
        if let Some(max) = max_cookie_bytes {
            let max = input::finite("options.maxCookieBytes", max)?;
            if max < 1.0 || max.fract() != 0.0 || max > u32::MAX as f64 {
                return Err(invalid_arg_value(
                    "options.maxCookieBytes must be a positive whole number of bytes",
                ));
            }
            options.max_cookie_bytes = max as usize;
        }
        Ok(options)
    }
}

impl Default for CipherOptions {
    fn default() -> Self {
        CipherOptions {
            clock_tolerance: claims::DEFAULT_CLOCK_TOLERANCE,
            max_cookie_bytes: DEFAULT_MAX_COOKIE_BYTES,
        }
    }
}

/// A cookie that decrypted and passed every check.
#[derive(Debug)]
pub struct Opened {
    /// The protected header, parsed and checked.
    pub header: ProtectedHeader,
    /// The payload's JSON text, exactly as sealed (less a leading byte-order mark).
    pub payload: String,
    /// Which secret of the ring opened it (0 is the newest).
    pub key_index: usize,
}

impl Opened {
    /// The session the SDK's stateless store hands the app: v3 payloads converted, v4 payloads as they are.
    pub(crate) fn into_session_json(self) -> Result<String> {
        if !self.header.is_sdk_default() && legacy::is_legacy_header(&self.header.params) {
            legacy::convert(&self.header.params, &self.payload)
        } else {
            Ok(self.payload)
        }
    }
}

/// Where a session's text comes from.
#[derive(Clone, Copy)]
enum Origin {
    /// Anywhere.
    Any,
    /// V8's `JSON.stringify`.
    Stringify,
}

/// What `unseal_deferred` leaves to its caller.
#[derive(Debug, PartialEq)]
pub enum Unsealed<'b> {
    /// The session's JSON, every check done.
    Session(String),
    /// The decrypted payload of a cookie under the SDK's header, not yet known to be a JSON object nor
    /// judged by its time claims.
    ClaimsUnread {
        /// The payload's text (less a leading byte-order mark), in the caller's buffer.
        payload: &'b str,
        /// Whether it is all ASCII (the bindings hand such text to V8 as Latin-1, without a look).
        ascii: bool,
    },
}

fn not_utf8() -> crate::Error {
    jwt_invalid("JWT Claims Set must be a top-level JSON object: the plaintext is not UTF-8")
}

#[derive(Debug)]
/// Seals and opens session cookies: the key ring, derived once, and the options.
pub struct SessionCipher {
    ring: KeyRing,
    options: CipherOptions,
}

impl SessionCipher {
    /// Derives a key per secret (newest first; at most `MAX_SECRETS`, none empty).
    pub fn new<S: AsRef<str>>(secrets: &[S], options: CipherOptions) -> Result<Self> {
        Ok(SessionCipher {
            ring: KeyRing::new(secrets)?,
            options,
        })
    }

    /// The options this cipher was made with.
    pub fn options(&self) -> CipherOptions {
        self.options
    }

    /// The key ring (e.g. to warn about short secrets).
    pub fn ring(&self) -> &KeyRing {
        &self.ring
    }

    /// The clock this cipher judges claims with, at `now` (epoch seconds) or the system time.
    pub fn clock(&self, now: Option<f64>) -> Result<Clock> {
        match now {
            Some(now) => Clock::new(now, self.options.clock_tolerance),
            None => Clock::system(self.options.clock_tolerance),
        }
    }

    /// Seals a session after checking it as `validation` asks; `expires_at` becomes `exp`. The session's
    /// text is taken by value: a valid session without `exp` gets it appended in its own buffer.
    pub fn seal_session(
        &self,
        session_json: impl Into<String>,
        expires_at: f64,
        validation: Validation,
    ) -> Result<String> {
        let mut cookie = String::new();
        let json = &mut session_json.into();
        self.seal_into(json, expires_at, validation, &mut cookie, Origin::Any)?;
        Ok(cookie)
    }

    /// `seal_session` of the text V8's `JSON.stringify` wrote for a session (what the bindings hand
    /// over), with two buffers the caller keeps from call to call, so that sealing allocates nothing:
    /// `session_json` (best with room for `"exp"` after the text) becomes the plaintext, encrypted in
    /// place and left empty with its capacity; the cookie replaces what `cookie` held. Such text holds
    /// no raw control character (`JSON.stringify` escapes them all), so the check does not look for one.
    pub fn seal_stringified_into(
        &self,
        session_json: &mut String,
        expires_at: f64,
        validation: Validation,
        cookie: &mut String,
    ) -> Result<()> {
        self.seal_into(
            session_json,
            expires_at,
            validation,
            cookie,
            Origin::Stringify,
        )
    }

    fn seal_into(
        &self,
        session_json: &mut String,
        expires_at: f64,
        validation: Validation,
        cookie: &mut String,
        origin: Origin,
    ) -> Result<()> {
        if validation == Validation::Off {
            *cookie = self.seal_payload(session_json, expires_at, None)?;
            return Ok(());
        }
        let checked = match origin {
            Origin::Any => session::check_fast(session_json, validation),
            Origin::Stringify => session::check_fast_stringified(session_json, validation),
        };
        match checked {
            // Certainly valid, and without a top-level `exp`: append it, no second scan.
            Some(session::HasExp(false)) => claims::append_exp_to(session_json, expires_at)?,
            Some(session::HasExp(true)) => {
                *session_json = claims::set_exp(session_json, expires_at)?
            }
            None => {
                let problems = session::check(session_json, validation);
                if !problems.is_empty() {
                    return Err(session_invalid(session::describe(&problems)));
                }
                // Valid, so the JSON text of an object: `exp` can often be appended without a scan.
                *session_json = claims::set_exp_on_object(session_json, expires_at)?;
            }
        }
        self.check_sealed_len(DEFAULT_HEADER, session_json.len())?;
        let mut plaintext = std::mem::take(session_json).into_bytes();
        let sealed = jwe::encrypt_into(self.ring.sealing(), DEFAULT_HEADER, &mut plaintext, cookie);
        plaintext.clear();
        // Empty, so UTF-8: the buffer goes back to the caller for the next call.
        *session_json = String::from_utf8(plaintext).unwrap_or_default();
        sealed
    }

    /// Seals any JSON object with `exp` set, under the header `{enc, alg, ...additional_header}`.
    pub fn seal_payload(
        &self,
        payload_json: &str,
        expires_at: f64,
        additional_header: Option<&str>,
    ) -> Result<String> {
        let plaintext = claims::set_exp(payload_json, expires_at)?;
        self.seal_plaintext(plaintext, additional_header)
    }

    /// Seals the claims text under the header `{enc, alg, ...additional_header}`.
    fn seal_plaintext(&self, plaintext: String, additional_header: Option<&str>) -> Result<String> {
        let header = match additional_header {
            None => std::borrow::Cow::Borrowed(DEFAULT_HEADER),
            Some(extra) => std::borrow::Cow::Owned(jwe::header_json(Some(extra))?),
        };
        self.check_sealed_len(&header, plaintext.len())?;
        jwe::encrypt(self.ring.sealing(), &header, plaintext.into_bytes())
    }

    /// Refuses to seal a cookie this cipher would refuse to read.
    fn check_sealed_len(&self, header: &str, plaintext_len: usize) -> Result<()> {
        let sealed_len = jwe::sealed_len(header.len(), plaintext_len);
        if sealed_len > self.options.max_cookie_bytes {
            return Err(input_too_large(format!(
                "the sealed cookie would be {sealed_len} bytes, over the {}-byte limit this cipher reads",
                self.options.max_cookie_bytes
            )));
        }
        Ok(())
    }

    /// Decrypts and checks a cookie value; every failure is a coded error saying what and where.
    pub fn open(&self, cookie: &str, clock: Clock) -> Result<Opened> {
        let opened = self.decrypt(cookie)?;
        let view = ClaimsView::scan(&opened.payload)?;
        claims::check(&view, clock)?;
        check_replicated_claims(&opened.header, &opened.payload)?;
        Ok(opened)
    }

    /// `open` up to the payload's UTF-8 text: the claims not yet looked at.
    fn decrypt(&self, cookie: &str) -> Result<Opened> {
        let mut plaintext = Vec::new();
        let (header, key_index) = self.decrypt_into(cookie, &mut plaintext)?;
        let payload = jwe::utf8_without_bom(plaintext).ok_or_else(not_utf8)?;
        Ok(Opened {
            header,
            payload,
            key_index,
        })
    }

    /// `decrypt` with the plaintext left in `buffer`, a buffer the caller keeps from call to call (its
    /// contents replaced): the ciphertext is decoded into it and decrypted where it lies.
    fn decrypt_into(&self, cookie: &str, buffer: &mut Vec<u8>) -> Result<(ProtectedHeader, usize)> {
        self.check_size(cookie.len())?;
        let mut jwe = CompactJwe::parse_into(cookie, std::mem::take(buffer))?;
        let header = std::mem::replace(&mut jwe.header, ProtectedHeader::empty());
        let (plaintext, key_index) = jwe.decrypt(&self.ring)?;
        *buffer = plaintext;
        Ok((header, key_index))
    }

    /// The session in a cookie as the SDK's stateless store returns it, or `None` for any bad cookie.
    pub fn unseal(&self, cookie: &str, clock: Clock) -> Option<String> {
        self.open(cookie, clock).ok()?.into_session_json().ok()
    }

    /// `unseal` for a caller that parses the session with `JSON.parse` anyway: a cookie under the SDK's
    /// own header (nearly every one) comes back decrypted with its JSON not yet read, so that the text is
    /// scanned once, by V8, instead of twice. The caller then does what `open` would: it refuses the
    /// payload unless `JSON.parse` reads it as an object (the JSON grammar is all `open`'s scan requires:
    /// no depth or number limit, exactly as V8), and judges that object's own `exp`, `nbf` and `iat`
    /// members with `payload::check_time_claims`. Any other cookie is judged in full here, as by `unseal`.
    /// The payload is decrypted in `buffer`, which the caller keeps from call to call.
    pub fn unseal_deferred<'b>(
        &self,
        cookie: &str,
        clock: Clock,
        buffer: &'b mut Vec<u8>,
    ) -> Option<Unsealed<'b>> {
        let (header, key_index) = self.decrypt_into(cookie, buffer).ok()?;
        if header.is_sdk_default() {
            // No replicated claims in this header, and no v3 conversion: the payload is the session.
            let (payload, ascii) = jwe::utf8_text_without_bom(buffer)?;
            return Some(Unsealed::ClaimsUnread { payload, ascii });
        }
        let payload = jwe::utf8_without_bom(std::mem::take(buffer))?;
        let view = ClaimsView::scan(&payload).ok()?;
        claims::check(&view, clock).ok()?;
        check_replicated_claims(&header, &payload).ok()?;
        let opened = Opened {
            header,
            payload,
            key_index,
        };
        opened.into_session_json().ok().map(Unsealed::Session)
    }

    /// Refuses a cookie over the limit before any work, so hostile input costs nothing.
    pub fn check_size(&self, len: usize) -> Result<()> {
        input::check_len("cookie value", len, self.options.max_cookie_bytes)
    }
}

/// The header the SDK writes when the caller adds none.
pub const DEFAULT_HEADER: &str = jwe::SDK_DEFAULT_HEADER;

/// jose's `jwtDecrypt`: an `iss`, `sub` or `aud` in the protected header must equal the payload's
/// (`iss`/`sub` by JavaScript `!==`, `aud` by comparing `JSON.stringify` texts), judged on the original
/// texts as JavaScript reads them (see `claims::check_replicated`).
fn check_replicated_claims(header: &ProtectedHeader, payload: &str) -> Result<()> {
    if header.is_sdk_default()
        || ["iss", "sub", "aud"]
            .iter()
            .all(|c| header.get(c).is_none())
    {
        return Ok(());
    }
    claims::check_replicated(&header.json, payload)
}

#[cfg(test)]
mod tests {
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
            let cookie =
                jwe::encrypt(c.ring().sealing(), DEFAULT_HEADER, plaintext.to_vec()).unwrap();
            assert_eq!(
                c.open(&cookie, at(0.0)).unwrap_err().code.as_str(),
                "ERR_JWT_INVALID"
            );
        }
        let mut header = String::new();
        base64url::encode_into(DEFAULT_HEADER.as_bytes(), &mut header);
        assert!(header.starts_with("eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0"));
    }
}
