//! The few Node-API calls the bindings need, wrapped once: strings, numbers, properties, V8's own
//! `JSON.parse`/`JSON.stringify`, promises, and errors carrying our codes.
//!
//! Objects cross the boundary as JSON text produced and consumed by V8 itself: one call each way,
//! instead of one Node-API call per property.

use napi::bindgen_prelude::{Unknown, ValueType};
use napi::{sys, Env};
use std::ffi::CStr;
use std::ptr;

use crate::error::{internal, invalid_arg_type, invalid_arg_value, Error};

/// A JavaScript error code paired with its message; what every binding returns on failure.
#[derive(Debug, Clone, Copy)]
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

pub type JsResult<T> = napi::Result<T, Code>;

/// Our core error, thrown to JavaScript with `err.code` set.
pub fn throwable(error: Error) -> napi::Error<Code> {
    napi::Error::new(Code(error.code.as_str()), error.message)
}

/// A raw Node-API value in a known environment.
pub type Raw = sys::napi_value;

/// The environment of the current call. Copyable, lives only for that call.
#[derive(Clone, Copy)]
pub struct Js {
    env: sys::napi_env,
}

fn check(status: sys::napi_status, what: &str) -> Result<(), Error> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(internal(format!(
            "Node-API call failed: {what} (status {status})"
        )))
    }
}

impl Js {
    pub fn new(env: &Env) -> Self {
        Js { env: env.raw() }
    }

    pub fn unknown<'env>(&self, value: Raw) -> Unknown<'env> {
        // SAFETY: `value` was created in this environment during the current call.
        unsafe { Unknown::from_raw_unchecked(self.env, value) }
    }

    pub fn type_of(&self, value: Raw) -> Result<ValueType, Error> {
        let mut kind = 0;
        check(
            unsafe { sys::napi_typeof(self.env, value, &mut kind) },
            "typeof",
        )?;
        Ok(ValueType::from(kind))
    }

    pub fn is_array(&self, value: Raw) -> Result<bool, Error> {
        let mut result = false;
        check(
            unsafe { sys::napi_is_array(self.env, value, &mut result) },
            "isArray",
        )?;
        Ok(result)
    }

    /// The UTF-8 length of a string, computed without copying it.
    pub fn utf8_len(&self, value: Raw) -> Result<usize, Error> {
        let mut len = 0;
        check(
            unsafe {
                sys::napi_get_value_string_utf8(self.env, value, ptr::null_mut(), 0, &mut len)
            },
            "string length",
        )?;
        Ok(len)
    }

    /// Copies a JavaScript string (lone surrogates become U+FFFD, as `TextEncoder` does).
    pub fn string(&self, value: Raw) -> Result<String, Error> {
        let len = self.utf8_len(value)?;
        let mut buffer = vec![0u8; len + 1];
        let mut written = 0;
        check(
            unsafe {
                sys::napi_get_value_string_utf8(
                    self.env,
                    value,
                    buffer.as_mut_ptr().cast(),
                    len + 1,
                    &mut written,
                )
            },
            "string copy",
        )?;
        buffer.truncate(written);
        String::from_utf8(buffer)
            .map_err(|_| internal("Node-API returned a string that is not UTF-8"))
    }

    pub fn number(&self, value: Raw) -> Result<f64, Error> {
        let mut result = 0.0;
        check(
            unsafe { sys::napi_get_value_double(self.env, value, &mut result) },
            "number",
        )?;
        Ok(result)
    }

    /// A finite number argument, or a coded error naming it.
    pub fn expect_number(&self, value: Raw, name: &str) -> Result<f64, Error> {
        match self.type_of(value)? {
            ValueType::Number => {
                let n = self.number(value)?;
                if n.is_finite() {
                    Ok(n)
                } else {
                    Err(invalid_arg_value(format!(
                        "{name} must be a finite number, got {n}"
                    )))
                }
            }
            other => Err(invalid_arg_type(format!(
                "{name} must be a number, got {}",
                type_word(other)
            ))),
        }
    }

    pub fn boolean(&self, value: Raw) -> Result<bool, Error> {
        let mut result = false;
        check(
            unsafe { sys::napi_get_value_bool(self.env, value, &mut result) },
            "boolean",
        )?;
        Ok(result)
    }

    /// `object[name]` (getters run, as a property read in JavaScript would).
    pub fn get(&self, object: Raw, name: &CStr) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            unsafe { sys::napi_get_named_property(self.env, object, name.as_ptr(), &mut result) },
            "property read",
        )?;
        Ok(result)
    }

    /// `options[name]` when `options` is an object and the member is not undefined.
    pub fn option(&self, options: Option<Raw>, name: &CStr) -> Result<Option<Raw>, Error> {
        let Some(options) = options else {
            return Ok(None);
        };
        let value = self.get(options, name)?;
        Ok((self.type_of(value)? != ValueType::Undefined).then_some(value))
    }

    /// An optional options argument: undefined/null mean none; anything but an object is refused.
    pub fn options_object(&self, value: Option<Raw>, name: &str) -> Result<Option<Raw>, Error> {
        let Some(value) = value else { return Ok(None) };
        match self.type_of(value)? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            ValueType::Object => Ok(Some(value)),
            other => Err(invalid_arg_type(format!(
                "{name} must be an object, got {}",
                type_word(other)
            ))),
        }
    }

    pub fn array_len(&self, array: Raw) -> Result<u32, Error> {
        let mut len = 0;
        check(
            unsafe { sys::napi_get_array_length(self.env, array, &mut len) },
            "array length",
        )?;
        Ok(len)
    }

    pub fn element(&self, array: Raw, index: u32) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            unsafe { sys::napi_get_element(self.env, array, index, &mut result) },
            "array element",
        )?;
        Ok(result)
    }

    pub fn create_string(&self, text: &str) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            unsafe {
                sys::napi_create_string_utf8(
                    self.env,
                    text.as_ptr().cast(),
                    text.len() as isize,
                    &mut result,
                )
            },
            "string creation",
        )?;
        Ok(result)
    }

    pub fn create_number(&self, value: f64) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            unsafe { sys::napi_create_double(self.env, value, &mut result) },
            "number creation",
        )?;
        Ok(result)
    }

    /// A plain object with the given members, in order.
    pub fn create_object(&self, members: &[(&CStr, Raw)]) -> Result<Raw, Error> {
        let mut object = ptr::null_mut();
        check(
            unsafe { sys::napi_create_object(self.env, &mut object) },
            "object creation",
        )?;
        for (name, value) in members {
            check(
                unsafe { sys::napi_set_named_property(self.env, object, name.as_ptr(), *value) },
                "property write",
            )?;
        }
        Ok(object)
    }

    /// The epoch milliseconds of a `Date`, or `None` for anything else.
    pub fn date_millis(&self, value: Raw) -> Result<Option<f64>, Error> {
        let mut is_date = false;
        check(
            unsafe { sys::napi_is_date(self.env, value, &mut is_date) },
            "isDate",
        )?;
        if !is_date {
            return Ok(None);
        }
        let mut millis = 0.0;
        check(
            unsafe { sys::napi_get_date_value(self.env, value, &mut millis) },
            "date value",
        )?;
        Ok(Some(millis))
    }

    pub fn null(&self) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(unsafe { sys::napi_get_null(self.env, &mut result) }, "null")?;
        Ok(result)
    }

    fn global_json_function(&self, name: &CStr) -> Result<(Raw, Raw), Error> {
        let mut global = ptr::null_mut();
        check(
            unsafe { sys::napi_get_global(self.env, &mut global) },
            "global",
        )?;
        let json = self.get(global, c"JSON")?;
        Ok((json, self.get(json, name)?))
    }

    /// Calls a function; a JavaScript exception is caught and returned as its message.
    fn call(&self, this: Raw, function: Raw, args: &[Raw]) -> Result<Result<Raw, String>, Error> {
        let mut result = ptr::null_mut();
        let status = unsafe {
            sys::napi_call_function(
                self.env,
                this,
                function,
                args.len(),
                args.as_ptr(),
                &mut result,
            )
        };
        if status == sys::Status::napi_ok {
            return Ok(Ok(result));
        }
        let mut pending = false;
        unsafe { sys::napi_is_exception_pending(self.env, &mut pending) };
        if !pending {
            return Err(internal(format!(
                "Node-API call failed: call (status {status})"
            )));
        }
        let mut exception = ptr::null_mut();
        check(
            unsafe { sys::napi_get_and_clear_last_exception(self.env, &mut exception) },
            "clear exception",
        )?;
        Ok(Err(self.describe_exception(exception)))
    }

    fn describe_exception(&self, exception: Raw) -> String {
        let message = match self.type_of(exception) {
            Ok(ValueType::Object) => self
                .get(exception, c"message")
                .and_then(|m| self.string(m))
                .ok(),
            _ => None,
        };
        message.unwrap_or_else(|| "a JavaScript exception".to_string())
    }

    /// `JSON.stringify(value)`: `Ok(None)` when V8 returns undefined, `Err` with V8's message when it throws
    /// (a BigInt, a cycle).
    pub fn stringify(&self, value: Raw) -> Result<Result<Option<String>, String>, Error> {
        let (json, stringify) = self.global_json_function(c"stringify")?;
        Ok(match self.call(json, stringify, &[value])? {
            Ok(text) if self.type_of(text)? == ValueType::String => Ok(Some(self.string(text)?)),
            Ok(_) => Ok(None),
            Err(message) => Err(message),
        })
    }

    /// `JSON.parse(text)` for text this library produced or checked.
    pub fn parse(&self, text: &str) -> Result<Raw, Error> {
        let (json, parse) = self.global_json_function(c"parse")?;
        let arg = self.create_string(text)?;
        self.call(json, parse, &[arg])?
            .map_err(|message| internal(format!("JSON.parse refused checked JSON: {message}")))
    }

    /// A JavaScript `Error` with `code` and `message`.
    pub fn error(&self, error: &Error) -> Result<Raw, Error> {
        let code = self.create_string(error.code.as_str())?;
        let message = self.create_string(&error.message)?;
        let mut result = ptr::null_mut();
        check(
            unsafe { sys::napi_create_error(self.env, code, message, &mut result) },
            "error creation",
        )?;
        Ok(result)
    }

    /// A promise already settled with `outcome` (work this small is faster done now than on the pool).
    pub fn settled_promise(&self, outcome: Result<Raw, Error>) -> Result<Raw, Error> {
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        check(
            unsafe { sys::napi_create_promise(self.env, &mut deferred, &mut promise) },
            "promise",
        )?;
        match outcome {
            Ok(value) => check(
                unsafe { sys::napi_resolve_deferred(self.env, deferred, value) },
                "resolve",
            )?,
            Err(error) => {
                let rejection = self.error(&error)?;
                check(
                    unsafe { sys::napi_reject_deferred(self.env, deferred, rejection) },
                    "reject",
                )?
            }
        }
        Ok(promise)
    }

    /// Emits a Node.js process warning (`process.emitWarning(message, { code })`).
    pub fn emit_warning(&self, message: &str, code: &str) -> Result<(), Error> {
        let mut global = ptr::null_mut();
        check(
            unsafe { sys::napi_get_global(self.env, &mut global) },
            "global",
        )?;
        let process = self.get(global, c"process")?;
        let emit = self.get(process, c"emitWarning")?;
        let message = self.create_string(message)?;
        let kind = self.create_string("SessionSealWarning")?;
        let code = self.create_string(code)?;
        let _ = self.call(process, emit, &[message, kind, code])?;
        Ok(())
    }
}

/// How JavaScript would name a value's type in a message.
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
