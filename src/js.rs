//! The one module that speaks raw Node-API (`napi::sys`), for the few things napi-rs's typed API does not
//! do, or does measurably slower on the hot path (`bench/PROFILE.md`, `docs/performance.md`):
//!
//! - **V8's own JSON.** A session crosses the boundary as JSON text made and read by V8 itself: one call
//!   each way instead of one Node-API call per property. `JSON.parse`/`JSON.stringify` are looked up once
//!   per environment and held by reference; `stringify` also reports what V8 threw, with the exception
//!   cleared. A cookie's payload under the SDK's header is read by `JSON.parse` alone, its time claims
//!   then taken off the object (`parse_claims_set`), rather than scanned once more here first.
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
use napi::{sys, Env, JsValue, ValueType};
use std::cell::RefCell;
use std::ptr;

use session_seal_core::error::{internal, Error};
use session_seal_core::input::Stringified;
use session_seal_core::payload::{check_time_claims, Clock, TimeClaim};

mod strings;
pub use strings::{ascii_into, string, string_into, with_buffers, CreateString};

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

/// References to V8's `JSON.parse` and `JSON.stringify`, and to the names of the time claims, per
/// environment.
#[derive(Clone, Copy)]
struct EnvRefs {
    env: sys::napi_env,
    parse: sys::napi_ref,
    stringify: sys::napi_ref,
    /// The array `["exp", "nbf", "iat"]` (a reference can hold an object, not a string, on Node 20).
    claims: sys::napi_ref,
}

thread_local! {
    /// Environments live on one thread each (the main thread, or a worker's), so the cache is per thread.
    static ENV_REFS: RefCell<Vec<EnvRefs>> = const { RefCell::new(Vec::new()) };
}

/// Drops the cached references of the environment at this address (Node frees the references themselves).
fn forget_env_refs(env: usize) {
    let _ = ENV_REFS.try_with(|cache| cache.borrow_mut().retain(|refs| refs.env as usize != env));
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

/// This environment's references, made on first use.
fn env_refs(env: sys::napi_env) -> Result<EnvRefs, Error> {
    let cached = ENV_REFS.with(|cache| cache.borrow().iter().find(|refs| refs.env == env).copied());
    match cached {
        Some(refs) => Ok(refs),
        None => cache_env_refs(env),
    }
}

fn cache_env_refs(env: sys::napi_env) -> Result<EnvRefs, Error> {
    let typed = Env::from_raw(env);
    let failed = |e: napi::Error| internal(format!("Node-API call failed: JSON lookup ({e})"));
    let json: Object = typed
        .get_global()
        .map_err(failed)?
        .get_named_property("JSON")
        .map_err(failed)?;
    let parse: Unknown = json.get_named_property("parse").map_err(failed)?;
    let stringify: Unknown = json.get_named_property("stringify").map_err(failed)?;
    let claims = typed
        .create_array(CLAIM_NAMES.len() as u32)
        .and_then(|mut names| {
            for (i, name) in CLAIM_NAMES.into_iter().enumerate() {
                names.set(i as u32, name)?;
            }
            Ok(names)
        })
        .map_err(|e| internal(format!("Node-API call failed: claim names ({e})")))?;
    let refs = EnvRefs {
        env,
        parse: reference(env, parse.raw())?,
        stringify: reference(env, stringify.raw())?,
        claims: reference(env, claims.raw())?,
    };
    // Forget the entry when the environment goes away. napi-rs's typed hook rather than the raw call: on
    // wasm32 the hook comes from emnapi's `napi` import module, which only the typed call links against.
    typed
        .add_env_cleanup_hook(env as usize, forget_env_refs)
        .map_err(|e| internal(format!("Node-API call failed: cleanup hook ({e})")))?;
    ENV_REFS.with(|cache| cache.borrow_mut().push(refs));
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

/// Calls `function(arg)` (`JSON.parse` or `JSON.stringify`); what it throws comes back as its message,
/// cleared.
fn call(
    env: sys::napi_env,
    function: sys::napi_value,
    arg: sys::napi_value,
) -> Result<Result<sys::napi_value, String>, Error> {
    // `JSON.parse` and `JSON.stringify` never read `this`: the function itself serves, where asking for
    // `undefined` would cost one more Node-API call.
    let this = function;
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

/// `JSON.parse(text)` of text this library produced or checked.
pub fn parse_checked(env: sys::napi_env, text: &str) -> Result<Parsed, Error> {
    parse(env, text).map(Parsed)
}

/// `JSON.parse(text)` for text this library produced or checked.
fn parse(env: sys::napi_env, text: &str) -> Result<sys::napi_value, Error> {
    let parse = reference_value(env, env_refs(env)?.parse)?;
    let arg = Env::from_raw(env).create_string_latin1_or_utf8(text)?.raw();
    call(env, parse, arg)?
        .map_err(|message| internal(format!("JSON.parse refused checked JSON: {message}")))
}

/// A value `JSON.parse` made, handed to JavaScript as it is.
pub struct Parsed(sys::napi_value);

impl TypeName for Parsed {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Parsed {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        Ok(val.0)
    }
}

/// The payload of a cookie under the SDK's header, judged as `open` judges it but read by V8 once
/// (`SessionCipher::unseal_deferred`): `JSON.parse` decides the syntax, the value must be an object, and
/// its own `exp`, `nbf` and `iat` members must pass `clock`. `None` when any of that fails.
pub fn parse_claims_set(
    env: sys::napi_env,
    text: &str,
    ascii: bool,
    clock: Clock,
) -> Result<Option<Parsed>, Error> {
    // What JSON.parse reads as an object is exactly the text that starts with `{` after JSON whitespace.
    let start = text.trim_start_matches([' ', '\t', '\n', '\r']);
    if !start.starts_with('{') {
        return Ok(None);
    }
    let refs = env_refs(env)?;
    let parse = reference_value(env, refs.parse)?;
    let typed = Env::from_raw(env);
    // Under emnapi (WebAssembly) UTF-8 is the fast way in, as in `create_string_latin1_or_utf8`.
    let arg = if ascii && cfg!(not(target_family = "wasm")) {
        typed.create_string_latin1(text.as_bytes())
    } else {
        typed.create_string(text)
    }
    .map_err(|e| internal(format!("Node-API call failed: string creation ({e})")))?
    .raw();
    let Ok(object) = call(env, parse, arg)? else {
        return Ok(None);
    };
    let names = reference_value(env, refs.claims)?;
    let claim = |index| own_time_claim(env, object, element(env, names, index)?);
    let (exp, nbf, iat) = (claim(0)?, claim(1)?, claim(2)?);
    Ok(check_time_claims(exp, nbf, iat, clock)
        .is_ok()
        .then_some(Parsed(object)))
}

/// The names of the time claims, in the order `EnvRefs::claims` holds them.
const CLAIM_NAMES: [&str; 3] = ["exp", "nbf", "iat"];

fn element(
    env: sys::napi_env,
    array: sys::napi_value,
    index: u32,
) -> Result<sys::napi_value, Error> {
    let mut value = ptr::null_mut();
    check(
        // SAFETY: `array` is a value of `env` during the current call; `value` is a local out-parameter.
        unsafe { sys::napi_get_element(env, array, index, &mut value) },
        "array element",
    )?;
    Ok(value)
}

/// A time claim as jose finds it on the payload object, read as an own member only: what the payload's
/// JSON holds, whatever `Object.prototype` has (and no inherited getter runs).
fn own_time_claim(
    env: sys::napi_env,
    object: sys::napi_value,
    key: sys::napi_value,
) -> Result<TimeClaim, Error> {
    let mut own = false;
    check(
        // SAFETY: `object` (what JSON.parse just returned) and `key` are values of `env` during the current
        // call; `own` is a local out-parameter.
        unsafe { sys::napi_has_own_property(env, object, key, &mut own) },
        "own property check",
    )?;
    if !own {
        return Ok(TimeClaim::Absent);
    }
    let mut value = ptr::null_mut();
    check(
        // SAFETY: as above; `value` is a local out-parameter. An own member of JSON.parse's object is a
        // data property, so no getter runs.
        unsafe { sys::napi_get_property(env, object, key, &mut value) },
        "property read",
    )?;
    let mut number = 0.0;
    // SAFETY: `value` was just read in `env`; `number` is a local out-parameter. Anything but a number is
    // refused with `napi_number_expected`, and nothing else.
    match unsafe { sys::napi_get_value_double(env, value, &mut number) } {
        sys::Status::napi_ok => Ok(TimeClaim::Number(number)),
        sys::Status::napi_number_expected => Ok(TimeClaim::NotANumber),
        status => check(status, "number").map(|()| TimeClaim::NotANumber),
    }
}

/// What `JSON.stringify(value)` makes of a value: its text, `undefined`, or what it threw.
pub fn stringify(value: Unknown) -> Result<Stringified, Error> {
    Ok(match stringify_value(value)? {
        StringifiedValue::Text(text) => Stringified::Text(string(text)?),
        StringifiedValue::Undefined => Stringified::Undefined,
        StringifiedValue::Threw(message) => Stringified::Threw(message),
    })
}

/// `stringify` with the text left in V8, for the caller to copy where it wants it.
pub enum StringifiedValue<'env> {
    /// The JSON text, a JavaScript string.
    Text(Unknown<'env>),
    /// `undefined`: nothing JSON can represent.
    Undefined,
    /// The message of what it threw.
    Threw(String),
}

/// What `JSON.stringify(value)` makes of a value, its text not yet copied out of V8.
pub fn stringify_value(value: Unknown) -> Result<StringifiedValue, Error> {
    let env = value.value().env;
    let stringify = reference_value(env, env_refs(env)?.stringify)?;
    Ok(match call(env, stringify, value.raw())? {
        Err(message) => StringifiedValue::Threw(message),
        Ok(text) => {
            // SAFETY: `text` is the value V8 just returned in `env`, live for the current call.
            let text = unsafe { Unknown::from_raw_unchecked(env, text) };
            match text.get_type() {
                Ok(ValueType::String) => StringifiedValue::Text(text),
                _ => StringifiedValue::Undefined,
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

/// Throws `error` as an `Error` whose `name` is `name` (one of the SDK's error classes), with its `code` and
/// message. Best effort: should any step fail, nothing is pending and the caller's coded error is thrown.
pub fn throw_named(env: &Env, name: &str, error: &Error) {
    let made = (|| -> napi::Result<()> {
        let code = env.create_string(error.code.as_str())?;
        let message = env.create_string(&error.message)?;
        let mut value = ptr::null_mut();
        // SAFETY: `code` and `message` are strings of this call's environment; `value` is a local
        // out-parameter.
        let status =
            unsafe { sys::napi_create_error(env.raw(), code.raw(), message.raw(), &mut value) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_status(napi::Status::GenericFailure));
        }
        let mut object = Object::from_raw(env.raw(), value);
        object.set_named_property("name", name)?;
        // SAFETY: `value` is an error object of this environment, and nothing is pending yet.
        let status = unsafe { sys::napi_throw(env.raw(), value) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_status(napi::Status::GenericFailure));
        }
        Ok(())
    })();
    let _ = made;
}

/// Throws `error` with its code now and returns the napi-rs error that says one is pending.
pub fn thrown(env: &Env, error: Error) -> napi::Error {
    match env.throw_error(&error.message, Some(error.code.as_str())) {
        Ok(()) => napi::Error::new(napi::Status::PendingException, error.message),
        Err(_) => napi::Error::from_reason(error.message),
    }
}
