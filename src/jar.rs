//! `CookieInput`: a request's cookies as the app has them, read into the core's `Jar` in one piece. A
//! `Cookie` header is taken as it is; a list or object (or what its `getAll()` returns) crosses as the JSON
//! text V8's own `JSON.stringify` writes, after its names and values are counted against the cap.

use napi::bindgen_prelude::{FromNapiValue, Object, Unknown};
use napi::bindgen_prelude::{Function, JsObjectValue, KeyCollectionMode, KeyConversion, KeyFilter};
use napi::{Env, ValueType};
use std::ffi::CStr;

use crate::args::{self, napi_failed, type_word};
use crate::{js, mistakes};
use session_seal_core::input::{not_serializable, Stringified};
use session_seal_core::stores::cookies::{check_jar_len, Jar, JarBudget};
use session_seal_core::Error;

/// A jar argument (`CookieInput`): a `Cookie` header; `null`/`undefined` (no cookies); an object with
/// `getAll()`; a `{ name, value }` list; or a `name → value` object. What is no jar at all (a Promise, a
/// request, a `Headers` or `Map`) is refused with what to pass instead.
pub fn jar(env: &Env, value: Unknown) -> Result<Jar, Error> {
    match args::kind(value)? {
        ValueType::Undefined | ValueType::Null => Ok(Jar::new()),
        ValueType::String => {
            check_jar_len(args::utf8_len(value)?)?;
            Ok(Jar::parse_header(&js::string(value)?))
        }
        ValueType::Object => {
            // A Promise first, without touching its members: Next.js warns when a property of the
            // `cookies()` Promise is read.
            if args::is_promise(value)? {
                return Err(mistakes::promise("cookies", Some("cookies()")));
            }
            let object = Object::from_unknown(value).map_err(napi_failed("object"))?;
            let get_all = method(&object, c"getAll")?;
            let from_get_all = get_all.is_some();
            // A request has an object `headers` (a cookie called `headers` holds a string).
            if get_all.is_none()
                && args::kind(args::get(&object, c"headers")?)? == ValueType::Object
            {
                return Err(mistakes::request_for_cookies());
            }
            let list = match get_all {
                None => value,
                Some(get_all) => match get_all.apply(object, ()) {
                    Ok(list) => list,
                    Err(_) => {
                        let message = js::take_exception(env)?
                            .unwrap_or_else(|| "a JavaScript exception".to_string());
                        return Err(mistakes::get_all_threw(&message));
                    }
                },
            };
            refuse_oversized(env, list)?;
            match js::stringify(list)? {
                // A `Headers` or a `Map` stringifies so: refused rather than read as a jar without cookies.
                Stringified::Text(text) if text == "{}" && method(&object, c"get")?.is_some() => {
                    Err(mistakes::map_for_cookies())
                }
                // Errors name what the caller passed: its list, or the one its jar's getAll() returned.
                Stringified::Text(text) => Jar::from_json_named(
                    &text,
                    if from_get_all {
                        "cookies.getAll()"
                    } else {
                        "cookies"
                    },
                ),
                Stringified::Undefined => Err(mistakes::get_all_not_a_list()),
                Stringified::Threw(message) => Err(not_serializable("cookies", &message)),
            }
        }
        other => Err(mistakes::cookies_of_wrong_type(type_word(other))),
    }
}

/// `object[name]` when it is a function.
fn method<'env>(
    object: &Object<'env>,
    name: &CStr,
) -> Result<Option<Function<'env, (), Unknown<'env>>>, Error> {
    let value = args::get(object, name)?;
    if args::kind(value)? != ValueType::Function {
        return Ok(None);
    }
    Function::from_unknown(value)
        .map(Some)
        .map_err(napi_failed("function"))
}

/// Refuses a list or object jar whose names and values already sum past the cap, before V8 serializes it (so a
/// huge jar costs nothing to refuse). A getter that throws stops the count; serialization then meets it again and
/// reports it.
fn refuse_oversized(env: &Env, list: Unknown) -> Result<(), Error> {
    if args::kind(list)? != ValueType::Object {
        return Ok(());
    }
    let object = Object::from_unknown(list).map_err(napi_failed("object"))?;
    // The length of a string member (`None` when reading it threw, the exception cleared).
    let length = |value: napi::Result<Unknown>| -> Result<Option<usize>, Error> {
        match value {
            Err(_) => {
                js::take_exception(env)?;
                Ok(None)
            }
            Ok(value) if args::kind(value)? == ValueType::String => {
                args::utf16_len(value).map(Some)
            }
            Ok(_) => Ok(Some(0)),
        }
    };
    if args::is_array(list)? {
        let len = object
            .get_array_length_unchecked()
            .map_err(napi_failed("array length"))?;
        let mut budget = JarBudget::entries(len as usize, JarBudget::LIST_ENTRY_BYTES)?;
        for index in 0..len {
            let item: Unknown = object
                .get_element(index)
                .map_err(napi_failed("array element"))?;
            if args::kind(item)? != ValueType::Object {
                continue;
            }
            let item = Object::from_unknown(item).map_err(napi_failed("object"))?;
            for name in [c"name", c"value"] {
                match length(item.get_c_named_property::<Unknown>(name))? {
                    Some(len) => budget.add(len)?,
                    None => return Ok(()),
                }
            }
        }
    } else {
        let keys = object
            .get_all_property_names(
                KeyCollectionMode::OwnOnly,
                KeyFilter::Enumerable,
                KeyConversion::NumbersToStrings,
            )
            .map_err(napi_failed("own keys"))?;
        let len = keys
            .get_array_length_unchecked()
            .map_err(napi_failed("array length"))?;
        let mut budget = JarBudget::entries(len as usize, JarBudget::OBJECT_MEMBER_BYTES)?;
        for index in 0..len {
            let key: Unknown = keys
                .get_element(index)
                .map_err(napi_failed("array element"))?;
            // Symbol keys: JSON.stringify skips them too.
            if args::kind(key)? != ValueType::String {
                continue;
            }
            budget.add(args::utf16_len(key)?)?;
            match length(object.get_property::<Unknown, Unknown>(key))? {
                Some(len) => budget.add(len)?,
                None => return Ok(()),
            }
        }
    }
    Ok(())
}
