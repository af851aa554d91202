//! What callers hand in, judged before any work: the argument rules every entry point shares and the
//! messages their coded errors carry. The bindings only read JavaScript values into Rust ones (a kind, a
//! number, a string, the text `JSON.stringify` made); every decision about them is taken here.

use std::fmt;

use crate::error::{input_too_large, invalid_arg_type, invalid_arg_value, Error, Result};
use crate::payload::session::Validation;

/// An argument of the wrong kind: `"{name} must be {expected}, got {got}"` (`got` as JavaScript's
/// `typeof` names it, or `array`).
pub fn wrong_type(name: impl fmt::Display, expected: &str, got: &str) -> Error {
    invalid_arg_type(format!("{name} must be {expected}, got {got}"))
}

/// A number argument that must be finite (`NaN` and the infinities are refused with the value named).
pub fn finite(name: impl fmt::Display, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(invalid_arg_value(format!(
            "{name} must be a finite number, got {}",
            js_non_finite(value)
        )))
    }
}

fn js_non_finite(value: f64) -> &'static str {
    if value.is_nan() {
        "NaN"
    } else if value > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

/// A `Date` argument in epoch seconds, as jose's `setExpirationTime` and `currentDate` take it: its
/// milliseconds floored to seconds. An invalid `Date` (`new Date(NaN)`) is refused.
pub fn date_seconds(name: impl fmt::Display, millis: f64) -> Result<f64> {
    let seconds = (millis / 1000.0).floor();
    if seconds.is_finite() {
        Ok(seconds)
    } else {
        Err(invalid_arg_value(format!("{name} is an invalid Date")))
    }
}

/// A string argument refused by its length before it is copied: `"{name} is {len} bytes, over the
/// {max}-byte limit"`.
pub fn check_len(name: &str, len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(input_too_large(format!(
            "{name} is {len} bytes, over the {max}-byte limit"
        )));
    }
    Ok(())
}

/// What `JSON.stringify(value)` gave: the text, `undefined` (a function, a symbol, `undefined` itself),
/// or the message of what it threw (a BigInt, a cycle, a throwing `toJSON`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stringified {
    /// The JSON text.
    Text(String),
    /// Nothing JSON can represent: `undefined`, a function, a symbol.
    Undefined,
    /// The message of what it threw.
    Threw(String),
}

/// An argument that must be a plain object (`session`, `payload`, `additionalHeaders`, `cookie`), by the
/// kind the bindings saw: `"object"`, `"array"` or another `typeof` word.
pub fn require_object(name: impl fmt::Display, kind: &str) -> Result<()> {
    if kind != "object" {
        return Err(wrong_type(name, "a plain object", kind));
    }
    Ok(())
}

/// The JSON text of a plain object argument, from what `JSON.stringify` made of it.
pub fn object_text(name: impl fmt::Display, json: Stringified) -> Result<String> {
    match json {
        Stringified::Text(text) if text.starts_with('{') => Ok(text),
        Stringified::Text(_) | Stringified::Undefined => Err(invalid_arg_type(format!(
            "{name} must be a plain object (it serializes to something else)"
        ))),
        Stringified::Threw(message) => Err(not_serializable(name, &message)),
    }
}

/// An argument whose `JSON.stringify` threw (a BigInt, a cycle, a throwing `toJSON`), with what it threw.
pub fn not_serializable(name: impl fmt::Display, message: &str) -> Error {
    invalid_arg_value(format!("{name} cannot be serialized to JSON: {message}"))
}

/// For the reads that answer `null` rather than throw (`unseal`, `read`, `readSessionId`): an input over
/// its limit is no session, like any other cookie that does not open.
pub fn absent_if_too_large<T>(read: Result<T>) -> Result<Option<T>> {
    match read {
        Err(e) if e.code == crate::ErrorCode::InputTooLarge => Ok(None),
        other => other.map(Some),
    }
}

/// What a caller gave as `options.validate` of `seal` and `write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidateOption<'a> {
    /// `true` or `false`.
    Boolean(bool),
    /// A string: `"sdk"` or `"strict"`.
    Name(&'a str),
    /// Any other kind, by its `typeof` word.
    Other(&'a str),
}

/// `options.validate`: absent or `"sdk"`, what the SDK needs; `"strict"` or `true`, the SDK's types in
/// full; `false`, nothing.
pub fn validation(option: Option<ValidateOption>) -> Result<Validation> {
    match option {
        None => Ok(Validation::default()),
        Some(ValidateOption::Boolean(true)) => Ok(Validation::Strict),
        Some(ValidateOption::Boolean(false)) => Ok(Validation::Off),
        Some(ValidateOption::Name(name)) => Validation::from_name(name).ok_or_else(|| {
            invalid_arg_value("options.validate must be \"sdk\", \"strict\", true or false")
        }),
        Some(ValidateOption::Other(kind)) => Err(invalid_arg_type(format!(
            "options.validate must be \"sdk\", \"strict\" or a boolean, got {kind}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn type_errors_name_the_argument_and_what_it_was() {
        let e = wrong_type("options.now", "a number", "string");
        assert_eq!(e.code, ErrorCode::InvalidArgType);
        assert_eq!(e.message, "options.now must be a number, got string");
    }

    #[test]
    fn numbers_must_be_finite_and_say_so_as_javascript_would() {
        assert_eq!(finite("expiresAt", 1.5).unwrap(), 1.5);
        for (value, word) in [
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            let e = finite("expiresAt", value).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgValue);
            assert_eq!(
                e.message,
                format!("expiresAt must be a finite number, got {word}")
            );
        }
    }

    #[test]
    fn dates_floor_to_seconds_and_invalid_dates_are_refused() {
        assert_eq!(date_seconds("expiration", 1_999.0).unwrap(), 1.0);
        assert_eq!(date_seconds("expiration", -1.0).unwrap(), -1.0);
        let e = date_seconds("expiration", f64::NAN).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::InvalidArgValue, "expiration is an invalid Date")
        );
    }

    #[test]
    fn lengths_are_refused_past_the_limit_only() {
        assert!(check_len("cookie value", 10, 10).is_ok());
        let e = check_len("cookie value", 11, 10).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(
            e.message,
            "cookie value is 11 bytes, over the 10-byte limit"
        );
    }

    #[test]
    fn plain_objects_only() {
        assert!(require_object("session", "object").is_ok());
        for kind in ["array", "string", "undefined", "null"] {
            let e = require_object("session", kind).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgType);
            assert_eq!(
                e.message,
                format!("session must be a plain object, got {kind}")
            );
        }
        let text = Stringified::Text("{\"a\":1}".into());
        assert_eq!(object_text("session", text).unwrap(), "{\"a\":1}");
        for made in [Stringified::Text("\"x\"".into()), Stringified::Undefined] {
            let e = object_text("payload", made).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgType);
            assert!(e.message.contains("serializes to something else"));
        }
        let e = object_text("payload", Stringified::Threw("cycle".into())).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::InvalidArgValue,
                "payload cannot be serialized to JSON: cycle"
            )
        );
    }

    #[test]
    fn only_oversized_input_reads_as_absent() {
        assert_eq!(absent_if_too_large(Ok(5)).unwrap(), Some(5));
        assert_eq!(
            absent_if_too_large::<()>(Err(input_too_large("big"))).unwrap(),
            None
        );
        let other = absent_if_too_large::<()>(Err(invalid_arg_type("bad"))).unwrap_err();
        assert_eq!(other.code, ErrorCode::InvalidArgType);
    }

    #[test]
    fn the_validate_option_defaults_to_what_the_sdk_needs() {
        assert_eq!(validation(None).unwrap(), Validation::Sdk);
        assert_eq!(
            validation(Some(ValidateOption::Name("sdk"))).unwrap(),
            Validation::Sdk
        );
        assert_eq!(
            validation(Some(ValidateOption::Name("strict"))).unwrap(),
            Validation::Strict
        );
        assert_eq!(
            validation(Some(ValidateOption::Boolean(true))).unwrap(),
            Validation::Strict
        );
        assert_eq!(
            validation(Some(ValidateOption::Boolean(false))).unwrap(),
            Validation::Off
        );
        let e = validation(Some(ValidateOption::Name("loose"))).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::InvalidArgValue,
                "options.validate must be \"sdk\", \"strict\", true or false"
            )
        );
        let e = validation(Some(ValidateOption::Other("number"))).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::InvalidArgType,
                "options.validate must be \"sdk\", \"strict\" or a boolean, got number"
            )
        );
    }
}
