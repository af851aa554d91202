//! Reading the arguments every entry point shares: secrets, JSON objects, cookies, times.

use napi::bindgen_prelude::ValueType;

use super::js::{type_word, Js, Raw};
use session_seal_core::cipher::{CipherOptions, SessionCipher};
use session_seal_core::claims::{self, Clock};
use session_seal_core::error::{
    input_too_large, invalid_arg_type, invalid_arg_value, secret_invalid, Error, ErrorCode,
};
use session_seal_core::session::Validation;

/// `secret: string | string[]`, newest first.
pub fn secrets(js: &Js, value: Raw) -> Result<Vec<String>, Error> {
    let refuse = |got: &str| {
        secret_invalid(format!(
            "secret must be a non-empty string or an array of them, got {got}"
        ))
    };
    match js.type_of(value)? {
        ValueType::String => Ok(vec![js.string(value)?]),
        ValueType::Object if js.is_array(value)? => {
            let len = js.array_len(value)?;
            // Counted before any element is read, so a huge list costs nothing.
            session_seal_core::keys::check_secret_count(len as usize)?;
            (0..len)
                .map(|i| {
                    let item = js.element(value, i)?;
                    match js.type_of(item)? {
                        ValueType::String => js.string(item),
                        other => Err(secret_invalid(format!(
                            "secret[{i}] must be a string, got {}",
                            type_word(other)
                        ))),
                    }
                })
                .collect()
        }
        other => Err(refuse(type_word(other))),
    }
}

/// The JSON text of a plain object argument, as `JSON.stringify` writes it.
pub fn object_json(js: &Js, value: Raw, name: &str) -> Result<String, Error> {
    let kind = js.type_of(value)?;
    if kind != ValueType::Object || js.is_array(value)? {
        let got = if kind == ValueType::Object {
            "array"
        } else {
            type_word(kind)
        };
        return Err(invalid_arg_type(format!(
            "{name} must be a plain object, got {got}"
        )));
    }
    match js.stringify(value)? {
        Ok(Some(text)) if text.starts_with('{') => Ok(text),
        Ok(_) => Err(invalid_arg_type(format!(
            "{name} must be a plain object (it serializes to something else)"
        ))),
        Err(message) => Err(invalid_arg_value(format!(
            "{name} cannot be serialized to JSON: {message}"
        ))),
    }
}

/// A cookie value argument, refused by length before it is even copied out of V8. What cookies are (an
/// ASCII string within the limit) is copied once, with no UTF-8 length scan.
pub fn cookie(js: &Js, value: Raw, max_bytes: usize) -> Result<String, Error> {
    let kind = js.type_of(value)?;
    if kind != ValueType::String {
        return Err(invalid_arg_type(format!(
            "cookie value must be a string, got {}",
            type_word(kind)
        )));
    }
    if js.utf16_len(value)? <= max_bytes {
        if let Some(text) = js.ascii_string(value)? {
            return Ok(text);
        }
    }
    let len = js.utf8_len(value)?;
    if len > max_bytes {
        return Err(input_too_large(format!(
            "cookie value is {len} bytes, over the {max_bytes}-byte limit"
        )));
    }
    js.string(value)
}

/// `clockTolerance` and `maxCookieBytes`, as `new SessionCipher` and `new SessionCookies` read them.
pub fn cipher_options(js: &Js, options: Raw) -> Result<CipherOptions, Error> {
    let mut result = CipherOptions::default();
    if let Some(tolerance) = js.option(Some(options), c"clockTolerance")? {
        result.clock_tolerance = js.expect_number(tolerance, "options.clockTolerance")?;
        if result.clock_tolerance < 0.0 {
            return Err(invalid_arg_value(
                "options.clockTolerance must be 0 or more seconds",
            ));
        }
    }
    if let Some(max) = js.option(Some(options), c"maxCookieBytes")? {
        let max = js.expect_number(max, "options.maxCookieBytes")?;
        if max < 1.0 || max.fract() != 0.0 || max > u32::MAX as f64 {
            return Err(invalid_arg_value(
                "options.maxCookieBytes must be a positive whole number of bytes",
            ));
        }
        result.max_cookie_bytes = max as usize;
    }
    Ok(result)
}

/// The clock of a read: `options.now` (or the system clock) with the cipher's tolerance.
pub fn clock(js: &Js, cipher: &SessionCipher, options: Option<Raw>) -> Result<Clock, Error> {
    cipher.clock(now(js, options)?)
}

/// For the reads that answer `null` rather than throw: an oversized input is no session.
pub fn none_if_too_large<T>(read: Result<T, Error>) -> Result<Option<T>, Error> {
    match read {
        Err(e) if e.code == ErrorCode::InputTooLarge => Ok(None),
        other => other.map(Some),
    }
}

/// `options.now` in epoch seconds, if given.
pub fn now(js: &Js, options: Option<Raw>) -> Result<Option<f64>, Error> {
    let options = js.options_object(options, "options")?;
    js.option(options, c"now")?
        .map(|now| epoch_seconds(js, now, "options.now"))
        .transpose()
}

/// A number of seconds since the epoch (`expiresAt`, `createdAt`, `now`); milliseconds are refused.
pub fn epoch_seconds(js: &Js, value: Raw, name: &str) -> Result<f64, Error> {
    claims::epoch_seconds(js.expect_number(value, name)?, name)
}

/// `options.validate` of `seal` and `write`: absent or `"sdk"`, what the SDK needs; `"strict"` or `true`,
/// the SDK's types in full; `false`, nothing.
pub fn validation(js: &Js, options: Option<Raw>) -> Result<Validation, Error> {
    let Some(value) = js.option(options, c"validate")? else {
        return Ok(Validation::default());
    };
    match js.type_of(value)? {
        ValueType::Boolean if js.boolean(value)? => Ok(Validation::Strict),
        ValueType::Boolean => Ok(Validation::Off),
        ValueType::String => Validation::from_name(&js.string(value)?).ok_or_else(|| {
            invalid_arg_value("options.validate must be \"sdk\", \"strict\", true or false")
        }),
        other => Err(invalid_arg_type(format!(
            "options.validate must be \"sdk\", \"strict\" or a boolean, got {}",
            type_word(other)
        ))),
    }
}

/// An expiry as jose's `setExpirationTime` takes it: epoch seconds, or a `Date` (floored to seconds).
pub fn expiration(js: &Js, value: Raw, name: &str) -> Result<f64, Error> {
    if let Some(millis) = js.date_millis(value)? {
        let seconds = (millis / 1000.0).floor();
        return if seconds.is_finite() {
            Ok(seconds)
        } else {
            Err(invalid_arg_value(format!("{name} is an invalid Date")))
        };
    }
    js.expect_number(value, name)
}
