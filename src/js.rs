//! The one module that speaks raw Node-API (`napi::sys`), for the few things napi-rs's typed API does not
//! do, or does measurably slower on the hot path (`bench/PROFILE.md`, `docs/performance.md`):
//!
//! - **V8's own JSON.** A session crosses the boundary as JSON text made and read by V8 itself: one call
//!   each way instead of one Node-API call per property. `JSON.parse`/`JSON.stringify` are looked up once
//!   per environment and held by reference; `stringify` also reports what V8 threw, with the exception
//!   cleared.
//! - **Strings out of V8 without a length scan.** A cookie (and most JSON) is ASCII: it is copied once into
//!   a buffer of one byte per UTF-16 unit, where napi-rs would first count its UTF-8 bytes.
//! - **Exceptions.** A getter or a `getAll()` that throws leaves an exception pending; `take_exception`
//!   clears it and hands back its message, so the caller can answer with its own coded error.
//! - **Typed arguments with our errors.** `typed_argument!` lets napi-rs convert an argument type through
//!   its `FromJs` impl, which answers with our coded errors instead of napi-rs's.
//!
//! Every `unsafe` block carries a `// SAFETY:` comment (the workspace denies
//! `clippy::undocumented_unsafe_blocks` and `unsafe_op_in_unsafe_fn`).

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, ToNapiValue, TypeName, Unknown};
use napi::{sys, Env, JsString, JsValue, ValueType};
use std::cell::RefCell;
use std::ptr;

use session_seal_core::error::{internal, Error};
use session_seal_core::input::Stringified;

/// JSON text this library made or checked, handed to JavaScript as the value `JSON.parse` makes of it.
pub struct Json(pub String);

impl TypeName for Json {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        parse(env, &val.0).map_err(|e| napi::Error::from_reason(e.message))
    }
}

/// References to V8's `JSON.parse` and `JSON.stringify`, per environment.
struct JsonRefs {
    env: sys::napi_env,
    parse: sys::napi_ref,
    stringify: sys::napi_ref,
}

thread_local! {
    /// Environments live on one thread each (the main thread, or a worker's), so the cache is per thread.
    static JSON_REFS: RefCell<Vec<JsonRefs>> = const { RefCell::new(Vec::new()) };
}

/// Drops the cached references of the environment at this address (Node frees the references themselves).
fn forget_json_refs(env: usize) {
    let _ = JSON_REFS.try_with(|cache| cache.borrow_mut().retain(|refs| refs.env as usize != env));
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

/// `JSON.parse` and `JSON.stringify` of this environment, looked up on first use.
fn json_functions(env: sys::napi_env) -> Result<(sys::napi_value, sys::napi_value), Error> {
    let cached = JSON_REFS.with(|cache| {
        cache
            .borrow()
            .iter()
            .find(|refs| refs.env == env)
            .map(|refs| (refs.parse, refs.stringify))
    });
    let (parse, stringify) = match cached {
        Some(refs) => refs,
        None => cache_json_functions(env)?,
    };
    Ok((
        reference_value(env, parse)?,
        reference_value(env, stringify)?,
    ))
}

fn cache_json_functions(env: sys::napi_env) -> Result<(sys::napi_ref, sys::napi_ref), Error> {
    let typed = Env::from_raw(env);
    let failed = |e: napi::Error| internal(format!("Node-API call failed: JSON lookup ({e})"));
    let json: Object = typed
        .get_global()
        .map_err(failed)?
        .get_named_property("JSON")
        .map_err(failed)?;
    let parse: Unknown = json.get_named_property("parse").map_err(failed)?;
    let stringify: Unknown = json.get_named_property("stringify").map_err(failed)?;
    let refs = (
        reference(env, parse.raw())?,
        reference(env, stringify.raw())?,
    );
    // Forget the entry when the environment goes away. napi-rs's typed hook rather than the raw call: on
    // wasm32 the hook comes from emnapi's `napi` import module, which only the typed call links against.
    typed
        .add_env_cleanup_hook(env as usize, forget_json_refs)
        .map_err(|e| internal(format!("Node-API call failed: cleanup hook ({e})")))?;
    JSON_REFS.with(|cache| {
        cache.borrow_mut().push(JsonRefs {
            env,
            parse: refs.0,
            stringify: refs.1,
        })
    });
    Ok(refs)
}

fn reference(env: sys::napi_env, value: sys::napi_value) -> Result<sys::napi_ref, Error> {
    let mut result = ptr::null_mut();
    check(
        // SAFETY: `value` is a value of `env` during the current call; `result` is a local out-parameter.
        unsafe { sys::napi_create_reference(env, value, 1, &mut result) },
        "reference",
    )?;
    Ok(result)
}

fn reference_value(env: sys::napi_env, reference: sys::napi_ref) -> Result<sys::napi_value, Error> {
    let mut result = ptr::null_mut();
    check(
        // SAFETY: `reference` was created in `env` (the cache is keyed by environment and emptied by its
        // cleanup hook); `result` is a local out-parameter.
        unsafe { sys::napi_get_reference_value(env, reference, &mut result) },
        "reference value",
    )?;
    Ok(result)
}

/// Calls `function(arg)` with `this` undefined; what it throws comes back as its message, cleared.
fn call(
    env: sys::napi_env,
    function: sys::napi_value,
    arg: sys::napi_value,
) -> Result<Result<sys::napi_value, String>, Error> {
    let mut this = ptr::null_mut();
    check(
        // SAFETY: a status-only query of `env`, writing to a local out-parameter.
        unsafe { sys::napi_get_undefined(env, &mut this) },
        "undefined",
    )?;
    let mut result = ptr::null_mut();
    // SAFETY: `function`, `this` and `arg` are values of `env` during the current call; one argument is
    // passed and `result` is a local out-parameter.
    let status = unsafe { sys::napi_call_function(env, this, function, 1, &arg, &mut result) };
    if status == sys::Status::napi_ok {
        return Ok(Ok(result));
    }
    match take_exception(&Env::from_raw(env))? {
        Some(message) => Ok(Err(message)),
        None => Err(internal(format!(
            "Node-API call failed: call (status {status})"
        ))),
    }
}

/// `JSON.parse(text)` for text this library produced or checked.
fn parse(env: sys::napi_env, text: &str) -> Result<sys::napi_value, Error> {
    let (parse, _) = json_functions(env)?;
    let arg = Env::from_raw(env).create_string_latin1_or_utf8(text)?.raw();
    call(env, parse, arg)?
        .map_err(|message| internal(format!("JSON.parse refused checked JSON: {message}")))
}

/// What `JSON.stringify(value)` makes of a value: its text, `undefined`, or what it threw.
pub fn stringify(value: Unknown) -> Result<Stringified, Error> {
    let env = value.value().env;
    let (_, stringify) = json_functions(env)?;
    Ok(match call(env, stringify, value.raw())? {
        Err(message) => Stringified::Threw(message),
        Ok(text) => {
            // SAFETY: `text` is the value V8 just returned in `env`, live for the current call.
            let text = unsafe { Unknown::from_raw_unchecked(env, text) };
            match text.get_type() {
                Ok(ValueType::String) => Stringified::Text(string(text)?),
                _ => Stringified::Undefined,
            }
        }
    })
}

/// The message of the pending exception, cleared (`None` when nothing is pending). A non-object
/// exception, or one without a readable message, is "a JavaScript exception".
pub fn take_exception(env: &Env) -> Result<Option<String>, Error> {
    let mut pending = false;
    check(
        // SAFETY: a status query of this call's environment, writing to a local out-parameter.
        unsafe { sys::napi_is_exception_pending(env.raw(), &mut pending) },
        "exception check",
    )?;
    if !pending {
        return Ok(None);
    }
    let mut exception = ptr::null_mut();
    check(
        // SAFETY: an exception is pending in this environment; `exception` is a local out-parameter.
        unsafe { sys::napi_get_and_clear_last_exception(env.raw(), &mut exception) },
        "clear exception",
    )?;
    // SAFETY: `exception` is the value V8 just handed over in this environment.
    let exception = unsafe { Unknown::from_raw_unchecked(env.raw(), exception) };
    let message = match exception.get_type() {
        Ok(ValueType::Object) => Object::from_unknown(exception)
            .and_then(|object| object.get_named_property::<Unknown>("message"))
            .ok()
            .filter(|m| m.get_type().ok() == Some(ValueType::String))
            .and_then(|m| string(m).ok()),
        _ => None,
    };
    Ok(Some(
        message.unwrap_or_else(|| "a JavaScript exception".to_string()),
    ))
}

/// Creating strings: ASCII (every cookie, most JSON) as Latin-1, which V8 copies without decoding.
pub trait CreateString {
    fn create_string_latin1_or_utf8(&self, text: &str) -> Result<JsString<'_>, Error>;
}

impl CreateString for Env {
    fn create_string_latin1_or_utf8(&self, text: &str) -> Result<JsString<'_>, Error> {
        // emnapi (the WebAssembly build's Node-API) copies a Latin-1 string into V8 one character at a time,
        // and a UTF-8 one with TextDecoder in one go: there UTF-8 is the fast way for ASCII too.
        let created = if text.is_ascii() && cfg!(not(target_family = "wasm")) {
            self.create_string_latin1(text.as_bytes())
        } else {
            self.create_string(text)
        };
        created.map_err(|e| internal(format!("Node-API call failed: string creation ({e})")))
    }
}

/// Writes a string as UTF-8 into `buffer`'s spare capacity (complete characters only, at most
/// `capacity - 1` bytes) and returns how many bytes were written.
fn write_utf8(value: Unknown, buffer: &mut Vec<u8>) -> Result<usize, Error> {
    let capacity = buffer.capacity();
    let mut written = 0;
    check(
        // SAFETY: `value` is a string of its environment during the current call; `buffer` has `capacity`
        // writable bytes at its pointer, and V8 writes at most that many (NUL included) and reports how many.
        unsafe {
            sys::napi_get_value_string_utf8(
                value.value().env,
                value.raw(),
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

fn utf16_len(value: Unknown) -> Result<usize, Error> {
    JsString::from_unknown(value)
        .and_then(|s| s.utf16_len())
        .map_err(|e| internal(format!("Node-API call failed: string length ({e})")))
}

/// Copies a JavaScript string that is pure ASCII (every cookie, most JSON), or `None` for any other.
///
/// One V8 copy and no length scan (V8's UTF-8 length count costs more than the copy itself): a buffer of
/// one byte per UTF-16 unit holds the whole string exactly when every character is ASCII.
pub fn ascii_string(value: Unknown) -> Result<Option<String>, Error> {
    let units = utf16_len(value)?;
    let mut buffer = Vec::with_capacity(units + 1);
    let written = write_utf8(value, &mut buffer)?;
    Ok((written == units && buffer.is_ascii()).then(|| {
        // SAFETY: ASCII is UTF-8.
        unsafe { String::from_utf8_unchecked(buffer) }
    }))
}

/// Copies a JavaScript string (its type already checked); lone surrogates become U+FFFD, as
/// `TextEncoder` does.
pub fn string(value: Unknown) -> Result<String, Error> {
    if let Some(text) = ascii_string(value)? {
        return Ok(text);
    }
    // Three bytes per UTF-16 unit is the most UTF-8 can need.
    let mut buffer = Vec::with_capacity(utf16_len(value)? * 3 + 1);
    write_utf8(value, &mut buffer)?;
    String::from_utf8(buffer).map_err(|_| internal("Node-API returned a string that is not UTF-8"))
}

/// Reads an argument type from JavaScript with our rules and our coded errors.
pub trait FromJs: Sized {
    fn from_js(value: Unknown) -> Result<Self, Error>;
}

/// Lets napi-rs convert the argument types named through their `FromJs` impls. A refusal is thrown as our
/// coded error (left pending, which napi-rs then passes on untouched), never as napi-rs's own.
macro_rules! typed_argument {
    ($($name:ty),* $(,)?) => {$(
        impl napi::bindgen_prelude::FromNapiValue for $name {
            unsafe fn from_napi_value(
                env: napi::sys::napi_env,
                value: napi::sys::napi_value,
            ) -> napi::Result<Self> {
                // SAFETY: napi-rs hands over a value of `env`, live for the current call.
                let value = unsafe { napi::bindgen_prelude::Unknown::from_raw_unchecked(env, value) };
                session_seal_core::error::contain_panics(|| <$name as crate::js::FromJs>::from_js(value))
                    .map_err(|error| crate::js::thrown(&napi::Env::from_raw(env), error))
            }
        }
    )*};
}
pub(crate) use typed_argument;

/// Throws `error` with its code now and returns the napi-rs error that says one is pending.
pub fn thrown(env: &Env, error: Error) -> napi::Error {
    match env.throw_error(&error.message, Some(error.code.as_str())) {
        Ok(()) => napi::Error::new(napi::Status::PendingException, error.message),
        Err(_) => napi::Error::from_reason(error.message),
    }
}
