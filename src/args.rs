//! Reading JavaScript arguments into Rust values with napi-rs's typed API: kinds, numbers, strings,
//! booleans, options objects and their members, secrets, the read options every reader shares. What is
//! acceptable is decided by `session_seal_core` (`input`, `keys`, `cipher`), which also words the errors;
//! this module only reads.

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsDate, JsValue, ValueType};
use napi_derive::napi;
use std::ffi::CStr;
use std::fmt::Display;

use crate::js;
use crate::mistakes;
use crate::options::{opt, read_options};
use session_seal_core::cipher::SessionCipher;
use session_seal_core::error::{internal, Error};
use session_seal_core::input::{self, wrong_type, Stringified, ValidateOption};
use session_seal_core::jose::{check_secret_count, secret_of_wrong_type, Secrets};
use session_seal_core::payload::Validation;
use session_seal_core::payload::{self as claims, Clock};

/// A failed Node-API call, as our internal error.
pub fn napi_failed(what: &str) -> impl Fn(napi::Error) -> Error + '_ {
    move |e| internal(format!("Node-API call failed: {what} ({e})"))
}

/// `typeof value`.
pub fn kind(value: Unknown) -> Result<ValueType, Error> {
    value.get_type().map_err(napi_failed("typeof"))
}

/// How JavaScript names a value's type in a message (`typeof`).
pub fn type_word(kind: ValueType) -> &'static str {
    match kind {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        ValueType::BigInt => "bigint",
        _ => "unknown",
    }
}

/// `typeof value`, with arrays called `array`.
pub fn kind_word(value: Unknown) -> Result<&'static str, Error> {
    Ok(match kind(value)? {
        ValueType::Object if is_array(value)? => "array",
        other => type_word(other),
    })
}

pub fn is_array(value: Unknown) -> Result<bool, Error> {
    value.is_array().map_err(napi_failed("isArray"))
}

pub fn is_promise(value: Unknown) -> Result<bool, Error> {
    value.is_promise().map_err(napi_failed("isPromise"))
}

/// A finite number argument.
pub fn number(value: Unknown, name: impl Display) -> Result<f64, Error> {
    match kind(value)? {
        ValueType::Number => input::finite(
            name,
            f64::from_unknown(value).map_err(napi_failed("number"))?,
        ),
        other => Err(wrong_type(name, "a number", type_word(other))),
    }
}

/// A number of seconds since the epoch (`expiresAt`, `createdAt`, `now`); milliseconds are refused.
pub fn epoch_seconds(value: Unknown, name: impl Display) -> Result<f64, Error> {
    let seconds = number(value, &name)?;
    claims::epoch_seconds(seconds, name)
}

/// `options.validate` of `seal` and `write` (`"sdk"`, `"strict"` or a boolean).
pub fn validation(value: Unknown, name: impl Display) -> Result<Validation, Error> {
    let text;
    let option = match kind(value)? {
        ValueType::Boolean => ValidateOption::Boolean(boolean(value, name)?),
        ValueType::String => {
            text = js::string(value)?;
            ValidateOption::Name(&text)
        }
        other => ValidateOption::Other(type_word(other)),
    };
    input::validation(Some(option))
}

/// A string argument, copied out of V8.
pub fn string(value: Unknown, name: impl Display) -> Result<String, Error> {
    match kind(value)? {
        ValueType::String => js::string(value),
        other => Err(wrong_type(name, "a string", type_word(other))),
    }
}

/// A boolean argument.
pub fn boolean(value: Unknown, name: impl Display) -> Result<bool, Error> {
    match kind(value)? {
        ValueType::Boolean => bool::from_unknown(value).map_err(napi_failed("boolean")),
        other => Err(wrong_type(name, "a boolean", type_word(other))),
    }
}

/// The length of a string in UTF-16 units: V8 knows it without a scan, and it never exceeds the UTF-8
/// bytes.
pub fn utf16_len(value: Unknown) -> Result<usize, Error> {
    napi::JsString::from_unknown(value)
        .and_then(|s| s.utf16_len())
        .map_err(napi_failed("string length"))
}

/// The UTF-8 length of a string, counted by V8 without a copy.
pub fn utf8_len(value: Unknown) -> Result<usize, Error> {
    napi::JsString::from_unknown(value)
        .and_then(|s| s.utf8_len())
        .map_err(napi_failed("string length"))
}

/// An optional options argument: `undefined`/`null` mean none; anything but an object is refused.
pub fn options<'env>(
    value: Unknown<'env>,
    name: impl Display,
) -> Result<Option<Object<'env>>, Error> {
    match kind(value)? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::Object => Ok(Some(
            Object::from_unknown(value).map_err(napi_failed("object"))?,
        )),
        other => Err(wrong_type(name, "an object", type_word(other))),
    }
}

/// `object[name]` as JavaScript reads it (getters run).
pub fn get<'env>(object: &Object<'env>, name: &CStr) -> Result<Unknown<'env>, Error> {
    object
        .get_c_named_property::<Unknown>(name)
        .map_err(napi_failed("property read"))
}

/// `object[name]` unless it is `undefined`.
pub fn member<'env>(object: &Object<'env>, name: &CStr) -> Result<Option<Unknown<'env>>, Error> {
    let value = get(object, name)?;
    Ok((kind(value)? != ValueType::Undefined).then_some(value))
}

/// A member of an options object that may be absent altogether.
pub fn member_of<'env>(
    object: Option<&Object<'env>>,
    name: &CStr,
) -> Result<Option<Unknown<'env>>, Error> {
    object.map_or(Ok(None), |object| member(object, name))
}

/// The epoch milliseconds of a `Date`, or `None` for anything else.
pub fn date_millis(value: Unknown) -> Result<Option<f64>, Error> {
    if !value.is_date().map_err(napi_failed("isDate"))? {
        return Ok(None);
    }
    JsDate::from_unknown(value)
        .and_then(|date| date.value_of())
        .map(Some)
        .map_err(napi_failed("date value"))
}

/// An expiry as jose's `setExpirationTime` takes it: epoch seconds, or a `Date` (floored to seconds).
pub fn expiration(value: Unknown, name: &str) -> Result<f64, Error> {
    match date_millis(value)? {
        Some(millis) => input::date_seconds(name, millis),
        None => number(value, name),
    }
}

/// The JSON text of an argument that must be a plain object, as V8's `JSON.stringify` writes it.
pub fn object_json(value: Unknown, name: &str) -> Result<String, Error> {
    let mut text = String::new();
    object_json_into(value, name, &mut text)?;
    Ok(text)
}

/// `object_json` into a buffer the caller keeps, replacing what it held.
pub fn object_json_into(value: Unknown, name: &str, out: &mut String) -> Result<(), Error> {
    if kind(value)? != ValueType::Object {
        return input::require_object(name, kind_word(value)?);
    }
    let json = match js::stringify_value(value)? {
        js::StringifiedValue::Text(text) => {
            js::string_into(text, out)?;
            if out.starts_with('{') && out != "{}" {
                return Ok(());
            }
            Stringified::Text(std::mem::take(out))
        }
        js::StringifiedValue::Undefined => Stringified::Undefined,
        js::StringifiedValue::Threw(message) => Stringified::Threw(message),
    };
    // What is not plainly an object's JSON: an array, a Promise (which serializes to `{}`), a value whose
    // `toJSON` gives something else. Asked only here, so the common path pays nothing for it.
    input::require_object(name, kind_word(value)?)?;
    let text = input::object_text(name, json)?;
    if text == "{}" && is_promise(value)? {
        return Err(mistakes::promise(name, None));
    }
    *out = text;
    Ok(())
}

/// A cookie value argument, refused by length before it is even copied out of V8. What cookies are (an
/// ASCII string within the limit) is copied once, with no UTF-8 length scan.
pub fn cookie(value: Unknown, cipher: &SessionCipher) -> Result<String, Error> {
    cookie_checked(value, |len| cipher.check_size(len))
}

/// `cookie` with a limit of its own (`StoreCipher`'s stored values).
pub fn cookie_within(value: Unknown, max_bytes: usize) -> Result<String, Error> {
    cookie_checked(value, |len| {
        input::check_len("cookie value", len, max_bytes)
    })
}

/// `cookie` into a buffer the caller keeps, replacing what it held.
pub fn cookie_into(value: Unknown, cipher: &SessionCipher, out: &mut String) -> Result<(), Error> {
    cookie_checked_into(value, |len| cipher.check_size(len), out)
}

fn cookie_checked(
    value: Unknown,
    check_size: impl Fn(usize) -> Result<(), Error>,
) -> Result<String, Error> {
    let mut text = String::new();
    cookie_checked_into(value, check_size, &mut text)?;
    Ok(text)
}

fn cookie_checked_into(
    value: Unknown,
    check_size: impl Fn(usize) -> Result<(), Error>,
    out: &mut String,
) -> Result<(), Error> {
    let kind = kind(value)?;
    if kind != ValueType::String {
        return Err(wrong_type("cookie value", "a string", type_word(kind)));
    }
    let units = utf16_len(value)?;
    if check_size(units).is_ok() && js::ascii_into(value, units, out)? {
        return Ok(());
    }
    check_size(utf8_len(value)?)?;
    *out = js::string(value)?;
    Ok(())
}

/// `secret: string | string[]`, newest first; a list is counted before any element is read.
pub fn secrets(value: Unknown) -> Result<Secrets, Error> {
    match kind(value)? {
        ValueType::String => Ok(Secrets::new(vec![js::string(value)?])),
        ValueType::Object if is_array(value)? => {
            let list = Object::from_unknown(value).map_err(napi_failed("array"))?;
            let len = list
                .get_array_length_unchecked()
                .map_err(napi_failed("array length"))?;
            check_secret_count(len as usize)?;
            (0..len)
                .map(|i| {
                    let item: Unknown =
                        list.get_element(i).map_err(napi_failed("array element"))?;
                    match kind(item)? {
                        ValueType::String => js::string(item),
                        other => Err(secret_of_wrong_type(Some(i as usize), type_word(other))),
                    }
                })
                .collect::<Result<_, _>>()
                .map(Secrets::new)
        }
        other => Err(secret_of_wrong_type(None, type_word(other))),
    }
}

/// The `secret` member of an options object: required, so an absent one is named as `undefined`.
pub fn secret(value: Option<Unknown>, _name: impl Display) -> Result<Secrets, Error> {
    match value {
        Some(value) => secrets(value),
        None => Err(secret_of_wrong_type(None, "undefined")),
    }
}

/// The options of a read: its moment.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ReadOptions {
    /// The current time in seconds since the epoch (default: the system clock); milliseconds are refused.
    pub now: Option<f64>,
}

read_options! {
    ReadOptions in "options" {
        now: opt(epoch_seconds),
    }
}

impl ReadOptions {
    /// The clock of a read with `cipher`: `now` (or the system clock) with the cipher's tolerance.
    pub fn clock(options: &Option<ReadOptions>, cipher: &SessionCipher) -> Result<Clock, Error> {
        cipher.clock(Self::now(options))
    }

    pub fn now(options: &Option<ReadOptions>) -> Option<f64> {
        options.as_ref().and_then(|o| o.now)
    }
}
