//! The Node-API surface. Thin glue: read arguments, call the core, hand back values. No rules live here.

mod args;
mod cipher;
mod cookies;
mod dropin;
mod js;
mod validate;

use js::{throwable, Code, Js, JsResult};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

static SHORT_SECRET_WARNED: AtomicBool = AtomicBool::new(false);

/// Warns once per process when a secret is shorter than the 32 bytes the SDK recommends.
fn warn_if_short_secret(js: &Js, ring: &crate::keys::KeyRing) -> Result<(), crate::Error> {
    if ring.has_short_secret() && !SHORT_SECRET_WARNED.swap(true, Ordering::Relaxed) {
        js.emit_warning(
            "session-seal: a secret is shorter than 32 bytes; generate one with `openssl rand -hex 32`",
            "SESSION_SEAL_SHORT_SECRET",
        )?;
    }
    Ok(())
}

/// Runs an entry point so that neither an error nor a panic escapes as anything but a coded JS error.
fn guard<T>(body: impl FnOnce() -> Result<T, crate::Error>) -> JsResult<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(throwable(error)),
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(napi::Error::new(
                Code(crate::ErrorCode::Internal.as_str()),
                format!("internal error in session-seal (please report it): {detail}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // No panic is reachable from JavaScript (the fuzzers and property tests look for one), so `guard`'s
    // panic path is proven here, without Node: a panic becomes ERR_SESSION_SEAL_INTERNAL, an error keeps
    // its code, a value passes through.
    #[test]
    fn guard_turns_a_panic_into_a_coded_internal_error() {
        let caught = guard::<()>(|| panic!("boom {}", 42)).unwrap_err();
        assert_eq!(caught.status.as_ref(), "ERR_SESSION_SEAL_INTERNAL");
        assert!(caught.reason.contains("boom 42"), "{}", caught.reason);
        let caught = guard::<()>(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(caught.status.as_ref(), "ERR_SESSION_SEAL_INTERNAL");
        let coded = guard::<()>(|| Err(crate::error::jwe_invalid("bad"))).unwrap_err();
        assert_eq!(
            (coded.status.as_ref(), coded.reason.as_str()),
            ("ERR_JWE_INVALID", "bad")
        );
        assert_eq!(guard(|| Ok(5)).unwrap(), 5);
    }
}
