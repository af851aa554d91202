//! `encrypt` / `decrypt`: drop-in replacements for the SDK's `server/cookies` functions, same arguments and
//! results, promises included. Derived keys come from `session_seal_core::key_cache`.

use napi::bindgen_prelude::{Unknown, ValueType};
use napi::{Env, JsValue};
use napi_derive::napi;
use std::ffi::CStr;
use std::sync::Arc;

use super::args;
use super::js::{Code, Js, Raw};
use super::{guard, warn_if_short_secret};
use session_seal_core::cipher::SessionCipher;
use session_seal_core::error::{invalid_arg_type, jwe_invalid, not_supported, Error, ErrorCode};
use session_seal_core::key_cache::KeyCache;

static KEY_CACHE: KeyCache = KeyCache::new();

/// The cipher for these secrets from the process-wide cache; a newly derived one may warn, which calls
/// into JavaScript, so only after the cache's lock is released (audit finding L2).
fn cached_cipher(js: &Js, secrets: &[String]) -> Result<Arc<SessionCipher>, Error> {
    let (cipher, derived) = KEY_CACHE.get(secrets)?;
    if derived {
        warn_if_short_secret(js, cipher.ring())?;
    }
    Ok(cipher)
}

/// The SDK's `encrypt(payload, secret, expiration, additionalHeaders?)`: a JWE of `{ ...payload, exp }`
/// under `{ enc: "A256GCM", alg: "dir", ...additionalHeaders }`.
#[napi(
    ts_args_type = "payload: Record<string, unknown>, secret: string | string[], expiration: number | Date, additionalHeaders?: Record<string, unknown>",
    ts_return_type = "Promise<string>"
)]
pub fn encrypt<'env>(
    env: &'env Env,
    payload: Unknown,
    secret: Unknown,
    expiration: Unknown,
    additional_headers: Option<Unknown>,
) -> napi::Result<Unknown<'env>, Code> {
    guard(|| {
        let js = Js::new(env);
        let outcome = seal(
            &js,
            payload.raw(),
            secret.raw(),
            expiration.raw(),
            additional_headers.map(|h| h.raw()),
        )
        .and_then(|cookie| js.create_string(&cookie));
        Ok(js.unknown(js.settled_promise(outcome)?))
    })
}

fn seal(
    js: &Js,
    payload: Raw,
    secret: Raw,
    expiration: Raw,
    headers: Option<Raw>,
) -> Result<String, Error> {
    let payload = args::object_json(js, payload, "payload")?;
    let cipher = cached_cipher(js, &args::secrets(js, secret)?)?;
    let expiration = args::expiration(js, expiration, "expiration")?;
    let headers = match js.options_object(headers, "additionalHeaders")? {
        Some(headers) => {
            refuse_undefined_algorithms(js, headers)?;
            Some(args::object_json(js, headers, "additionalHeaders")?)
        }
        None => None,
    };
    cipher.seal_payload(&payload, expiration, headers.as_deref())
}

/// `{ enc: undefined }` replaces the SDK's `enc` with nothing and jose refuses the header; JSON text would
/// silently drop the member and keep ours, so it is caught here, with jose's code.
fn refuse_undefined_algorithms(js: &Js, headers: Raw) -> Result<(), Error> {
    for (name, label) in [
        (c"enc", "\"enc\" (Encryption Algorithm)"),
        (c"alg", "\"alg\" (Algorithm)"),
    ] {
        if js.has_own(headers, name)? && js.option(Some(headers), name)?.is_none() {
            return Err(jwe_invalid(format!(
                "JWE {label} Header Parameter missing or invalid"
            )));
        }
    }
    Ok(())
}

/// The SDK's `decrypt(cookieValue, secret, options?)`: `{ payload, protectedHeader }`, or `null` when the
/// cookie is malformed, undecryptable or expired (jose's `ERR_JWE_INVALID`, `ERR_JWE_DECRYPTION_FAILED`,
/// `ERR_JWT_EXPIRED`); other failures reject, as the SDK's do. The clock tolerance is the SDK's 15 s.
#[napi(
    ts_generic_types = "T = SessionData",
    ts_args_type = "cookieValue: string, secret: string | string[], options?: DecryptOptions, throwOnJWEErrors?: boolean",
    ts_return_type = "Promise<DecryptResult<T> | null>"
)]
pub fn decrypt<'env>(
    env: &'env Env,
    cookie: Unknown,
    secret: Unknown,
    options: Option<Unknown>,
    throw_on_jwe_errors: Option<bool>,
) -> napi::Result<Unknown<'env>, Code> {
    guard(|| {
        let js = Js::new(env);
        let outcome = match open(&js, cookie.raw(), secret.raw(), options.map(|o| o.raw())) {
            Err(e) if treated_as_absent(e.code) && throw_on_jwe_errors != Some(true) => js.null(),
            other => other,
        };
        Ok(js.unknown(js.settled_promise(outcome)?))
    })
}

/// The failures the SDK's `decrypt` turns into `null` (a cookie that is simply not a session).
fn treated_as_absent(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::JweInvalid
            | ErrorCode::JweDecryptionFailed
            | ErrorCode::JwtExpired
            | ErrorCode::InputTooLarge
            | ErrorCode::JoseUnusedBySessions
    )
}

fn open(js: &Js, cookie: Raw, secret: Raw, options: Option<Raw>) -> Result<Raw, Error> {
    let cipher = cached_cipher(js, &args::secrets(js, secret)?)?;
    let options = js.options_object(options, "options")?;
    refuse_unimplemented_options(js, options)?;
    let clock = cipher.clock(current_date(js, options)?)?;
    if js.type_of(cookie)? != ValueType::String {
        // jose: "Compact JWE must be a string or Uint8Array".
        return Err(session_seal_core::error::jwe_invalid(
            "Compact JWE must be a string",
        ));
    }
    let cookie = args::cookie(js, cookie, cipher.options().max_cookie_bytes)?;
    let opened = cipher.open(&cookie, clock)?;
    js.create_object(&[
        (c"payload", js.parse(&opened.payload)?),
        (c"protectedHeader", js.parse(&opened.header.json)?),
    ])
}

/// jose's `jwtDecrypt` options that the SDK passes through and this library does not implement. Each
/// would make jose refuse some cookies; ignoring one would hand back a session the caller believes was
/// checked, so passing one refuses the call. (`clockTolerance` is always 15 s in the SDK; `currentDate`
/// is honoured.)
const UNIMPLEMENTED_OPTIONS: [&CStr; 11] = [
    c"issuer",
    c"audience",
    c"subject",
    c"typ",
    c"requiredClaims",
    c"maxTokenAge",
    c"keyManagementAlgorithms",
    c"contentEncryptionAlgorithms",
    c"crit",
    c"maxPBES2Count",
    c"maxDecompressedLength",
];

fn refuse_unimplemented_options(js: &Js, options: Option<Raw>) -> Result<(), Error> {
    for name in UNIMPLEMENTED_OPTIONS {
        if js.option(options, name)?.is_some() {
            return Err(not_supported(format!(
                "decrypt option \"{}\" is not implemented by session-seal: check it on the returned payload, or use the SDK's decrypt",
                name.to_string_lossy()
            )));
        }
    }
    Ok(())
}

/// `options.currentDate` (a `Date`), in epoch seconds.
fn current_date(js: &Js, options: Option<Raw>) -> Result<Option<f64>, Error> {
    let Some(date) = js.option(options, c"currentDate")? else {
        return Ok(None);
    };
    match js.date_millis(date)? {
        Some(millis) => Ok(Some((millis / 1000.0).floor())),
        None => Err(invalid_arg_type("options.currentDate must be a Date")),
    }
}
