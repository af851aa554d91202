//! `validateSession` for JavaScript.

use napi::bindgen_prelude::Unknown;
use napi_derive::napi;

use crate::{guard, js, Code};
use session_seal_core::payload as session;

/// One problem `validateSession` found.
#[napi(object, object_from_js = false)]
pub struct ValidationError {
    /// Where: `user.sub`, `accessTokens[1].audience`; empty for the value itself.
    pub path: String,
    pub message: String,
}

/// What `validateSession` says of a value.
#[napi(object, object_from_js = false)]
pub struct ValidationResult {
    pub valid: bool,
    pub errors: Vec<ValidationError>,
}

/// Checks a value against the SDK's SessionData family, reporting every problem with its path.
/// The JSON form is judged: exactly what `seal` would encrypt.
#[napi]
pub fn validate_session(
    #[napi(ts_arg_type = "unknown")] value: Unknown,
) -> napi::Result<ValidationResult, Code> {
    guard(|| {
        let problems = session::validate_stringified(js::stringify(value)?);
        Ok(ValidationResult {
            valid: problems.is_empty(),
            errors: problems
                .into_iter()
                .map(|p| ValidationError {
                    path: p.path,
                    message: p.message,
                })
                .collect(),
        })
    })
}
