//! `SessionCipher` for JavaScript: the fast, synchronous path with the key derived once.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue};
use napi_derive::napi;

use super::args;
use super::js::{Code, Js};
use super::{guard, warn_if_short_secret};
use session_seal_core::cipher::SessionCipher as CoreCipher;
use session_seal_core::error::invalid_arg_type;

/// Seals and unseals session cookies with keys derived once. All calls are synchronous.
#[napi]
pub struct SessionCipher {
    inner: CoreCipher,
}

#[napi]
impl SessionCipher {
    #[napi(constructor, ts_args_type = "options: SessionCipherOptions")]
    pub fn new(env: &Env, options: Unknown) -> napi::Result<Self, Code> {
        guard(|| {
            let js = Js::new(env);
            let options = js
                .options_object(Some(options.raw()), "options")?
                .ok_or_else(|| {
                    invalid_arg_type(
                        "new SessionCipher(options) needs an options object with a secret",
                    )
                })?;
            let secrets = args::secrets(&js, js.get(options, c"secret")?)?;
            let inner = CoreCipher::new(&secrets, args::cipher_options(&js, options)?)?;
            warn_if_short_secret(&js, inner.ring())?;
            Ok(SessionCipher { inner })
        })
    }

    /// Checks (by default, what the SDK needs; `validate: "strict"`, its types in full) and seals a session;
    /// `expiresAt` (seconds since the epoch) becomes `exp`.
    #[napi(
        ts_args_type = "session: SessionData, expiresAt: number, options?: SealOptions",
        ts_return_type = "string"
    )]
    pub fn seal<'env>(
        &self,
        env: &'env Env,
        session: Unknown,
        expires_at: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let options = js.options_object(options.map(|o| o.raw()), "options")?;
            let validation = args::validation(&js, options)?;
            let session = args::object_json(&js, session.raw(), "session")?;
            let expires_at = args::epoch_seconds(&js, expires_at.raw(), "expiresAt")?;
            let cookie = self.inner.seal_session(&session, expires_at, validation)?;
            // A cookie is ASCII: created as Latin-1, without UTF-8 decoding.
            Ok(js.unknown(js.create_string(&cookie)?))
        })
    }

    /// Seals any JSON object (e.g. the stateful `{ id }`), unvalidated.
    #[napi(
        ts_args_type = "payload: Record<string, unknown>, expiresAt: number",
        ts_return_type = "string"
    )]
    pub fn seal_payload<'env>(
        &self,
        env: &'env Env,
        payload: Unknown,
        expires_at: Unknown,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let payload = args::object_json(&js, payload.raw(), "payload")?;
            let expires_at = args::epoch_seconds(&js, expires_at.raw(), "expiresAt")?;
            let cookie = self.inner.seal_payload(&payload, expires_at, None)?;
            Ok(js.unknown(js.create_string(&cookie)?))
        })
    }

    /// The session in a cookie as the SDK hands it to the app (v3 converted), or `null` for a bad cookie.
    #[napi(
        ts_args_type = "cookieValue: string, options?: ReadOptions",
        ts_return_type = "SessionData | null"
    )]
    pub fn unseal<'env>(
        &self,
        env: &'env Env,
        cookie: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let clock = args::clock(&js, &self.inner, options.map(|o| o.raw()))?;
            let max_bytes = self.inner.options().max_cookie_bytes;
            let Some(cookie) = args::none_if_too_large(args::cookie(&js, cookie.raw(), max_bytes))?
            else {
                return Ok(js.unknown(js.null()?));
            };
            let value = match self.inner.unseal(&cookie, clock) {
                Some(session) => js.parse(&session)?,
                None => js.null()?,
            };
            Ok(js.unknown(value))
        })
    }

    /// Decrypts and checks a cookie, throwing a coded error for anything wrong.
    #[napi(
        ts_args_type = "cookieValue: string, options?: ReadOptions",
        ts_return_type = "OpenResult"
    )]
    pub fn open<'env>(
        &self,
        env: &'env Env,
        cookie: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let clock = args::clock(&js, &self.inner, options.map(|o| o.raw()))?;
            let cookie = args::cookie(&js, cookie.raw(), self.inner.options().max_cookie_bytes)?;
            let opened = self.inner.open(&cookie, clock)?;
            let result = js.create_object(&[
                (c"payload", js.parse(&opened.payload)?),
                (c"protectedHeader", js.parse(&opened.header.json)?),
                (c"keyIndex", js.create_number(opened.key_index as f64)?),
            ])?;
            Ok(js.unknown(result))
        })
    }
}
