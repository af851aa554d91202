//! The SDK's `Auth0Client` over its stateful store (`new Auth0Client({ sessionStore })`), as data. The store
//! is the app's own, asynchronous and in JavaScript, so the core never calls it: it reads the jar once and
//! names the id to fetch ([`SessionCookies::lookup`]); judges what the store returned as `getSession()` does
//! (the v3 conversion, the IdP ceiling, the custom-domain rule); and plans an update as the store calls to
//! make, in order, beside the `Set-Cookie` list and the request's cookies after it. The adapter makes the
//! calls and applies the lists; every decision is here.

use super::*;

/// A method of the app's `SessionDataStore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreMethod {
    /// `get(id)`.
    Get,
    /// `set(id, session)`.
    Set,
    /// `update(id, session)`: writes only while `id` is stored, and says whether it wrote.
    Update,
    /// `delete(id)`.
    Delete,
}

impl StoreMethod {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreMethod::Get => "get",
            StoreMethod::Set => "set",
            StoreMethod::Update => "update",
            StoreMethod::Delete => "delete",
        }
    }
}

/// One call of the app's store, as the SDK makes it. `set` and `update` take the planned session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCall {
    /// Which method.
    pub method: StoreMethod,
    /// The session id it is called with.
    pub id: String,
    /// The update goes on only if this call resolves to something truthy (the session is still stored):
    /// when another request signed out meanwhile, nothing more is called and no cookie is written.
    pub required: bool,
    /// `Some`: housekeeping that nothing waits for, as the SDK's deletion of a session past its ceiling; a
    /// failure is logged after this text, never thrown.
    pub background: Option<&'static str>,
}

impl StoreCall {
    fn new(method: StoreMethod, id: &str) -> StoreCall {
        StoreCall {
            method,
            id: id.to_string(),
            required: false,
            background: None,
        }
    }

    fn required(self) -> StoreCall {
        StoreCall {
            required: true,
            ..self
        }
    }
}

/// What a stored session was judged to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRead {
    /// The session `getSession()` returns, if any.
    pub session: Option<String>,
    /// The store calls to make (a session past its ceiling is deleted, in the background).
    pub calls: Vec<StoreCall>,
}

/// An update of a stateful session, planned.
#[derive(Debug, Clone)]
pub struct StoredWrite {
    /// The session to store: the caller's, its `internal` the current session's.
    pub session: String,
    /// The store calls to make, in order; a `required` one that finds nothing stops the update.
    pub calls: Vec<StoreCall>,
    /// The `Set-Cookie` list once the calls went through: the rolled `{ id }` cookie, and the v3
    /// `appSession` cookie deleted when the request has one.
    pub cookies: Vec<SetCookie>,
    /// The request's cookies after the write, as the SDK leaves them for read-after-write.
    pub jar: Jar,
}

/// A stateful sign-out, planned.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDelete {
    /// The store's deletion of the session, when the cookie names one.
    pub calls: Vec<StoreCall>,
    /// The `Set-Cookie` deletions.
    pub cookies: Vec<SetCookie>,
}

/// A request's stateful session cookie, read once, and what the store gave for it.
#[derive(Debug, Clone)]
pub struct StatefulLookup {
    jar: Jar,
    id: Option<String>,
    /// The session `judge` found, which an update builds on.
    current: Option<String>,
}

/// What is logged before the error when the background deletion of a session past its ceiling fails.
const CEILING_DELETE_FAILED: &str =
    "[session-seal] Failed to delete the stored session past its IdP ceiling:";

impl SessionCookies {
    /// The stateful store's `get`, up to the store: `jar` kept for the update, and the id to fetch
    /// ([`SessionCookies::read_session_id`]: a v4 `{ id }` cookie, else a v3 signed `appSession` id).
    pub fn lookup(&self, jar: Jar, clock: Clock) -> StatefulLookup {
        let id = self.read_session_id(&jar, clock);
        StatefulLookup {
            jar,
            id,
            current: None,
        }
    }
}

impl SessionCookies {
    /// The stateful store's `delete`: the session cookie (and a v3 `appSession`) deleted, and the stored
    /// session deleted under the v4 cookie's id (a v3 cookie's id is left alone, as the SDK leaves it).
    pub fn delete_stored(&self, jar: &Jar, clock: Clock) -> StoredDelete {
        let (id, cookies) = self.clear_session_id(jar, clock);
        StoredDelete {
            calls: id
                .map(|id| vec![StoreCall::new(StoreMethod::Delete, &id)])
                .unwrap_or_default(),
            cookies,
        }
    }
}

impl StatefulLookup {
    /// The id to fetch from the store; `None`: the jar holds no stateful session.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// `auth0.getSession()` on what the store returned for [`id`](Self::id) (`None`: nothing): a v3 app's
    /// `{ header, data }` converted (the SDK's `normalizeStatefulSession`); past the IdP ceiling, no session
    /// and the stored one deleted in the background; another custom domain's session refused
    /// (`session_domain_mismatch`). The session found is kept for [`update`](Self::update).
    pub fn judge(
        &mut self,
        cookies: &SessionCookies,
        stored: Option<&str>,
        clock: Clock,
    ) -> Result<StoredRead> {
        self.current = None;
        let (Some(id), Some(stored)) = (self.id.as_deref(), stored) else {
            return Ok(StoredRead {
                session: None,
                calls: Vec::new(),
            });
        };
        let session = from_store(stored)?;
        {
            let clean = crate::json::without_lone_surrogates(&session);
            let view = SessionView::of(&clean);
            if view.ceiling_reached(clock.now) {
                let delete = StoreCall {
                    background: Some(CEILING_DELETE_FAILED),
                    ..StoreCall::new(StoreMethod::Delete, id)
                };
                return Ok(StoredRead {
                    session: None,
                    calls: vec![delete],
                });
            }
            check_domain(&view, cookies.auth0_domain())?;
        }
        self.current = Some(session.clone());
        Ok(StoredRead {
            session: Some(session),
            calls: Vec::new(),
        })
    }

    /// `auth0.updateSession()` on the session [`judge`](Self::judge) found (none is
    /// `ERR_NOT_AUTHENTICATED`), as the stateful store's `set`: `session` with the current `internal`,
    /// checked as a stateless write checks it; stored under the id of the v4 cookie — with `update` when
    /// the store has it (`store_updates`), else `get` then `set`, either finding the session gone stops the
    /// update — or, when the request has none (a v3 cookie's id is not carried over), under a new id; then
    /// the `{ id }` cookie rolled from `internal.createdAt` and the request's cookies carrying it.
    pub fn update(
        &self,
        cookies: &SessionCookies,
        session_json: &str,
        store_updates: bool,
        clock: Clock,
        validation: Validation,
    ) -> Result<StoredWrite> {
        let current = self
            .current
            .clone()
            .map_or(CurrentSession::Absent, CurrentSession::Found)
            .require()?;
        let session = with_internal_of(session_json, &current)?;
        let problems = session::check(&session, validation);
        if !problems.is_empty() {
            return Err(session_invalid(session::describe(&problems)));
        }
        let created_at = session_created_at(&session)?;
        let (id, calls) = match cookies.v4_session_id(&self.jar, clock) {
            Some(id) if store_updates => {
                let update = StoreCall::new(StoreMethod::Update, &id).required();
                (id, vec![update])
            }
            Some(id) => {
                let get = StoreCall::new(StoreMethod::Get, &id).required();
                let set = StoreCall::new(StoreMethod::Set, &id);
                (id, vec![get, set])
            }
            None => {
                let id = generate_session_id();
                let set = StoreCall::new(StoreMethod::Set, &id);
                (id, vec![set])
            }
        };
        let written = cookies.write_session_id(Some(&id), created_at, &self.jar, clock.now)?;
        let mut jar = self.jar.clone();
        let name = &cookies.config().name;
        if let Some(cookie) = written.cookies.iter().find(|c| &c.name == name) {
            jar.set(name, &cookie.value);
        }
        Ok(StoredWrite {
            session,
            calls,
            cookies: written.cookies,
            jar,
        })
    }
}

/// The SDK's `normalizeStatefulSession`: a session a v3 app stored, `{ header: { iat }, data }` with a
/// truthy `iat`, in the v4 shape (as a v3 cookie's payload is converted); any other session as it is.
fn from_store(stored: &str) -> Result<String> {
    let clean = crate::json::without_lone_surrogates(stored);
    let legacy = top_level(&clean).ok().and_then(|members| {
        let header = members.get("header")?;
        let header = serde_json::from_str::<serde_json::Map<String, Value>>(header.get()).ok()?;
        crate::cipher::legacy::is_legacy_header(&header)
            .then(|| (header, members.get("data").copied()))
    });
    let Some((header, data)) = legacy else {
        return Ok(stored.to_string());
    };
    let data = data.map_or("null", |raw| {
        crate::json::same_place(stored, &clean, raw.get())
    });
    crate::cipher::legacy::convert(&header, data)
        .map_err(|e| session_invalid(format!("the stored v3 session: {}", e.message)))
}

#[cfg(test)]
mod tests;
