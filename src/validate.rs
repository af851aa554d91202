//! `validateSession` for JavaScript.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue};
use napi_derive::napi;
use serde_json::json;

use super::guard;
use super::js::{Code, Js};
use session_seal_core::session::{self, Problem};

/// Checks a value against the SDK's SessionData family, reporting every problem with its path.
/// The JSON form is judged: exactly what `seal` would encrypt.
#[napi(ts_args_type = "value: unknown", ts_return_type = "ValidationResult")]
pub fn validate_session<'env>(env: &'env Env, value: Unknown) -> napi::Result<Unknown<'env>, Code> {
    guard(|| {
        let js = Js::new(env);
        let problems = match js.stringify(value.raw())? {
            Ok(Some(text)) => session::validate_json(&text),
            Ok(None) => vec![root_problem(
                "must be an object (SessionData), got a value JSON cannot represent",
            )],
            Err(message) => vec![root_problem(&format!(
                "cannot be serialized to JSON: {message}"
            ))],
        };
        let errors: Vec<_> = problems
            .iter()
            .map(|p| json!({ "path": p.path, "message": p.message }))
            .collect();
        let result = json!({ "valid": problems.is_empty(), "errors": errors });
        Ok(js.unknown(js.parse(&result.to_string())?))
    })
}

fn root_problem(message: &str) -> Problem {
    Problem {
        path: String::new(),
        message: message.to_string(),
    }
}
