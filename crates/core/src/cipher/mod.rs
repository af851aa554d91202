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
mod tests;
