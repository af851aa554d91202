//! `SessionCookies` for JavaScript: thin glue over `session_seal_core::stores::cookies`. A jar crosses the boundary
//! in one piece (`jar`); sessions come back through V8's `JSON.parse`, `Set-Cookie` lists as typed objects.

use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use napi_derive::napi;

use crate::args::{self, ReadOptions};
use crate::js::{FromJs, Json};
use crate::options::{nested, opt, read_options};
use crate::set_cookie::list;
use crate::stateful::{SessionLookup, StoredSessionDelete};
use crate::{guard, guard_named, jar, mistakes, size, warn_if_short_secret, warn_once, Code};
use session_seal_core::input::{absent_if_too_large, wrong_type};
use session_seal_core::jose::Secrets;
use session_seal_core::payload::Validation;
use session_seal_core::stores::cookies::inspect;
use session_seal_core::stores::cookies::{self, require_session};
use session_seal_core::Error;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// `cookieOptions` of `new SessionCookies`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SessionCookieOptions {
    /// The SDK's spelling of `cookieName`.
    pub name: Option<String>,
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
}

read_options! {
    SessionCookieOptions in "options.cookieOptions" as cookies::SessionCookieOptions {
        name: opt(args::string),
        same_site: opt(args::string),
        secure: opt(args::boolean),
        path: opt(args::string),
        domain: opt(args::string),
        transient: opt(args::boolean),
    }
}

/// Options of `new SessionCookies`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SessionCookiesOptions {
    /// The secret (AUTH0_SECRET), or a list: the first seals, every one unseals (rotation).
    #[napi(ts_type = "string | string[]")]
    pub secret: Secrets,
    /// Seconds of slack for `exp` and `nbf`. Default 15, as the SDK.
    pub clock_tolerance: Option<f64>,
    /// Cookie values (a joined chunked cookie included) longer than this are not read. Default 65536.
    pub max_cookie_bytes: Option<f64>,
    /// Default `true`: each write extends the session by `inactivityDuration`, up to `absoluteDuration`.
    pub rolling: Option<bool>,
    /// Seconds from `internal.createdAt`. Default 259200 (3 days).
    pub absolute_duration: Option<f64>,
    /// Seconds. Default 86400 (1 day).
    pub inactivity_duration: Option<f64>,
    /// Default `"__session"`.
    pub cookie_name: Option<String>,
    pub cookie_options: Option<cookies::SessionCookieOptions>,
    /// The app's Auth0 domain (`AUTH0_DOMAIN`, the SDK's `domain`): `getSession` and `updateSession`
    /// refuse a session created for another custom domain (`internal.mcd.domain`), as the SDK does.
    pub auth0_domain: Option<String>,
    /// What a write over a size limit (more than one cookie, a cookie over 4096 bytes, headers over 8 KB or
    /// 16 KB) does. Default `"warn"`: a process warning once per cause; `"throw"`: `ERR_SESSION_TOO_LARGE`,
    /// nothing written.
    #[napi(ts_type = "'warn' | 'throw'")]
    pub oversize: Option<String>,
}

read_options! {
    SessionCookiesOptions in "options"
        required "new SessionCookies(options) needs an options object with a secret"
        as cookies::SessionCookiesOptions
    {
        secret: args::secret,
        clock_tolerance: opt(args::number),
        max_cookie_bytes: opt(args::number),
        rolling: opt(args::boolean),
        absolute_duration: opt(args::number),
        inactivity_duration: opt(args::number),
        cookie_name: opt(args::string),
        cookie_options: opt(nested),
        auth0_domain: opt(args::string),
        oversize: opt(args::string),
    }
}

/// Options of `write`, `writeWithBudget` and `updateSession`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct WriteOptions {
    /// The current time in seconds since the epoch (default: the system clock); milliseconds are refused.
    pub now: Option<f64>,
    /// Default `"sdk"`: refuse only what breaks the SDK. `"strict"`: the SessionData types in full.
    #[napi(ts_type = "Validation")]
    pub validate: Option<Validation>,
}

read_options! {
    WriteOptions in "options" {
        now: opt(args::epoch_seconds),
        validate: opt(args::validation),
    }
}

impl WriteOptions {
    fn now_and_validation(options: Option<WriteOptions>) -> (Option<f64>, Validation) {
        options.map_or((None, Validation::default()), |o| {
            (o.now, o.validate.unwrap_or_default())
        })
    }
}

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

/// What `updateSession` wrote, in one crossing with the jar read once.
#[napi(object, object_from_js = false)]
pub struct SessionUpdate {
    /// The `Set-Cookie` list, in the SDK's order: apply it to the response.
    #[napi(ts_type = "SetCookie[]")]
    pub cookies: Json,
    /// The request's cookies after the write, as the SDK leaves them for read-after-write (proxy.ts): set
    /// each on the request's cookie jar, and delete the names it holds that are not here.
    #[napi(ts_type = "RequestCookie[]")]
    pub request_cookies: Json,
    /// The same cookies as a `Cookie` header (values encoded as Next.js's `RequestCookies` writes them): a
    /// Node.js request's `headers.cookie` after the write.
    pub request_cookie_header: String,
    /// The session written: `session` with `internal` kept from the current session, as the SDK stores it.
    #[napi(ts_type = "SessionData")]
    pub session: Json,
    /// Bytes of the session cookie(s) set, `name=value` summed in UTF-8 (what the SDK's `setChunkedCookie` returns).
    pub bytes: u32,
    /// `bytes >= 4096`: the SDK's threshold for its "431 Request Header Fields Too Large" warning.
    pub over_budget: bool,
    /// `__FC_i` cookies whose `Set-Cookie` line is 4096 bytes or more (the SDK warns for each).
    pub oversized_cookies: Vec<String>,
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
    /// Shared with the `SessionLookup`s it makes.
    pub(crate) inner: Arc<cookies::SessionCookies>,
}

#[napi]
impl SessionCookies {
    #[napi(constructor)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "SessionCookiesOptions")] options: Unknown,
    ) -> napi::Result<Self, Code> {
        guard(|| {
            let options = cookies::SessionCookiesOptions::from_js(options)?;
            let inner = cookies::SessionCookies::from_options(options)?;
            warn_if_short_secret(env, inner.cipher().ring())?;
            Ok(SessionCookies {
                inner: Arc::new(inner),
            })
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
    /// A session over a size limit (more than one cookie, a cookie over 4096 bytes, headers over 8 KB or
    /// 16 KB) gets a process warning once per cause, or with `oversize: "throw"` throws
    /// `ERR_SESSION_TOO_LARGE`; so do `writeWithBudget` and `updateSession`.
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

    /// `auth0.getSession()` in one call: the session as `read` gives it (the IdP ceiling applied), or
    /// `null`; a session created for another custom domain than `auth0Domain` throws the SDK's
    /// `SessionDomainMismatchError` (`code: "session_domain_mismatch"`). A stateful session's `{ id }`
    /// cookie is no session here (`null`, with a one-time process warning): see `lookupSession`.
    #[napi(ts_return_type = "SessionData | null")]
    pub fn get_session(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<Option<Json>, Code> {
        guard_named(env, || {
            let clock = ReadOptions::clock(&options, self.inner.cipher())?;
            let Some(jar) = absent_if_too_large(jar::jar(env, cookies))? else {
                return Ok(None);
            };
            let current = self.inner.get_session(&jar, clock)?;
            warn_if_stateful_id(env, &current)?;
            Ok(current.into_option().map(Json))
        })
    }

    /// `auth0.updateSession(session)` in one call, the jar read once: the current session as `getSession`
    /// reads it (none throws `ERR_NOT_AUTHENTICATED`), `session` written with its `internal` kept from it;
    /// returns the `Set-Cookie` list, the request's cookies after the write and the session written.
    #[napi]
    pub fn update_session(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        #[napi(ts_arg_type = "WriteOptions")] options: Option<WriteOptions>,
    ) -> napi::Result<SessionUpdate, Code> {
        guard_named(env, || {
            let (now, validation) = WriteOptions::now_and_validation(options);
            let jar = jar::jar(env, cookies)?;
            require_session(args::kind_word(session)?)?;
            let session = args::object_json(session, "session")?;
            let clock = self.inner.cipher().clock(now)?;
            let current = self.inner.get_session(&jar, clock)?;
            warn_if_stateful_id(env, &current)?;
            let done = self
                .inner
                .update_session(current, &jar, &session, clock, validation)?;
            size::warn_about(env, &done.write.size_warning)?;
            Ok(SessionUpdate {
                cookies: list(&done.write.cookies),
                request_cookies: Json(cookies::request_cookies_json(&done.write.jar)),
                request_cookie_header: done.write.jar.to_header(),
                session: Json(done.session),
                bytes: done.write.bytes as u32,
                over_budget: done.write.over_budget,
                oversized_cookies: done.write.oversized_cookies,
            })
        })
    }

    /// The deletions that sign out (the SDK store's `delete`): `clear` under the name of the SDK call it
    /// replaces.
    #[napi(ts_return_type = "SetCookie[]")]
    pub fn delete_session(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
    ) -> napi::Result<Json, Code> {
        self.clear(env, cookies)
    }

    /// Stateful sessions (`auth0.getSession()`/`updateSession()` over the app's `SessionDataStore`), the
    /// jar read once: the id to fetch from the store, and the steps that judge what it returned and plan
    /// an update (`SessionLookup`).
    #[napi]
    pub fn lookup_session(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<SessionLookup, Code> {
        guard(|| {
            let now = ReadOptions::now(&options);
            let clock = self.inner.cipher().clock(now)?;
            let jar = absent_if_too_large(jar::jar(env, cookies))?.unwrap_or_default();
            let lookup = self.inner.lookup(jar, clock);
            Ok(SessionLookup::new(self.inner.clone(), lookup, now))
        })
    }

    /// Stateful sign-out in one call (the SDK's stateful store's `delete`): the `Set-Cookie` deletions, and
    /// the store call that deletes the session the v4 cookie names.
    #[napi]
    pub fn delete_stored_session(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "CookieInput")] cookies: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<StoredSessionDelete, Code> {
        guard(|| {
            let clock = ReadOptions::clock(&options, self.inner.cipher())?;
            let jar = jar::jar(env, cookies)?;
            Ok(self.inner.delete_stored(&jar, clock).into())
        })
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
        let (now, validation) = WriteOptions::now_and_validation(options);
        let now = cookies::epoch(now)?;
        let session = args::object_json(session, "session")?;
        let jar = jar::jar(env, cookies)?;
        let outcome = self.inner.write(&session, &jar, now, validation)?;
        size::warn_about(env, &outcome.size_warning)?;
        Ok(outcome)
    }
}

static STATEFUL_ID_WARNED: AtomicBool = AtomicBool::new(false);

/// Once per process: a stateful session's `{ id }` cookie read where a stateless session belongs.
fn warn_if_stateful_id(env: &Env, current: &cookies::CurrentSession) -> Result<(), Error> {
    if *current != cookies::CurrentSession::StatefulId {
        return Ok(());
    }
    warn_once(
        env,
        &STATEFUL_ID_WARNED,
        mistakes::STATEFUL_ID_WITHOUT_STORE,
        mistakes::STATEFUL_ID_WITHOUT_STORE_CODE,
    )
}
