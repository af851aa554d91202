//! Stateful sessions for adapters: `SessionLookup`, the steps of `auth0.getSession()` and
//! `auth0.updateSession()` around the app's `SessionDataStore`. The store is asynchronous JavaScript, which
//! neither the core nor this glue calls; each step returns what to ask of it as data (`StoreCall`s).

use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use napi_derive::napi;
use std::sync::Arc;

use crate::args;
use crate::js::Json;
use crate::options::{opt, read_options};
use crate::set_cookie::list;
use crate::{guard_named, Code};
use session_seal_core::payload::Validation;
use session_seal_core::stores::cookies::{self, StatefulLookup};

/// One call of the app's `SessionDataStore`, to make as planned: `store[method](id)`, with the planned
/// session as the second argument of `set` and `update`.
#[napi(object, object_from_js = false)]
pub struct StoreCall {
    #[napi(ts_type = "'get' | 'set' | 'update' | 'delete'")]
    pub method: String,
    pub id: String,
    /// Nothing more is called, and no cookie set, unless this call resolves to something truthy (the
    /// session is still stored: a sign-out landing meanwhile wins).
    pub required: bool,
    /// Housekeeping nothing waits for: make the call without awaiting it, and log a failure after this
    /// text (never throw it).
    pub background: Option<String>,
}

/// What `SessionLookup.getSession` judged.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct StoredSessionRead {
    /// The session, as `auth0.getSession()` returns it; `null` for none.
    #[napi(ts_type = "SessionData")]
    pub session: Option<Json>,
    /// The store calls to make (the stored session deleted in the background when it is past its IdP
    /// ceiling).
    pub store_calls: Vec<StoreCall>,
}

/// What `SessionLookup.updateSession` planned: make the store calls, then apply the lists.
#[napi(object, object_from_js = false)]
pub struct StoredSessionUpdate {
    /// The session to store: yours, its `internal` kept from the current session.
    #[napi(ts_type = "SessionData")]
    pub session: Json,
    /// In order; a `required` one that finds nothing ends the update there.
    pub store_calls: Vec<StoreCall>,
    /// The `Set-Cookie` list (the rolled `{ id }` cookie, a v3 `appSession` deleted), for the response.
    #[napi(ts_type = "SetCookie[]")]
    pub cookies: Json,
    /// The request's cookies after the write, for read-after-write: set each on the request's cookie jar,
    /// and delete the names it holds that are not here.
    #[napi(ts_type = "RequestCookie[]")]
    pub request_cookies: Json,
    /// The same cookies as a `Cookie` header (values encoded as Next.js's `RequestCookies` writes them): a
    /// Node.js request's `headers.cookie` after the write.
    pub request_cookie_header: String,
}

/// What `SessionCookies.deleteStoredSession` planned: make the store calls, then apply the list.
#[napi(object, object_from_js = false)]
pub struct StoredSessionDelete {
    /// The stored session's deletion, when the cookie names one.
    pub store_calls: Vec<StoreCall>,
    /// The `Set-Cookie` deletions.
    #[napi(ts_type = "SetCookie[]")]
    pub cookies: Json,
}

impl From<cookies::StoredDelete> for StoredSessionDelete {
    fn from(done: cookies::StoredDelete) -> Self {
        StoredSessionDelete {
            store_calls: calls(done.calls),
            cookies: list(&done.cookies),
        }
    }
}

/// Options of `SessionLookup.updateSession`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct StoredUpdateOptions {
    /// Whether the store has the optional `update(id, session)`: it is then used, as the SDK uses it, to
    /// write only while the session is stored. Default `false`: `get`, then `set`.
    pub store_has_update: Option<bool>,
    /// The current time in seconds since the epoch (default: the system clock); milliseconds are refused.
    pub now: Option<f64>,
    /// Default `"sdk"`: refuse only what breaks the SDK. `"strict"`: the SessionData types in full.
    #[napi(ts_type = "Validation")]
    pub validate: Option<Validation>,
}

read_options! {
    StoredUpdateOptions in "options" {
        store_has_update: opt(args::boolean),
        now: opt(args::epoch_seconds),
        validate: opt(args::validation),
    }
}

/// A request's stateful session, from `SessionCookies.lookupSession(cookies)`: the jar read once, the id to
/// fetch, then one call to judge what the store gave and (for an update) one to plan the write.
#[napi]
pub struct SessionLookup {
    cookies: Arc<cookies::SessionCookies>,
    inner: StatefulLookup,
    /// `lookupSession`'s `now`, for the steps that follow (else each reads the system clock).
    now: Option<f64>,
}

impl SessionLookup {
    pub(crate) fn new(
        cookies: Arc<cookies::SessionCookies>,
        inner: StatefulLookup,
        now: Option<f64>,
    ) -> Self {
        SessionLookup {
            cookies,
            inner,
            now,
        }
    }
}

#[napi]
impl SessionLookup {
    /// The id to fetch: `await store.get(id)`. `null` when the request holds no stateful session (then
    /// pass `null` on).
    #[napi(getter)]
    pub fn id(&self) -> Option<String> {
        self.inner.id().map(str::to_string)
    }

    /// `auth0.getSession()` on what `store.get(id)` resolved to: a v3 app's stored session converted, `null`
    /// past the IdP ceiling (and the stored session deleted, in the background), another custom domain's
    /// session refused with the SDK's `SessionDomainMismatchError`.
    #[napi]
    pub fn get_session(
        &mut self,
        env: &Env,
        #[napi(ts_arg_type = "SessionData | null | undefined")] stored: Unknown,
    ) -> napi::Result<StoredSessionRead, Code> {
        guard_named(env, || {
            let stored = match args::kind(stored)? {
                ValueType::Undefined | ValueType::Null => None,
                _ => Some(args::object_json(stored, "the stored session")?),
            };
            let clock = self.cookies.cipher().clock(self.now)?;
            let read = self.inner.judge(&self.cookies, stored.as_deref(), clock)?;
            Ok(StoredSessionRead {
                session: read.session.map(Json),
                store_calls: calls(read.calls),
            })
        })
    }

    /// `auth0.updateSession()` after `getSession`: `session` with the current session's `internal` (none
    /// throws `ERR_NOT_AUTHENTICATED`), the store calls the SDK's stateful store makes (its id kept from
    /// the v4 cookie, else a new one), the rolled `{ id }` cookie and the request's cookies after it.
    #[napi]
    pub fn update_session(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        options: Option<StoredUpdateOptions>,
    ) -> napi::Result<StoredSessionUpdate, Code> {
        guard_named(env, || {
            let (store_has_update, now, validation) =
                options.map_or((false, self.now, Validation::default()), |o| {
                    (
                        o.store_has_update.unwrap_or(false),
                        o.now.or(self.now),
                        o.validate.unwrap_or_default(),
                    )
                });
            cookies::require_session(args::kind_word(session)?)?;
            let session = args::object_json(session, "session")?;
            let clock = self.cookies.cipher().clock(now)?;
            let write =
                self.inner
                    .update(&self.cookies, &session, store_has_update, clock, validation)?;
            Ok(StoredSessionUpdate {
                session: Json(write.session),
                store_calls: calls(write.calls),
                cookies: list(&write.cookies),
                request_cookies: Json(cookies::request_cookies_json(&write.jar)),
                request_cookie_header: write.jar.to_header(),
            })
        })
    }
}

fn calls(calls: Vec<cookies::StoreCall>) -> Vec<StoreCall> {
    calls
        .into_iter()
        .map(|call| StoreCall {
            method: call.method.as_str().to_string(),
            id: call.id,
            required: call.required,
            background: call.background.map(str::to_string),
        })
        .collect()
}
