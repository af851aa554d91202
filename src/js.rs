//! The few Node-API calls the bindings need, wrapped once: strings, numbers, properties, V8's own
//! `JSON.parse`/`JSON.stringify`, promises, and errors carrying our codes.
//!
//! Objects cross the boundary as JSON text produced and consumed by V8 itself: one call each way,
//! instead of one Node-API call per property.

use napi::bindgen_prelude::{Unknown, ValueType};
use napi::{sys, Env};
use std::cell::RefCell;
use std::ffi::{c_void, CStr};
use std::ptr;

use session_seal_core::error::{internal, invalid_arg_type, invalid_arg_value, Error};

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

/// References to V8's `JSON` functions, per environment.
struct JsonRefs {
    env: sys::napi_env,
    json: sys::napi_ref,
    parse: sys::napi_ref,
    stringify: sys::napi_ref,
}

struct JsonFunctions {
    json: Raw,
    parse: Raw,
    stringify: Raw,
}

thread_local! {
    /// Environments live on one thread each (the main thread, or a worker's), so the cache is per thread.
    static JSON_REFS: RefCell<Vec<JsonRefs>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn forget_json_refs(env: *mut c_void) {
    let _ = JSON_REFS.try_with(|cache| {
        cache
            .borrow_mut()
            .retain(|refs| refs.env.cast::<c_void>() != env)
    });
}

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
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_typeof(self.env, value, &mut kind) },
            "typeof",
        )?;
        Ok(ValueType::from(kind))
    }

    pub fn is_promise(&self, value: Raw) -> Result<bool, Error> {
        let mut result = false;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_is_promise(self.env, value, &mut result) },
            "isPromise",
        )?;
        Ok(result)
    }

    pub fn is_array(&self, value: Raw) -> Result<bool, Error> {
        let mut result = false;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_is_array(self.env, value, &mut result) },
            "isArray",
        )?;
        Ok(result)
    }

    /// The UTF-8 length of a string, computed without copying it.
    pub fn utf8_len(&self, value: Raw) -> Result<usize, Error> {
        let mut len = 0;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe {
                sys::napi_get_value_string_utf8(self.env, value, ptr::null_mut(), 0, &mut len)
            },
            "string length",
        )?;
        Ok(len)
    }

    /// The length of a string in UTF-16 code units: V8 knows it without a scan.
    pub fn utf16_len(&self, value: Raw) -> Result<usize, Error> {
        let mut len = 0;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe {
                sys::napi_get_value_string_utf16(self.env, value, ptr::null_mut(), 0, &mut len)
            },
            "string length",
        )?;
        Ok(len)
    }

    /// Writes a string as UTF-8 into `buffer`'s spare capacity (complete characters only, at most
    /// `capacity - 1` bytes) and returns how many bytes were written.
    fn write_utf8(&self, value: Raw, buffer: &mut Vec<u8>) -> Result<usize, Error> {
        let capacity = buffer.capacity();
        let mut written = 0;
        check(
            // SAFETY: `buffer` has `capacity` writable bytes at its pointer; V8 writes at most that many (NUL included) and reports how many.
            unsafe {
                sys::napi_get_value_string_utf8(
                    self.env,
                    value,
                    buffer.as_mut_ptr().cast(),
                    capacity,
                    &mut written,
                )
            },
            "string copy",
        )?;
        // SAFETY: V8 initialized `written` bytes (and a NUL after them) within the capacity.
        unsafe { buffer.set_len(written.min(capacity.saturating_sub(1))) };
        Ok(buffer.len())
    }

    /// Copies a JavaScript string that is pure ASCII (every cookie, most JSON), or `None` for any other.
    ///
    /// One V8 copy and no length scan (V8's UTF-8 length count costs more than the copy itself): a buffer of
    /// one byte per UTF-16 unit holds the whole string exactly when every character is ASCII.
    pub fn ascii_string(&self, value: Raw) -> Result<Option<String>, Error> {
        let units = self.utf16_len(value)?;
        let mut buffer = Vec::with_capacity(units + 1);
        let written = self.write_utf8(value, &mut buffer)?;
        Ok((written == units && buffer.is_ascii()).then(|| {
            // SAFETY: ASCII is UTF-8.
            unsafe { String::from_utf8_unchecked(buffer) }
        }))
    }

    /// Copies a JavaScript string (lone surrogates become U+FFFD, as `TextEncoder` does).
    pub fn string(&self, value: Raw) -> Result<String, Error> {
        if let Some(text) = self.ascii_string(value)? {
            return Ok(text);
        }
        // Three bytes per UTF-16 unit is the most UTF-8 can need.
        let mut buffer = Vec::with_capacity(self.utf16_len(value)? * 3 + 1);
        self.write_utf8(value, &mut buffer)?;
        String::from_utf8(buffer)
            .map_err(|_| internal("Node-API returned a string that is not UTF-8"))
    }

    pub fn number(&self, value: Raw) -> Result<f64, Error> {
        let mut result = 0.0;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
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
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_get_value_bool(self.env, value, &mut result) },
            "boolean",
        )?;
        Ok(result)
    }

    /// `object[name]` (getters run, as a property read in JavaScript would).
    pub fn get(&self, object: Raw, name: &CStr) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_get_named_property(self.env, object, name.as_ptr(), &mut result) },
            "property read",
        )?;
        Ok(result)
    }

    /// `Object.hasOwn(object, name)`: tells a member set to `undefined` from one never set.
    pub fn has_own(&self, object: Raw, name: &CStr) -> Result<bool, Error> {
        let mut key = ptr::null_mut();
        check(
            // SAFETY: `text` (or `name`) is a live string whose pointer and byte length are passed together; `result` is a local out-parameter.
            unsafe {
                sys::napi_create_string_utf8(
                    self.env,
                    name.as_ptr(),
                    name.count_bytes() as isize,
                    &mut key,
                )
            },
            "property name",
        )?;
        let mut result = false;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_has_own_property(self.env, object, key, &mut result) },
            "own property check",
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

    /// `object[key]` for a key that is itself a JavaScript value; `None` (the exception cleared) when a
    /// getter throws, so the caller can fall back to a path that reports it.
    pub fn try_get(&self, object: Raw, key: Raw) -> Result<Option<Raw>, Error> {
        let mut result = ptr::null_mut();
        // SAFETY: `object` and `key` are values of this environment during the current call.
        let status = unsafe { sys::napi_get_property(self.env, object, key, &mut result) };
        if status == sys::Status::napi_ok {
            return Ok(Some(result));
        }
        self.clear_exception()?;
        Ok(None)
    }

    /// `object[name]` as `try_get`, by a constant name.
    pub fn try_get_named(&self, object: Raw, name: &CStr) -> Result<Option<Raw>, Error> {
        let mut result = ptr::null_mut();
        // SAFETY: `object` is a value of this environment; `name` is NUL-terminated.
        let status =
            unsafe { sys::napi_get_named_property(self.env, object, name.as_ptr(), &mut result) };
        if status == sys::Status::napi_ok {
            return Ok(Some(result));
        }
        self.clear_exception()?;
        Ok(None)
    }

    fn clear_exception(&self) -> Result<(), Error> {
        let mut pending = false;
        // SAFETY: a status query of this environment.
        unsafe { sys::napi_is_exception_pending(self.env, &mut pending) };
        if pending {
            let mut exception = ptr::null_mut();
            check(
                // SAFETY: there is a pending exception to take.
                unsafe { sys::napi_get_and_clear_last_exception(self.env, &mut exception) },
                "clear exception",
            )?;
        }
        Ok(())
    }

    /// `Object.keys(object)`: own, enumerable, string keys (what `JSON.stringify` serializes).
    pub fn own_keys(&self, object: Raw) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            // SAFETY: `object` is a value of this environment during the current call.
            unsafe {
                sys::napi_get_all_property_names(
                    self.env,
                    object,
                    sys::KeyCollectionMode::own_only,
                    sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                    sys::KeyConversion::numbers_to_strings,
                    &mut result,
                )
            },
            "own keys",
        )?;
        Ok(result)
    }

    pub fn array_len(&self, array: Raw) -> Result<u32, Error> {
        let mut len = 0;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_get_array_length(self.env, array, &mut len) },
            "array length",
        )?;
        Ok(len)
    }

    pub fn element(&self, array: Raw, index: u32) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_get_element(self.env, array, index, &mut result) },
            "array element",
        )?;
        Ok(result)
    }

    /// A JavaScript string with `text`; ASCII (every cookie, most JSON) is copied as Latin-1, with no UTF-8
    /// decoding.
    pub fn create_string(&self, text: &str) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        let status = if text.is_ascii() {
            // SAFETY: `text` (or `name`) is a live string whose pointer and byte length are passed together; `result` is a local out-parameter.
            unsafe {
                sys::napi_create_string_latin1(
                    self.env,
                    text.as_ptr().cast(),
                    text.len() as isize,
                    &mut result,
                )
            }
        } else {
            // SAFETY: `text` (or `name`) is a live string whose pointer and byte length are passed together; `result` is a local out-parameter.
            unsafe {
                sys::napi_create_string_utf8(
                    self.env,
                    text.as_ptr().cast(),
                    text.len() as isize,
                    &mut result,
                )
            }
        };
        check(status, "string creation")?;
        Ok(result)
    }

    pub fn create_number(&self, value: f64) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_create_double(self.env, value, &mut result) },
            "number creation",
        )?;
        Ok(result)
    }

    /// A plain object with the given members, in order.
    pub fn create_object(&self, members: &[(&CStr, Raw)]) -> Result<Raw, Error> {
        let mut object = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_create_object(self.env, &mut object) },
            "object creation",
        )?;
        for (name, value) in members {
            check(
                // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
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
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_is_date(self.env, value, &mut is_date) },
            "isDate",
        )?;
        if !is_date {
            return Ok(None);
        }
        let mut millis = 0.0;
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_get_date_value(self.env, value, &mut millis) },
            "date value",
        )?;
        Ok(Some(millis))
    }

    pub fn null(&self) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
        check(unsafe { sys::napi_get_null(self.env, &mut result) }, "null")?;
        Ok(result)
    }

    /// V8's own `JSON` and its `parse`/`stringify`, looked up once per environment and then held by
    /// reference (a worker thread has an environment, and so a cache entry, of its own).
    fn json_functions(&self) -> Result<JsonFunctions, Error> {
        let cached = JSON_REFS.with(|cache| {
            cache
                .borrow()
                .iter()
                .find(|refs| refs.env == self.env)
                .map(|refs| (refs.json, refs.parse, refs.stringify))
        });
        let (json, parse, stringify) = match cached {
            Some(refs) => refs,
            None => self.cache_json_functions()?,
        };
        Ok(JsonFunctions {
            json: self.reference_value(json)?,
            parse: self.reference_value(parse)?,
            stringify: self.reference_value(stringify)?,
        })
    }

    fn cache_json_functions(&self) -> Result<(sys::napi_ref, sys::napi_ref, sys::napi_ref), Error> {
        let mut global = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_get_global(self.env, &mut global) },
            "global",
        )?;
        let json = self.get(global, c"JSON")?;
        let refs = (
            self.reference(json)?,
            self.reference(self.get(json, c"parse")?)?,
            self.reference(self.get(json, c"stringify")?)?,
        );
        // Forget the entry when the environment goes away (Node frees its references itself).
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe {
                sys::napi_add_env_cleanup_hook(self.env, Some(forget_json_refs), self.env.cast())
            },
            "cleanup hook",
        )?;
        JSON_REFS.with(|cache| {
            cache.borrow_mut().push(JsonRefs {
                env: self.env,
                json: refs.0,
                parse: refs.1,
                stringify: refs.2,
            })
        });
        Ok(refs)
    }

    fn reference(&self, value: Raw) -> Result<sys::napi_ref, Error> {
        let mut result = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_create_reference(self.env, value, 1, &mut result) },
            "reference",
        )?;
        Ok(result)
    }

    fn reference_value(&self, reference: sys::napi_ref) -> Result<Raw, Error> {
        let mut result = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_get_reference_value(self.env, reference, &mut result) },
            "reference value",
        )?;
        Ok(result)
    }

    /// Calls a function; a JavaScript exception is caught and returned as its message.
    fn call(&self, this: Raw, function: Raw, args: &[Raw]) -> Result<Result<Raw, String>, Error> {
        let mut result = ptr::null_mut();
        // SAFETY: `function` and `this` are values of this environment; `args` points to `args.len()` of them; `result` is a local out-parameter.
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
        // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
        unsafe { sys::napi_is_exception_pending(self.env, &mut pending) };
        if !pending {
            return Err(internal(format!(
                "Node-API call failed: call (status {status})"
            )));
        }
        let mut exception = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
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
        let functions = self.json_functions()?;
        Ok(
            match self.call(functions.json, functions.stringify, &[value])? {
                Ok(text) if self.type_of(text)? == ValueType::String => {
                    Ok(Some(self.string(text)?))
                }
                Ok(_) => Ok(None),
                Err(message) => Err(message),
            },
        )
    }

    /// `JSON.parse(text)` for text this library produced or checked.
    pub fn parse(&self, text: &str) -> Result<Raw, Error> {
        let functions = self.json_functions()?;
        let arg = self.create_string(text)?;
        self.call(functions.json, functions.parse, &[arg])?
            .map_err(|message| internal(format!("JSON.parse refused checked JSON: {message}")))
    }

    /// A JavaScript `Error` with `code` and `message`.
    pub fn error(&self, error: &Error) -> Result<Raw, Error> {
        let code = self.create_string(error.code.as_str())?;
        let message = self.create_string(&error.message)?;
        let mut result = ptr::null_mut();
        check(
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
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
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
            unsafe { sys::napi_create_promise(self.env, &mut deferred, &mut promise) },
            "promise",
        )?;
        match outcome {
            Ok(value) => check(
                // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
                unsafe { sys::napi_resolve_deferred(self.env, deferred, value) },
                "resolve",
            )?,
            Err(error) => {
                let rejection = self.error(&error)?;
                check(
                    // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
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
            // SAFETY: a Node-API call in this call's environment (`self.env`), on values created in it during this call, writing only to the local out-parameters passed.
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

    /// `object[name]()` when that member is a function: `Ok(None)` when it is not, the exception's
    /// message when the call throws.
    pub fn call_method(
        &self,
        object: Raw,
        name: &CStr,
    ) -> Result<Option<Result<Raw, String>>, Error> {
        let method = self.get(object, name)?;
        if self.type_of(method)? != ValueType::Function {
            return Ok(None);
        }
        Ok(Some(self.call(object, method, &[])?))
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
