//! `SessionCipher` for JavaScript: the fast, synchronous path with the keys derived once.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsString};
use napi_derive::napi;

use crate::args::{self, ReadOptions};
use crate::js::{self, CreateString, Json, Parsed};
use crate::options::{opt, read_options};
use crate::{guard, warn_if_short_secret, Code};
use session_seal_core::cipher::{CipherOptions, SessionCipher as CoreCipher, Unsealed};
use session_seal_core::input::absent_if_too_large;
use session_seal_core::jose::Secrets;
use session_seal_core::payload::Validation;

/// Options of `new SessionCipher`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SessionCipherOptions {
    /// The secret (AUTH0_SECRET), or a list: the first seals, every one unseals (rotation).
    #[napi(ts_type = "string | string[]")]
    pub secret: Secrets,
    /// Seconds of slack for `exp` and `nbf`. Default 15, as the SDK.
    pub clock_tolerance: Option<f64>,
    /// Cookie values longer than this are refused before any work. Default 65536.
    pub max_cookie_bytes: Option<f64>,
}

read_options! {
    SessionCipherOptions in "options"
        required "new SessionCipher(options) needs an options object with a secret"
    {
        secret: args::secret,
        clock_tolerance: opt(args::number),
        max_cookie_bytes: opt(args::number),
    }
}

/// Options of `seal`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SealOptions {
    /// Default `"sdk"`: refuse only what breaks the SDK. `"strict"`: the SessionData types in full.
    #[napi(ts_type = "Validation")]
    pub validate: Option<Validation>,
}

read_options! {
    SealOptions in "options" {
        validate: opt(args::validation),
    }
}

/// What `open` finds in a cookie that passes every check.
#[napi(object, object_from_js = false)]
pub struct OpenResult {
    #[napi(ts_type = "Record<string, unknown>")]
    pub payload: Json,
    #[napi(ts_type = "JweProtectedHeader")]
    pub protected_header: Json,
    /// Which secret opened the cookie: 0 is the newest. Re-seal when it is not 0.
    pub key_index: u32,
}

/// Seals and unseals session cookies with keys derived once. All calls are synchronous.
#[napi]
pub struct SessionCipher {
    inner: CoreCipher,
}

#[napi]
impl SessionCipher {
    #[napi(constructor)]
    pub fn new(env: &Env, options: SessionCipherOptions) -> napi::Result<Self, Code> {
        guard(|| {
            let cipher_options =
                CipherOptions::new(options.clock_tolerance, options.max_cookie_bytes)?;
            let inner = CoreCipher::new(options.secret.as_slice(), cipher_options)?;
            warn_if_short_secret(env, inner.ring())?;
            Ok(SessionCipher { inner })
        })
    }

    /// Checks (by default, what the SDK needs; `validate: "strict"`, its types in full) and seals a session;
    /// `expiresAt` (seconds since the epoch) becomes `exp`.
    #[napi]
    pub fn seal<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        #[napi(ts_arg_type = "number")] expires_at: Unknown,
        #[napi(ts_arg_type = "SealOptions")] options: Option<SealOptions>,
    ) -> napi::Result<JsString<'env>, Code> {
        guard(|| {
            let validation = options.and_then(|o| o.validate).unwrap_or_default();
            js::with_buffers(|buffers| {
                args::object_json_into(session, "session", &mut buffers.json)?;
                let expires_at = args::epoch_seconds(expires_at, "expiresAt")?;
                let (json, cookie) = (&mut buffers.json, &mut buffers.cookie);
                self.inner
                    .seal_stringified_into(json, expires_at, validation, cookie)?;
                env.create_cookie_string(cookie)
            })
        })
    }

    /// Seals any JSON object (e.g. the stateful `{ id }`), unvalidated.
    #[napi]
    pub fn seal_payload<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Record<string, unknown>")] payload: Unknown,
        #[napi(ts_arg_type = "number")] expires_at: Unknown,
    ) -> napi::Result<JsString<'env>, Code> {
        guard(|| {
            let payload = args::object_json(payload, "payload")?;
            let expires_at = args::epoch_seconds(expires_at, "expiresAt")?;
            let cookie = self.inner.seal_payload(&payload, expires_at, None)?;
            env.create_cookie_string(&cookie)
        })
    }

    /// The session in a cookie as the SDK hands it to the app (v3 converted), or `null` for a bad cookie.
    #[napi(ts_return_type = "SessionData | null")]
    pub fn unseal(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] cookie_value: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<Option<Parsed>, Code> {
        guard(|| {
            let clock = ReadOptions::clock(&options, &self.inner)?;
            js::with_buffers(|buffers| {
                let read = args::cookie_into(cookie_value, &self.inner, &mut buffers.cookie);
                if absent_if_too_large(read)?.is_none() {
                    return Ok(None);
                }
                let (cookie, payload) = (&buffers.cookie, &mut buffers.bytes);
                // The session's JSON is read by V8 alone, which judges its syntax as the scan would.
                match self.inner.unseal_deferred(cookie, clock, payload) {
                    None => Ok(None),
                    Some(Unsealed::ClaimsUnread { payload, ascii }) => {
                        js::parse_claims_set(env.raw(), payload, ascii, clock)
                    }
                    Some(Unsealed::Session(json)) => js::parse_checked(env.raw(), &json).map(Some),
                }
            })
        })
    }

    /// Decrypts and checks a cookie, throwing a coded error for anything wrong.
    #[napi]
    pub fn open(
        &self,
        #[napi(ts_arg_type = "string")] cookie_value: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<OpenResult, Code> {
        guard(|| {
            let clock = ReadOptions::clock(&options, &self.inner)?;
            let cookie = args::cookie(cookie_value, &self.inner)?;
            let opened = self.inner.open(&cookie, clock)?;
            Ok(OpenResult {
                payload: Json(opened.payload),
                protected_header: Json(opened.header.json.into_owned()),
                key_index: opened.key_index as u32,
            })
        })
    }
}
