//! `encrypt` / `decrypt`: drop-in replacements for the SDK's `server/cookies` functions, same arguments and
//! results, promises included (every failure rejects, as in the SDK). The rules are
//! `session_seal_core::cipher::dropin`'s; derived keys come from `session_seal_core::cipher::key_cache`.

use napi::bindgen_prelude::{JsObjectValue, Object, PromiseRaw, Unknown};
use napi::{Env, JsString, ValueType};
use napi_derive::napi;
use std::ffi::CString;
use std::sync::Arc;

use crate::args;
use crate::js::{CreateString, Json};
use crate::{guard, settled, warn_if_short_secret, Code};
use session_seal_core::cipher::dropin;
use session_seal_core::cipher::key_cache::KeyCache;
use session_seal_core::cipher::SessionCipher;
use session_seal_core::error::{invalid_arg_type, Error};
use session_seal_core::input::{self, wrong_type};

static KEY_CACHE: KeyCache = KeyCache::new();

/// The cipher for these secrets from the process-wide cache; a newly derived one may warn, which calls
/// into JavaScript, so only after the cache's lock is released (a warning listener that calls back in would
/// otherwise deadlock).
fn cached_cipher(env: &Env, secret: Unknown) -> Result<Arc<SessionCipher>, Error> {
    let secrets = args::secrets(secret)?;
    let (cipher, derived) = KEY_CACHE.get(secrets.as_slice())?;
    if derived {
        warn_if_short_secret(env, cipher.ring())?;
    }
    Ok(cipher)
}

/// The SDK's `encrypt(payload, secret, expiration, additionalHeaders?)`: a JWE of `{ ...payload, exp }`
/// under `{ enc: "A256GCM", alg: "dir", ...additionalHeaders }`.
#[napi(ts_return_type = "Promise<string>")]
pub fn encrypt<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Record<string, unknown>")] payload: Unknown,
    #[napi(ts_arg_type = "string | string[]")] secret: Unknown,
    #[napi(ts_arg_type = "number | Date")] expiration: Unknown,
    #[napi(ts_arg_type = "Record<string, unknown>")] additional_headers: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, JsString<'env>>, Code> {
    guard(|| {
        let outcome = (|| {
            let payload = args::object_json(payload, "payload")?;
            let cipher = cached_cipher(env, secret)?;
            let expiration = args::expiration(expiration, "expiration")?;
            let headers = match additional_headers {
                Some(headers) => match args::options(headers, "additionalHeaders")? {
                    Some(object) => {
                        // `{ enc: undefined }` would vanish from the JSON text: asked before it is made.
                        for (name, label) in dropin::ALGORITHM_MEMBERS {
                            if own_undefined(&object, name)? {
                                return Err(dropin::undefined_algorithm(label));
                            }
                        }
                        Some(args::object_json(headers, "additionalHeaders")?)
                    }
                    None => None,
                },
                None => None,
            };
            let cookie = cipher.seal_payload(&payload, expiration, headers.as_deref())?;
            env.create_cookie_string(&cookie)
        })();
        settled(env, outcome)
    })
}

/// Whether `object` has an own member `name` set to `undefined`.
fn own_undefined(object: &Object, name: &str) -> Result<bool, Error> {
    if !object
        .has_own_property(name)
        .map_err(args::napi_failed("own property check"))?
    {
        return Ok(false);
    }
    let name = CString::new(name).map_err(|_| invalid_arg_type("a member name"))?;
    Ok(args::member(object, &name)?.is_none())
}

/// The SDK's `decrypt(cookieValue, secret, options?, throwOnJWEErrors?)`: `{ payload, protectedHeader }`,
/// or `null` when the cookie is malformed, undecryptable or expired (jose's `ERR_JWE_INVALID`,
/// `ERR_JWE_DECRYPTION_FAILED`, `ERR_JWT_EXPIRED`); other failures reject, as the SDK's do. The clock
/// tolerance is the SDK's 15 s.
#[napi(
    ts_generic_types = "T = SessionData",
    ts_args_type = "cookieValue: string, secret: string | string[], options?: DecryptOptions, throwOnJWEErrors?: boolean",
    ts_return_type = "Promise<DecryptResult<T> | null>"
)]
pub fn decrypt<'env>(
    env: &'env Env,
    cookie_value: Unknown,
    secret: Unknown,
    options: Option<Unknown>,
    throw_on_jwe_errors: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Option<Json>>, Code> {
    guard(|| {
        let outcome = (|| {
            let throw = match throw_on_jwe_errors {
                None => false,
                Some(value) => match args::kind(value)? {
                    ValueType::Undefined | ValueType::Null => false,
                    _ => args::boolean(value, "throwOnJWEErrors")?,
                },
            };
            let opened = open(env, cookie_value, secret, options);
            dropin::decrypt_outcome(opened, throw)
        })();
        settled(env, outcome)
    })
}

fn open(
    env: &Env,
    cookie: Unknown,
    secret: Unknown,
    options: Option<Unknown>,
) -> Result<Json, Error> {
    let cipher = cached_cipher(env, secret)?;
    let options = match options {
        Some(options) => args::options(options, "options")?,
        None => None,
    };
    if let Some(options) = &options {
        for name in dropin::UNIMPLEMENTED_OPTIONS {
            let member = CString::new(name).map_err(|_| invalid_arg_type("an option name"))?;
            if args::member(options, &member)?.is_some() {
                return Err(dropin::unimplemented_option(name));
            }
        }
    }
    let clock = cipher.clock(current_date(options.as_ref())?)?;
    if args::kind(cookie)? != ValueType::String {
        return Err(dropin::not_a_string());
    }
    let cookie = args::cookie(cookie, &cipher)?;
    let opened = cipher.open(&cookie, clock)?;
    Ok(Json(format!(
        "{{\"payload\":{},\"protectedHeader\":{}}}",
        opened.payload, opened.header.json
    )))
}

/// `options.currentDate` (a `Date`), in epoch seconds.
fn current_date(options: Option<&Object>) -> Result<Option<f64>, Error> {
    let Some(date) = options
        .map(|o| args::member(o, c"currentDate"))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    match args::date_millis(date)? {
        Some(millis) => input::date_seconds("options.currentDate", millis).map(Some),
        None => Err(wrong_type(
            "options.currentDate",
            "a Date",
            args::kind_word(date)?,
        )),
    }
}
