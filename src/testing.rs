//! The SDK's test helpers (`@auth0/nextjs-auth0/testing`): real session cookies for tests, as promises.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, JsString};
use napi_derive::napi;

use crate::args;
use crate::js::{CreateString, FromJs};
use crate::options::{opt, read_options};
use crate::{guard, settled, warn_if_short_secret, Code};
use session_seal_core::cipher::{CipherOptions, SessionCipher};
use session_seal_core::jose::Secrets;
use session_seal_core::payload::system_seconds;
use session_seal_core::stores::cookies;
use session_seal_core::Error;

/// The configuration of `generateSessionCookie` and `generateStatefulSessionCookie`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct GenerateSessionCookieConfig {
    /// The same secret as the SDK's configuration.
    #[napi(ts_type = "string | string[]")]
    pub secret: Secrets,
    /// Epoch seconds to generate at (default: now).
    pub now: Option<f64>,
}

read_options! {
    GenerateSessionCookieConfig in "config"
        required "config must be an object with a secret"
    {
        secret: args::secret,
        now: opt(args::epoch_seconds),
    }
}

impl GenerateSessionCookieConfig {
    /// The cipher of these secrets (warning once for a short one) and the moment to generate at.
    fn cipher(self, env: &Env) -> Result<(SessionCipher, f64), Error> {
        let cipher = SessionCipher::new(self.secret.as_slice(), CipherOptions::default())?;
        warn_if_short_secret(env, cipher.ring())?;
        Ok((cipher, self.now.unwrap_or_else(system_seconds)))
    }
}

/// The SDK's `generateSessionCookie` (`@auth0/nextjs-auth0/testing`): a session cookie valid for one
/// hour, `internal` defaulting to `{ sid: "auth0-sid", createdAt: now }`.
#[napi(ts_return_type = "Promise<string>")]
pub fn generate_session_cookie<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Partial<SessionData>")] session: Unknown,
    #[napi(ts_arg_type = "GenerateSessionCookieConfig")] config: Unknown,
) -> napi::Result<PromiseRaw<'env, JsString<'env>>, Code> {
    guard(|| {
        let outcome = (|| {
            let session = args::object_json(session, "session")?;
            let (cipher, now) = GenerateSessionCookieConfig::from_js(config)?.cipher(env)?;
            let cookie = cookies::generate_session_cookie(&cipher, &session, now)?;
            env.create_cookie_string(&cookie)
        })();
        settled(env, outcome)
    })
}

/// The stateful counterpart of `generateSessionCookie`: a session cookie holding `{ id }` for one hour.
#[napi(ts_return_type = "Promise<string>")]
pub fn generate_stateful_session_cookie<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] id: Unknown,
    #[napi(ts_arg_type = "GenerateSessionCookieConfig")] config: Unknown,
) -> napi::Result<PromiseRaw<'env, JsString<'env>>, Code> {
    guard(|| {
        let outcome = (|| {
            let id = args::string(id, "id")?;
            let (cipher, now) = GenerateSessionCookieConfig::from_js(config)?.cipher(env)?;
            let cookie = cookies::generate_session_id_cookie(&cipher, &id, now)?;
            env.create_cookie_string(&cookie)
        })();
        settled(env, outcome)
    })
}
