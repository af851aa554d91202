//! `SessionCookies` and the cookie helpers for JavaScript: thin glue over `session_seal_core::cookies`.
//!
//! A cookie jar crosses the boundary in one piece: a `Cookie` header as a string, anything else as the
//! JSON text of its `getAll()` (or of itself), produced by V8's own `JSON.stringify`. Results come back
//! the same way, through one `JSON.parse`.

use napi::bindgen_prelude::{Unknown, ValueType};
use napi::{Env, JsValue};
use napi_derive::napi;

use super::args;
use super::js::{type_word, Code, Js, Raw};
use super::{guard, warn_if_short_secret};
use session_seal_core::cipher::{CipherOptions, SessionCipher};
use session_seal_core::claims::system_seconds;
use session_seal_core::cookies::{
    self, jar_too_large, set_cookies_json, CookieConfig, Jar, Plan, SameSite, SetCookie,
    SetCookieOptions, MAX_JAR_BYTES,
};
use session_seal_core::error::{invalid_arg_type, invalid_arg_value, Error};

/// The cookie layer of the SDK's session stores: reads a request's cookies, plans the `Set-Cookie` list.
#[napi]
pub struct SessionCookies {
    inner: cookies::SessionCookies,
}

#[napi]
impl SessionCookies {
    #[napi(constructor, ts_args_type = "options: SessionCookiesOptions")]
    pub fn new(env: &Env, options: Unknown) -> napi::Result<Self, Code> {
        guard(|| {
            let js = Js::new(env);
            let options = js
                .options_object(Some(options.raw()), "options")?
                .ok_or_else(|| {
                    invalid_arg_type(
                        "new SessionCookies(options) needs an options object with a secret",
                    )
                })?;
            let secrets = args::secrets(&js, js.get(options, c"secret")?)?;
            let inner = cookies::SessionCookies::new(
                &secrets,
                args::cipher_options(&js, options)?,
                cookie_config(&js, options)?,
            )?;
            warn_if_short_secret(&js, inner.cipher().ring())?;
            Ok(SessionCookies { inner })
        })
    }

    /// The session as the SDK's stateless store reads it (chunks joined, v3 converted, `__FC_i`
    /// connection token sets added), or `null`; like `auth0.getSession()`, `null` once the IdP session
    /// ceiling (`internal.sessionExpiresAt`, 30 s early) is reached. Bad or expired cookies never throw.
    #[napi(
        ts_args_type = "cookies: CookieInput, options?: ReadOptions",
        ts_return_type = "SessionData | null"
    )]
    pub fn read<'env>(
        &self,
        env: &'env Env,
        cookies: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let clock = args::clock(&js, self.inner.cipher(), options.map(|o| o.raw()))?;
            let Some(jar) = args::none_if_too_large(jar(&js, cookies.raw()))? else {
                return Ok(js.unknown(js.null()?));
            };
            let value = match self.inner.read(&jar, clock) {
                Some(session) => js.parse(&session)?,
                None => js.null()?,
            };
            Ok(js.unknown(value))
        })
    }

    /// What the session cookie of a jar is made of (for debugging and the `session-seal inspect` command):
    /// the cookie and its chunks, their size, the format, which secret opened it, the payload and the
    /// session — or the coded error that keeps it shut. `null` when the jar holds no session cookie.
    #[napi(
        ts_args_type = "cookies: CookieInput, options?: ReadOptions",
        ts_return_type = "Inspection | null"
    )]
    pub fn inspect<'env>(
        &self,
        env: &'env Env,
        cookies: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let clock = args::clock(&js, self.inner.cipher(), options.map(|o| o.raw()))?;
            let jar = jar(&js, cookies.raw())?;
            let value = match session_seal_core::inspect::inspect(&self.inner, &jar, clock) {
                Some(report) => js.parse(&report.to_string())?,
                None => js.null()?,
            };
            Ok(js.unknown(value))
        })
    }

    /// The `Set-Cookie` list the SDK's stateless store writes for `session`, given the request's cookies.
    #[napi(
        ts_args_type = "session: SessionData, cookies: CookieInput, options?: WriteOptions",
        ts_return_type = "SetCookie[]"
    )]
    pub fn write<'env>(
        &self,
        env: &'env Env,
        session: Unknown,
        cookies: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let outcome = self.write_outcome(&js, session.raw(), cookies.raw(), options)?;
            Ok(js.unknown(js.parse(&set_cookies_json(&outcome.cookies))?))
        })
    }

    /// `write`, plus the size budget: the bytes set for the session (`name=value` summed, as the SDK
    /// counts), whether that reaches the SDK's 4096-byte warning, connection-token cookies over 4096
    /// bytes, and the request's `Cookie` header after the write (for read-after-write in middleware).
    #[napi(
        ts_args_type = "session: SessionData, cookies: CookieInput, options?: WriteOptions",
        ts_return_type = "WriteResult"
    )]
    pub fn write_with_budget<'env>(
        &self,
        env: &'env Env,
        session: Unknown,
        cookies: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let outcome = self.write_outcome(&js, session.raw(), cookies.raw(), options)?;
            let result = format!(
                "{{\"cookies\":{},\"bytes\":{},\"overBudget\":{},\"oversizedCookies\":{},\"requestCookieHeader\":{}}}",
                set_cookies_json(&outcome.cookies),
                outcome.bytes,
                outcome.over_budget,
                json(&outcome.oversized_cookies),
                json(&outcome.jar.to_header()),
            );
            Ok(js.unknown(js.parse(&result)?))
        })
    }

    /// The deletions the SDK's stateless store emits to sign out.
    #[napi(ts_args_type = "cookies: CookieInput", ts_return_type = "SetCookie[]")]
    pub fn clear<'env>(
        &self,
        env: &'env Env,
        cookies: Unknown,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let jar = jar(&js, cookies.raw())?;
            Ok(js.unknown(js.parse(&set_cookies_json(&self.inner.clear(&jar)))?))
        })
    }

    /// Stateful sessions: the id in the session cookie (a v4 JWE of `{ id }`, or a v3 signed
    /// `appSession` cookie), or `null`.
    #[napi(
        ts_args_type = "cookies: CookieInput, options?: ReadOptions",
        ts_return_type = "string | null"
    )]
    pub fn read_session_id<'env>(
        &self,
        env: &'env Env,
        cookies: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let clock = args::clock(&js, self.inner.cipher(), options.map(|o| o.raw()))?;
            let Some(jar) = args::none_if_too_large(jar(&js, cookies.raw()))? else {
                return Ok(js.unknown(js.null()?));
            };
            let value = match self.inner.read_session_id(&jar, clock) {
                Some(id) => js.create_string(&id)?,
                None => js.null()?,
            };
            Ok(js.unknown(value))
        })
    }

    /// Stateful sessions: the cookie for session `id` (`null`: a new random id), with the rolling
    /// `maxAge` from `createdAt`; returns the id and the `Set-Cookie` list.
    #[napi(
        ts_args_type = "id: string | null, createdAt: number, cookies: CookieInput, options?: ReadOptions",
        ts_return_type = "SessionIdWriteResult"
    )]
    pub fn write_session_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        created_at: Unknown,
        cookies: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let now = cookies::epoch(args::now(&js, options.map(|o| o.raw()))?)?;
            let id = match js.type_of(id.raw())? {
                ValueType::Null | ValueType::Undefined => None,
                ValueType::String => match js.string(id.raw())? {
                    id if id.is_empty() => {
                        return Err(invalid_arg_value(
                            "id must be a non-empty string, or null for a new one",
                        ))
                    }
                    id => Some(id),
                },
                other => {
                    return Err(invalid_arg_type(format!(
                        "id must be a string or null, got {}",
                        type_word(other)
                    )))
                }
            };
            let created_at = args::epoch_seconds(&js, created_at.raw(), "createdAt")?;
            let jar = jar(&js, cookies.raw())?;
            let written = self
                .inner
                .write_session_id(id.as_deref(), created_at, &jar, now)?;
            let result = format!(
                "{{\"id\":{},\"cookies\":{}}}",
                json(&written.id),
                set_cookies_json(&written.cookies)
            );
            Ok(js.unknown(js.parse(&result)?))
        })
    }

    /// Stateful sessions: the deletions the SDK's stateful store emits, and the id to remove from the
    /// store (`null` when the cookie does not hold one).
    #[napi(
        ts_args_type = "cookies: CookieInput, options?: ReadOptions",
        ts_return_type = "SessionIdClearResult"
    )]
    pub fn clear_session_id<'env>(
        &self,
        env: &'env Env,
        cookies: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let clock = args::clock(&js, self.inner.cipher(), options.map(|o| o.raw()))?;
            let jar = jar(&js, cookies.raw())?;
            let (id, cookies) = self.inner.clear_session_id(&jar, clock);
            let result = format!(
                "{{\"id\":{},\"cookies\":{}}}",
                id.as_deref().map_or_else(|| "null".to_string(), json),
                set_cookies_json(&cookies)
            );
            Ok(js.unknown(js.parse(&result)?))
        })
    }
}

impl SessionCookies {
    fn write_outcome(
        &self,
        js: &Js,
        session: Raw,
        cookies: Raw,
        options: Option<Unknown>,
    ) -> Result<cookies::WriteOutcome, Error> {
        let options = js.options_object(options.map(|o| o.raw()), "options")?;
        let now = cookies::epoch(args::now(js, options)?)?;
        let validation = args::validation(js, options)?;
        let session = args::object_json(js, session, "session")?;
        let jar = jar(js, cookies)?;
        self.inner.write(&session, &jar, now, validation)
    }
}

/// A `Set-Cookie` header line for one entry, exactly as the SDK's `ResponseCookies` writes it
/// (`Expires` is `now + maxAge`; `now` defaults to the system clock).
#[napi(ts_args_type = "cookie: SetCookie, options?: ReadOptions")]
pub fn serialize_set_cookie(
    env: &Env,
    cookie: Unknown,
    options: Option<Unknown>,
) -> napi::Result<String, Code> {
    guard(|| {
        let js = Js::new(env);
        let now = match args::now(&js, options.map(|o| o.raw()))? {
            Some(now) => now,
            None => system_seconds(),
        };
        let text = args::object_json(&js, cookie.raw(), "cookie")?;
        SetCookie::from_json(&text)?.serialize(now)
    })
}

/// The SDK's `setChunkedCookie` on its own: the `Set-Cookie` list for writing `value` under `name` (in
/// 3500-character chunks when longer), given the request's cookies; for values sealed elsewhere.
#[napi(
    ts_args_type = "name: string, value: string, options: ChunkedCookieOptions, cookies: CookieInput",
    ts_return_type = "ChunkedCookiePlan"
)]
pub fn plan_chunked_cookie<'env>(
    env: &'env Env,
    name: Unknown,
    value: Unknown,
    options: Unknown,
    cookies: Unknown,
) -> napi::Result<Unknown<'env>, Code> {
    guard(|| {
        let js = Js::new(env);
        let name = string(&js, name.raw(), "name")?;
        cookies::check_cookie_name(&name, "name")?;
        let len = match js.type_of(value.raw())? {
            ValueType::String => js.utf8_len(value.raw())?,
            other => {
                return Err(invalid_arg_type(format!(
                    "value must be a string, got {}",
                    type_word(other)
                )))
            }
        };
        if len > MAX_JAR_BYTES {
            return Err(jar_too_large(len));
        }
        let value = js.string(value.raw())?;
        let (options, transient) = chunked_options(&js, options.raw())?;
        let mut jar = jar(&js, cookies.raw())?;
        let mut plan = Plan::default();
        let bytes =
            cookies::set_chunked_cookie(&name, &value, &options, transient, &mut jar, &mut plan)?;
        let result = format!(
            "{{\"cookies\":{},\"bytes\":{bytes},\"requestCookieHeader\":{}}}",
            set_cookies_json(&plan.into_vec()),
            json(&jar.to_header())
        );
        Ok(js.unknown(js.parse(&result)?))
    })
}

/// The SDK's `generateSessionCookie` (`@auth0/nextjs-auth0/testing`): a session cookie valid for one
/// hour, `internal` defaulting to `{ sid: "auth0-sid", createdAt: now }`.
#[napi(
    ts_args_type = "session: Partial<SessionData>, config: GenerateSessionCookieConfig",
    ts_return_type = "Promise<string>"
)]
pub fn generate_session_cookie<'env>(
    env: &'env Env,
    session: Unknown,
    config: Unknown,
) -> napi::Result<Unknown<'env>, Code> {
    guard(|| {
        let js = Js::new(env);
        let outcome = (|| {
            let session = args::object_json(&js, session.raw(), "session")?;
            let (cipher, now) = test_cipher(&js, config.raw())?;
            cookies::generate_session_cookie(&cipher, &session, now)
        })()
        .and_then(|cookie| js.create_string(&cookie));
        Ok(js.unknown(js.settled_promise(outcome)?))
    })
}

/// The stateful counterpart of `generateSessionCookie`: a session cookie holding `{ id }` for one hour.
#[napi(
    ts_args_type = "id: string, config: GenerateSessionCookieConfig",
    ts_return_type = "Promise<string>"
)]
pub fn generate_stateful_session_cookie<'env>(
    env: &'env Env,
    id: Unknown,
    config: Unknown,
) -> napi::Result<Unknown<'env>, Code> {
    guard(|| {
        let js = Js::new(env);
        let outcome = (|| {
            let id = string(&js, id.raw(), "id")?;
            if id.is_empty() {
                return Err(invalid_arg_value("id must be a non-empty string"));
            }
            let (cipher, now) = test_cipher(&js, config.raw())?;
            cookies::generate_session_id_cookie(&cipher, &id, now)
        })()
        .and_then(|cookie| js.create_string(&cookie));
        Ok(js.unknown(js.settled_promise(outcome)?))
    })
}

// ---------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------

/// `CookieInput`: a `Cookie` header; `null`/`undefined` (no cookies); an object with `getAll()`; a
/// `{ name, value }` list; or a `name → value` object.
fn jar(js: &Js, value: Raw) -> Result<Jar, Error> {
    match js.type_of(value)? {
        ValueType::Undefined | ValueType::Null => Ok(Jar::new()),
        ValueType::String => {
            let len = js.utf8_len(value)?;
            if len > MAX_JAR_BYTES {
                return Err(jar_too_large(len));
            }
            Ok(Jar::parse_header(&js.string(value)?))
        }
        ValueType::Object => {
            refuse_what_is_not_a_jar(js, value)?;
            let list = match js.call_method(value, c"getAll")? {
                None => value,
                Some(Ok(list)) => list,
                Some(Err(message)) => {
                    return Err(invalid_arg_value(format!(
                        "cookies.getAll() threw: {message}"
                    )))
                }
            };
            refuse_oversized(js, list)?;
            match js.stringify(list)? {
                // A `Headers` or a `Map` stringifies to `{}`: refuse it rather than read no cookies.
                Ok(Some(text)) if text == "{}" && has_method(js, value, c"get")? => {
                    Err(invalid_arg_type(
                        "cookies looks like a Headers or Map object: pass headers.get('cookie'), a \
                         { name, value } list or an object with getAll()",
                    ))
                }
                Ok(Some(text)) => Jar::from_json(&text),
                Ok(None) => Err(invalid_arg_type("cookies.getAll() must return a list")),
                Err(message) => Err(invalid_arg_value(format!(
                    "cookies cannot be serialized to JSON: {message}"
                ))),
            }
        }
        other => Err(invalid_arg_type(format!(
            "cookies must be a Cookie header string, a name → value object, a {{ name, value }} list \
             or an object with getAll(), got {}",
            type_word(other)
        ))),
    }
}

/// Two mistakes that would otherwise read as a jar without cookies: a Promise (Next.js 15 made `cookies()`
/// async) and a request (`NextRequest`, `Request`, the Pages Router's `req`: an object with `headers`
/// and no `getAll()`; a cookie called `headers` holds a string).
fn refuse_what_is_not_a_jar(js: &Js, value: Raw) -> Result<(), Error> {
    if js.is_promise(value)? {
        return Err(invalid_arg_type(
            "cookies is a Promise: did you forget `await cookies()`? Pass the cookie jar it resolves to",
        ));
    }
    if !has_method(js, value, c"getAll")?
        && js.type_of(js.get(value, c"headers")?)? == ValueType::Object
    {
        return Err(invalid_arg_type(
            "cookies is a request, not its cookies: pass request.cookies (NextRequest, NextApiRequest), \
             or the Cookie header (request.headers.get('cookie'), req.headers.cookie)",
        ));
    }
    Ok(())
}

/// Refuses a list or object jar whose names and values already sum past `MAX_JAR_BYTES`, before V8
/// serializes it (audit finding L4). Lengths are in UTF-16 units, V8 knows them without a scan, and they
/// never exceed the bytes of the JSON text the cap is otherwise applied to. A getter that throws stops the
/// count; serialization then meets it again and reports it.
fn refuse_oversized(js: &Js, list: Raw) -> Result<(), Error> {
    let mut total = 0usize;
    let mut add = |value: Option<Raw>| -> Result<bool, Error> {
        match value {
            None => Ok(false),
            Some(value) => {
                if js.type_of(value)? == ValueType::String {
                    total += js.utf16_len(value)?;
                }
                if total > MAX_JAR_BYTES {
                    return Err(jar_too_large(total));
                }
                Ok(true)
            }
        }
    };
    if js.is_array(list)? {
        let len = js.array_len(list)? as usize;
        // Each entry adds at least `{"name":"","value":""},` (23 bytes) to the JSON.
        if len > MAX_JAR_BYTES / 23 {
            return Err(jar_too_large(len * 23));
        }
        for index in 0..len as u32 {
            let item = js.element(list, index)?;
            if js.type_of(item)? != ValueType::Object {
                continue;
            }
            for name in [c"name", c"value"] {
                if !add(js.try_get_named(item, name)?)? {
                    return Ok(());
                }
            }
        }
    } else if js.type_of(list)? == ValueType::Object {
        let keys = js.own_keys(list)?;
        let len = js.array_len(keys)? as usize;
        // Each member adds at least `"":"",` (6 bytes).
        if len > MAX_JAR_BYTES / 6 {
            return Err(jar_too_large(len * 6));
        }
        for index in 0..len as u32 {
            let key = js.element(keys, index)?;
            add(Some(key))?;
            if !add(js.try_get(list, key)?)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

fn has_method(js: &Js, object: Raw, name: &std::ffi::CStr) -> Result<bool, Error> {
    Ok(js.type_of(js.get(object, name)?)? == ValueType::Function)
}

fn cookie_config(js: &Js, options: Raw) -> Result<CookieConfig, Error> {
    let mut config = CookieConfig::default();
    let some = Some(options);
    if let Some(rolling) = js.option(some, c"rolling")? {
        config.rolling = boolean(js, rolling, "options.rolling")?;
    }
    if let Some(value) = js.option(some, c"absoluteDuration")? {
        config.absolute_duration = js.expect_number(value, "options.absoluteDuration")?;
    }
    if let Some(value) = js.option(some, c"inactivityDuration")? {
        config.inactivity_duration = js.expect_number(value, "options.inactivityDuration")?;
    }
    let cookie = match js.option(some, c"cookieOptions")? {
        Some(value) => js.options_object(Some(value), "options.cookieOptions")?,
        None => None,
    };
    let name = match js.option(some, c"cookieName")? {
        Some(name) => Some(name),
        None => js.option(cookie, c"name")?,
    };
    if let Some(name) = name {
        config.name = string(js, name, "options.cookieName")?;
    }
    if let Some(same_site) = js.option(cookie, c"sameSite")? {
        config.same_site = same_site_value(js, same_site, "options.cookieOptions.sameSite")?;
    }
    if let Some(secure) = js.option(cookie, c"secure")? {
        config.secure = boolean(js, secure, "options.cookieOptions.secure")?;
    }
    if let Some(path) = js.option(cookie, c"path")? {
        config.path = string(js, path, "options.cookieOptions.path")?;
    }
    if let Some(domain) = js.option(cookie, c"domain")? {
        config.domain = Some(string(js, domain, "options.cookieOptions.domain")?);
    }
    if let Some(transient) = js.option(cookie, c"transient")? {
        config.transient = boolean(js, transient, "options.cookieOptions.transient")?;
    }
    Ok(config)
}

/// `planChunkedCookie`'s options: the store's defaults (`httpOnly: true`, `sameSite: "lax"`,
/// `secure: false`, `path: "/"`) where absent.
fn chunked_options(js: &Js, options: Raw) -> Result<(SetCookieOptions, bool), Error> {
    let options = js.options_object(Some(options), "options")?;
    let mut result = SetCookieOptions {
        http_only: true,
        same_site: Some(SameSite::Lax),
        secure: false,
        path: "/".to_string(),
        domain: None,
        max_age: None,
    };
    if let Some(value) = js.option(options, c"httpOnly")? {
        result.http_only = boolean(js, value, "options.httpOnly")?;
    }
    if let Some(value) = js.option(options, c"sameSite")? {
        result.same_site = Some(same_site_value(js, value, "options.sameSite")?);
    }
    if let Some(value) = js.option(options, c"secure")? {
        result.secure = boolean(js, value, "options.secure")?;
    }
    if let Some(value) = js.option(options, c"path")? {
        result.path = string(js, value, "options.path")?;
    }
    if let Some(value) = js.option(options, c"domain")? {
        result.domain = Some(string(js, value, "options.domain")?).filter(|d| !d.is_empty());
    }
    if let Some(value) = js.option(options, c"maxAge")? {
        result.max_age = Some(js.expect_number(value, "options.maxAge")?);
    }
    // The same header checks as a configured store.
    CookieConfig {
        path: result.path.clone(),
        domain: result.domain.clone(),
        ..CookieConfig::default()
    }
    .check()?;
    let transient = match js.option(options, c"transient")? {
        Some(value) => boolean(js, value, "options.transient")?,
        None => false,
    };
    Ok((result, transient))
}

/// `config.secret` and `config.now` of the test helpers.
fn test_cipher(js: &Js, config: Raw) -> Result<(SessionCipher, f64), Error> {
    let config = js
        .options_object(Some(config), "config")?
        .ok_or_else(|| invalid_arg_type("config must be an object with a secret"))?;
    let secrets = args::secrets(js, js.get(config, c"secret")?)?;
    let cipher = SessionCipher::new(&secrets, CipherOptions::default())?;
    warn_if_short_secret(js, cipher.ring())?;
    let now = match js.option(Some(config), c"now")? {
        Some(now) => args::epoch_seconds(js, now, "config.now")?,
        None => system_seconds(),
    };
    Ok((cipher, now))
}

fn string(js: &Js, value: Raw, name: &str) -> Result<String, Error> {
    match js.type_of(value)? {
        ValueType::String => js.string(value),
        other => Err(invalid_arg_type(format!(
            "{name} must be a string, got {}",
            type_word(other)
        ))),
    }
}

fn boolean(js: &Js, value: Raw, name: &str) -> Result<bool, Error> {
    match js.type_of(value)? {
        ValueType::Boolean => js.boolean(value),
        other => Err(invalid_arg_type(format!(
            "{name} must be a boolean, got {}",
            type_word(other)
        ))),
    }
}

fn same_site_value(js: &Js, value: Raw, name: &str) -> Result<SameSite, Error> {
    SameSite::parse(&string(js, value, name)?)
        .ok_or_else(|| invalid_arg_value(format!("{name} must be \"lax\", \"strict\" or \"none\"")))
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("strings and lists of strings serialize")
}
