//! `Set-Cookie` entries for JavaScript: the `SetCookie` type the stores return, `serializeSetCookie` and
//! `planChunkedCookie` (the SDK's `setChunkedCookie` on its own).

use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use napi_derive::napi;

use crate::args::{self, ReadOptions};
use crate::js::{FromJs, Json};
use crate::options::{opt, read_options};
use crate::{guard, jar, Code};
use session_seal_core::input::wrong_type;
use session_seal_core::payload::system_seconds;
use session_seal_core::stores::cookies::{self, check_cookie_name, check_jar_len, Plan};

/// A `Set-Cookie` list for JavaScript, as one `JSON.parse` of the core's JSON text: at cookie-store sizes
/// (one entry per chunk swept) that is faster than building each entry and its options object through
/// Node-API (`bench/PROFILE.md`). Its type, `SetCookie[]`, is declared in `types/header.d.ts`.
pub fn list(cookies: &[cookies::SetCookie]) -> Json {
    Json(cookies::set_cookies_json(cookies))
}

/// A `Set-Cookie` header line for one entry, exactly as the SDK's `ResponseCookies` writes it
/// (`Expires` is `now + maxAge`; `now` defaults to the system clock).
#[napi]
pub fn serialize_set_cookie(
    #[napi(ts_arg_type = "SetCookie")] cookie: Unknown,
    #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
) -> napi::Result<String, Code> {
    guard(|| {
        let now = ReadOptions::now(&options).unwrap_or_else(system_seconds);
        let text = args::object_json(cookie, "cookie")?;
        cookies::SetCookie::from_json(&text)?.serialize(now)
    })
}

/// Options of `planChunkedCookie`: the stores' defaults where absent.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ChunkedCookieOptions {
    /// Default `true`.
    pub http_only: Option<bool>,
    /// Default `"lax"`.
    #[napi(ts_type = "'lax' | 'strict' | 'none'")]
    pub same_site: Option<String>,
    /// Default `false`.
    pub secure: Option<bool>,
    /// Default `"/"`.
    pub path: Option<String>,
    pub domain: Option<String>,
    pub max_age: Option<f64>,
    /// Drops `maxAge`.
    pub transient: Option<bool>,
}

read_options! {
    ChunkedCookieOptions in "options" as cookies::ChunkedCookieOptions {
        http_only: opt(args::boolean),
        same_site: opt(args::string),
        secure: opt(args::boolean),
        path: opt(args::string),
        domain: opt(args::string),
        max_age: opt(args::number),
        transient: opt(args::boolean),
    }
}

/// What `planChunkedCookie` plans.
#[napi(object, object_from_js = false)]
pub struct ChunkedCookiePlan {
    #[napi(ts_type = "SetCookie[]")]
    pub cookies: Json,
    /// `name=value` bytes set, summed over the chunks.
    pub bytes: u32,
    /// The request's `Cookie` header after the write.
    pub request_cookie_header: String,
}

/// The SDK's `setChunkedCookie` on its own: the `Set-Cookie` list for writing `value` under `name` (in
/// chunks when longer than a cookie holds), given the request's cookies; for values sealed elsewhere.
#[napi]
pub fn plan_chunked_cookie(
    env: &Env,
    #[napi(ts_arg_type = "string")] name: Unknown,
    #[napi(ts_arg_type = "string")] value: Unknown,
    #[napi(ts_arg_type = "ChunkedCookieOptions")] options: Unknown,
    #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
) -> napi::Result<ChunkedCookiePlan, Code> {
    guard(|| {
        let name = args::string(name, "name")?;
        check_cookie_name(&name, "name")?;
        match args::kind(value)? {
            ValueType::String => check_jar_len(args::utf8_len(value)?)?,
            other => return Err(wrong_type("value", "a string", args::type_word(other))),
        }
        let value = crate::js::string(value)?;
        let (options, transient) = cookies::ChunkedCookieOptions::from_js(options)?.resolve()?;
        let mut jar = jar::jar(env, cookies)?;
        let mut plan = Plan::default();
        let bytes =
            cookies::set_chunked_cookie(&name, &value, &options, transient, &mut jar, &mut plan)?;
        Ok(ChunkedCookiePlan {
            cookies: list(&plan.into_vec()),
            bytes: bytes as u32,
            request_cookie_header: jar.to_header(),
        })
    })
}
