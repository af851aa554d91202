//! The Node-API surface of session-seal. Thin glue over `session_seal_core`: read arguments, call the
//! core, hand back values. No rules live here.

// napi-derive registers the exports with Node only outside `cfg(test)`; a test build (which clippy's
// --all-targets makes) would call them all unused.
#![cfg_attr(test, allow(dead_code))]

mod args;
mod cipher;
mod cookies;
mod dropin;
mod js;
mod store;
mod validate;

use js::{throwable, Js, JsResult};
use std::sync::atomic::{AtomicBool, Ordering};

static SHORT_SECRET_WARNED: AtomicBool = AtomicBool::new(false);

/// Warns once per process when a secret is shorter than the 32 bytes the SDK recommends.
fn warn_if_short_secret(
    js: &Js,
    ring: &session_seal_core::keys::KeyRing,
) -> Result<(), session_seal_core::Error> {
    if ring.has_short_secret() && !SHORT_SECRET_WARNED.swap(true, Ordering::Relaxed) {
        js.emit_warning(
            "session-seal: a secret is shorter than 32 bytes; generate one with `openssl rand -hex 32`",
            "SESSION_SEAL_SHORT_SECRET",
        )?;
    }
    Ok(())
}

/// Runs an entry point so that neither an error nor a panic escapes as anything but a coded JS error.
fn guard<T>(body: impl FnOnce() -> Result<T, session_seal_core::Error>) -> JsResult<T> {
    session_seal_core::error::contain_panics(body).map_err(throwable)
}
