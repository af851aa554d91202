//! The Node-API surface of session-seal: thin glue over `session_seal_core` on napi-rs's typed API. Each
//! module reads JavaScript arguments into plain Rust values, calls the core once, and hands back typed
//! results. Every session rule lives in the core; what only JavaScript has (a Promise, a request, a
//! `getAll()`) is recognised here and worded in `mistakes`; raw Node-API only in `js`.

// napi-derive registers the exports with Node only outside `cfg(test)`; a test build (which clippy's
// --all-targets makes) would call them all unused.
#![cfg_attr(test, allow(dead_code))]

mod args;
mod cipher;
mod constants;
mod cookies;
mod dropin;
mod jar;
mod js;
mod mistakes;
mod options;
mod set_cookie;
mod size;
mod stateful;
mod store;
mod testing;
mod validate;

use napi::bindgen_prelude::{FnArgs, Function, JsObjectValue, Object, Unknown};
use napi::Env;
use session_seal_core::jose::{KeyRing, SHORT_SECRET_WARNING, SHORT_SECRET_WARNING_CODE};
use session_seal_core::Error;
use std::sync::atomic::{AtomicBool, Ordering};

/// A JavaScript error code paired with its message; what every binding returns on failure.
#[derive(Debug, Clone, Copy)]
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// Our core error, thrown to JavaScript with `err.code` set.
pub fn throwable(error: Error) -> napi::Error<Code> {
    napi::Error::new(Code(error.code.as_str()), error.message)
}

/// Runs an entry point so that neither an error nor a panic escapes as anything but a coded JS error.
fn guard<T>(body: impl FnOnce() -> Result<T, Error>) -> napi::Result<T, Code> {
    session_seal_core::error::contain_panics(body).map_err(throwable)
}

/// `guard` for the entry points whose errors may be the SDK's own classes: such an error is thrown here
/// with its `name` (`SessionDomainMismatchError`), and napi-rs passes the pending exception on.
fn guard_named<T>(env: &Env, body: impl FnOnce() -> Result<T, Error>) -> napi::Result<T, Code> {
    session_seal_core::error::contain_panics(body).map_err(|error| {
        if let Some(name) = error.code.js_name() {
            js::throw_named(env, name, &error);
        }
        throwable(error)
    })
}

static SHORT_SECRET_WARNED: AtomicBool = AtomicBool::new(false);

/// Warns once per process when a secret is shorter than the SDK recommends.
fn warn_if_short_secret(env: &Env, ring: &KeyRing) -> Result<(), Error> {
    if !ring.has_short_secret() {
        return Ok(());
    }
    warn_once(
        env,
        &SHORT_SECRET_WARNED,
        SHORT_SECRET_WARNING,
        SHORT_SECRET_WARNING_CODE,
    )
}

/// `process.emitWarning(message, 'SessionSealWarning', code)`, the first time `once` is passed here.
fn warn_once(env: &Env, once: &AtomicBool, message: &str, code: &str) -> Result<(), Error> {
    if once.swap(true, Ordering::Relaxed) {
        return Ok(());
    }
    emit_warning(env, message, code)
}

/// `process.emitWarning(message, 'SessionSealWarning', code)`.
fn emit_warning(env: &Env, message: &str, code: &str) -> Result<(), Error> {
    let failed = args::napi_failed("process.emitWarning");
    let process: Object = env
        .get_global()
        .and_then(|global| global.get_named_property("process"))
        .map_err(&failed)?;
    let emit: Function<FnArgs<(&str, &str, &str)>, Unknown> =
        process.get_named_property("emitWarning").map_err(&failed)?;
    if emit
        .apply(process, (message, "SessionSealWarning", code).into())
        .is_err()
    {
        // A throwing warning listener is the app's business, not a failure of this call.
        js::take_exception(env)?;
    }
    Ok(())
}

/// A promise already settled with `outcome` (work this small is faster done now than on the thread pool);
/// an error rejects it with its code, as the SDK's async functions reject.
fn settled<'env, T: napi::bindgen_prelude::ToNapiValue>(
    env: &'env Env,
    outcome: Result<T, Error>,
) -> Result<napi::bindgen_prelude::PromiseRaw<'env, T>, Error> {
    use napi::bindgen_prelude::PromiseRaw;
    match outcome {
        Ok(value) => PromiseRaw::resolve(env, value),
        Err(error) => PromiseRaw::reject(env, throwable(error)),
    }
    .map_err(args::napi_failed("promise"))
}
