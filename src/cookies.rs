//! `SessionCookies` for JavaScript: thin glue over `session_seal_core::cookies`. A jar crosses the boundary
//! in one piece (`jar`); sessions come back through V8's `JSON.parse`, `Set-Cookie` lists as typed objects.

use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use napi_derive::napi;

use crate::args::{self, ReadOptions, Secrets};
use crate::js::{typed_argument, FromJs, Json};
use crate::set_cookie::list;
use crate::{guard, jar, warn_if_short_secret, Code};
use session_seal_core::cipher::CipherOptions;
use session_seal_core::cookies::{self, CookieConfig, StoreOptions};
use session_seal_core::error::{invalid_arg_type, Error};
use session_seal_core::input::{absent_if_too_large, wrong_type};
use session_seal_core::inspect;
use session_seal_core::session::Validation;

/// `cookieOptions` of `new SessionCookies`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SessionCookieOptions {
    /// Default `"lax"`.
    #[napi(ts_type = "'lax' | 'strict' | 'none'")]
    pub same_site: Option<String>,
    /// Default `false`.
    pub secure: Option<bool>,
    /// Default `"/"`.
    pub path: Option<String>,
    pub domain: Option<String>,
    /// Browser-session cookies: the session cookie gets no `maxAge`.
    pub transient: Option<bool>,
    /// The SDK's spelling of `cookieName`.
    pub name: Option<String>,
}

/// Options of `new SessionCookies`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SessionCookiesOptions {
    /// The secret (AUTH0_SECRET), or a list: the first seals, every one unseals (rotation).
    #[napi(ts_type = "string | string[]")]
    pub secret: Secrets,
    /// Default `"__session"`.
    pub cookie_name: Option<String>,
    /// Default `true`: each write extends the session by `inactivityDuration`, up to `absoluteDuration`.
    pub rolling: Option<bool>,
    /// Seconds from `internal.createdAt`. Default 259200 (3 days).
    pub absolute_duration: Option<f64>,
    /// Seconds. Default 86400 (1 day).
    pub inactivity_duration: Option<f64>,
    pub cookie_options: Option<SessionCookieOptions>,
    /// Seconds of slack for `exp` and `nbf`. Default 15, as the SDK.
    pub clock_tolerance: Option<f64>,
    /// Cookie values (a joined chunked cookie included) longer than this are not read. Default 65536.
    pub max_cookie_bytes: Option<f64>,
}

impl FromJs for SessionCookiesOptions {
    fn from_js(value: Unknown) -> Result<Self, Error> {
        let object = args::options(value, "options")?.ok_or_else(|| {
            invalid_arg_type("new SessionCookies(options) needs an options object with a secret")
        })?;
        let secret = Secrets::from_js(args::get(&object, c"secret")?)?;
        let o = Some(&object);
        // Read in this order, so the first wrong member is the one reported.
        let clock_tolerance = args::optional(o, c"clockTolerance", "options", args::number)?;
        let max_cookie_bytes = args::optional(o, c"maxCookieBytes", "options", args::number)?;
        let rolling = args::optional(o, c"rolling", "options", args::boolean)?;
        let absolute_duration = args::optional(o, c"absoluteDuration", "options", args::number)?;
        let inactivity_duration =
            args::optional(o, c"inactivityDuration", "options", args::number)?;
        let cookie = match args::member(&object, c"cookieOptions")? {
            Some(value) => args::options(value, "options.cookieOptions")?,
            None => None,
        };
        let c = cookie.as_ref();
        let cookie_name = args::optional(o, c"cookieName", "options", args::string)?;
        let name = match cookie_name {
            Some(_) => None,
            None => args::optional(c, c"name", "options", |v, _| {
                args::string(v, "options.cookieName")
            })?,
        };
        let prefix = "options.cookieOptions";
        Ok(SessionCookiesOptions {
            secret,
            cookie_name,
            rolling,
            absolute_duration,
            inactivity_duration,
            cookie_options: Some(SessionCookieOptions {
                same_site: args::optional(c, c"sameSite", prefix, args::string)?,
                secure: args::optional(c, c"secure", prefix, args::boolean)?,
                path: args::optional(c, c"path", prefix, args::string)?,
                domain: args::optional(c, c"domain", prefix, args::string)?,
                transient: args::optional(c, c"transient", prefix, args::boolean)?,
                name,
            }),
            clock_tolerance,
            max_cookie_bytes,
        })
    }
}

/// Options of `write` and `writeWithBudget`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct WriteOptions {
    /// The current time in seconds since the epoch (default: the system clock); milliseconds are refused.
    pub now: Option<f64>,
    /// Default `"sdk"`: refuse only what breaks the SDK. `"strict"`: the SessionData types in full.
    #[napi(ts_type = "Validation")]
    pub validate: Option<Validation>,
}

impl FromJs for WriteOptions {
    fn from_js(value: Unknown) -> Result<Self, Error> {
        let options = args::options(value, "options")?;
        let o = options.as_ref();
        Ok(WriteOptions {
            now: args::optional(o, c"now", "options", args::epoch_seconds)?,
            validate: args::optional(o, c"validate", "options", args::validation)?,
        })
    }
}

typed_argument!(SessionCookiesOptions, WriteOptions);

/// What `writeWithBudget` plans, and what the SDK would say about its size.
#[napi(object, object_from_js = false)]
pub struct WriteResult {
    /// What `write` returns.
    #[napi(ts_type = "SetCookie[]")]
    pub cookies: Json,
    /// Bytes of the session cookie(s) set, `name=value` summed in UTF-8 (what the SDK's `setChunkedCookie` returns).
    pub bytes: u32,
    /// `bytes >= 4096`: the SDK's threshold for its "431 Request Header Fields Too Large" warning.
    pub over_budget: bool,
    /// `__FC_i` cookies whose `Set-Cookie` line is 4096 bytes or more (the SDK warns for each).
    pub oversized_cookies: Vec<String>,
    /// The request's `Cookie` header after the write, as the SDK leaves it for read-after-write.
    pub request_cookie_header: String,
}

/// What `writeSessionId` writes.
#[napi(object, object_from_js = false)]
pub struct SessionIdWriteResult {
    /// The session id the cookie holds: the one given, or a new one (32 hex characters).
    pub id: String,

    #[napi(ts_type = "SetCookie[]")]
    pub cookies: Json,
}

/// What `clearSessionId` deletes.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct SessionIdClearResult {
    /// The id in the v4 session cookie, to delete from your store; `null` when there is none.
    pub id: Option<String>,

    #[napi(ts_type = "SetCookie[]")]
    pub cookies: Json,
}

/// The cookie layer of the SDK's session stores: reads a request's cookies, plans the `Set-Cookie` list.
#[napi]
pub struct SessionCookies {
    inner: cookies::SessionCookies,
}

#[napi]
impl SessionCookies {
    #[napi(constructor)]
    pub fn new(env: &Env, options: SessionCookiesOptions) -> napi::Result<Self, Code> {
        guard(|| {
            let cipher = CipherOptions::new(options.clock_tolerance, options.max_cookie_bytes)?;
            let cookie = options.cookie_options.unwrap_or(SessionCookieOptions {
                same_site: None,
                secure: None,
                path: None,
                domain: None,
                transient: None,
                name: None,
            });
            let config = CookieConfig::new(StoreOptions {
                rolling: options.rolling,
                absolute_duration: options.absolute_duration,
                inactivity_duration: options.inactivity_duration,
                cookie_name: options.cookie_name,
                cookie: cookies::SessionCookieOptions {
                    name: cookie.name,
                    same_site: cookie.same_site,
                    secure: cookie.secure,
                    path: cookie.path,
                    domain: cookie.domain,
                    transient: cookie.transient,
                },
            })?;
            let inner = cookies::SessionCookies::new(&options.secret.0, cipher, config)?;
            warn_if_short_secret(env, inner.cipher().ring())?;
            Ok(SessionCookies { inner })
        })
    }

    /// The session as the SDK's stateless store reads it (chunks joined, v3 converted, `__FC_i`
    /// connection token sets added), or `null`; like `auth0.getSession()`, `null` once the IdP session
    /// ceiling (`internal.sessionExpiresAt`, 30 s early) is reached. Bad or expired cookies never throw.
    #[napi(ts_return_type = "SessionData | null")]
    pub fn read(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<Option<Json>, Code> {
        guard(|| {
            let clock = ReadOptions::clock(&options, self.inner.cipher())?;
            let Some(jar) = absent_if_too_large(jar::jar(env, cookies))? else {
                return Ok(None);
            };
            Ok(self.inner.read(&jar, clock).map(Json))
        })
    }

    /// What the session cookie of a jar is made of (for debugging and the `session-seal inspect` command):
    /// the cookie and its chunks, their size, the format, which secret opened it, the payload and the
    /// session — or the coded error that keeps it shut. `null` when the jar holds no session cookie.
    #[napi(ts_return_type = "Inspection | null")]
    pub fn inspect(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<Option<Json>, Code> {
        guard(|| {
            let clock = ReadOptions::clock(&options, self.inner.cipher())?;
            let jar = jar::jar(env, cookies)?;
            Ok(inspect::inspect(&self.inner, &jar, clock).map(|report| Json(report.to_string())))
        })
    }

    /// The `Set-Cookie` list the SDK's stateless store writes for `session`, given the request's cookies.
    #[napi(ts_return_type = "SetCookie[]")]
    pub fn write(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "WriteOptions")] options: Option<WriteOptions>,
    ) -> napi::Result<Json, Code> {
        guard(|| {
            Ok(list(
                &self.write_outcome(env, session, cookies, options)?.cookies,
            ))
        })
    }

    /// `write`, plus the size budget: the bytes set for the session (`name=value` summed, as the SDK
    /// counts), whether that reaches the SDK's 4096-byte warning, connection-token cookies over 4096
    /// bytes, and the request's `Cookie` header after the write (for read-after-write in middleware).
    #[napi]
    pub fn write_with_budget(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "WriteOptions")] options: Option<WriteOptions>,
    ) -> napi::Result<WriteResult, Code> {
        guard(|| {
            let outcome = self.write_outcome(env, session, cookies, options)?;
            Ok(WriteResult {
                request_cookie_header: outcome.jar.to_header(),
                cookies: list(&outcome.cookies),
                bytes: outcome.bytes as u32,
                over_budget: outcome.over_budget,
                oversized_cookies: outcome.oversized_cookies,
            })
        })
    }

    /// The deletions the SDK's stateless store emits to sign out.
    #[napi(ts_return_type = "SetCookie[]")]
    pub fn clear(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
    ) -> napi::Result<Json, Code> {
        guard(|| Ok(list(&self.inner.clear(&jar::jar(env, cookies)?))))
    }

    /// Stateful sessions: the id in the session cookie (a v4 JWE of `{ id }`, or a v3 signed
    /// `appSession` cookie), or `null`.
    #[napi]
    pub fn read_session_id(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<Option<String>, Code> {
        guard(|| {
            let clock = ReadOptions::clock(&options, self.inner.cipher())?;
            let Some(jar) = absent_if_too_large(jar::jar(env, cookies))? else {
                return Ok(None);
            };
            Ok(self.inner.read_session_id(&jar, clock))
        })
    }

    /// Stateful sessions: the cookie for session `id` (`null`: a new random id), with the rolling
    /// `maxAge` from `createdAt`; returns the id and the `Set-Cookie` list.
    #[napi]
    pub fn write_session_id(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string | null")] id: Unknown,
        #[napi(ts_arg_type = "number")] created_at: Unknown,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<SessionIdWriteResult, Code> {
        guard(|| {
            let now = cookies::epoch(ReadOptions::now(&options))?;
            let id = match args::kind(id)? {
                ValueType::Null | ValueType::Undefined => None,
                ValueType::String => Some(crate::js::string(id)?),
                other => return Err(wrong_type("id", "a string or null", args::type_word(other))),
            };
            cookies::check_session_id(id.as_deref())?;
            let created_at = args::epoch_seconds(created_at, "createdAt")?;
            let jar = jar::jar(env, cookies)?;
            let written = self
                .inner
                .write_session_id(id.as_deref(), created_at, &jar, now)?;
            Ok(SessionIdWriteResult {
                id: written.id,
                cookies: list(&written.cookies),
            })
        })
    }

    /// Stateful sessions: the deletions the SDK's stateful store emits, and the id to remove from the
    /// store (`null` when the cookie does not hold one).
    #[napi]
    pub fn clear_session_id(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<SessionIdClearResult, Code> {
        guard(|| {
            let clock = ReadOptions::clock(&options, self.inner.cipher())?;
            let jar = jar::jar(env, cookies)?;
            let (id, cookies) = self.inner.clear_session_id(&jar, clock);
            Ok(SessionIdClearResult {
                id,
                cookies: list(&cookies),
            })
        })
    }
}

impl SessionCookies {
    fn write_outcome(
        &self,
        env: &Env,
        session: Unknown,
        cookies: Unknown,
        options: Option<WriteOptions>,
    ) -> Result<cookies::WriteOutcome, Error> {
        let (now, validation) = match options {
            Some(o) => (o.now, o.validate.unwrap_or_default()),
            None => (None, Validation::default()),
        };
        let now = cookies::epoch(now)?;
        let session = args::object_json(session, "session")?;
        let jar = jar::jar(env, cookies)?;
        self.inner.write(&session, &jar, now, validation)
    }
}
