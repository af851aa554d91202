//! `StoreCipher` for JavaScript (used by `session-seal/redis`): values bound to their session id, under keys
//! of their own, and every rule of a server-side store (the TTL, the index entries, what a logout removes,
//! what a listing shows), each returned as plain data in one call.

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;

use crate::args::{self, ReadOptions};
use crate::js::{self, Json};
use crate::options::{opt, read_options};
use crate::{guard, warn_if_short_secret, Code};
use session_seal_core::error::{invalid_arg_type, invalid_arg_value, Error, Result};
use session_seal_core::input::{check_len, wrong_type};
use session_seal_core::jose::Secrets;
use session_seal_core::payload::system_seconds;
use session_seal_core::stores::server::{
    check_batch, check_id_len, check_tagged_len, IndexEntry, Lifetime, ListedSession, LogoutClaims,
    StoreCipher as CoreStore, TagKind, Target, MAX_BATCH, MAX_ID_BYTES, MAX_MEMBER_BYTES,
    MAX_TAGGED_BYTES, MAX_VALUE_BYTES,
};

/// Session ids longer than this (UTF-8 bytes) are refused before any work.
#[napi]
pub const STORE_MAX_ID_BYTES: u32 = MAX_ID_BYTES as u32;
/// The most index members, or listed sessions, one `StoreCipher` call takes.
#[napi]
pub const STORE_MAX_BATCH: u32 = MAX_BATCH as u32;

/// Options of `StoreCipher`, the sealing of `session-seal/redis`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct StoreCipherOptions {
    /// The secret, or a list: the first seals, every one opens. Keys of their own are derived from it.
    #[napi(ts_type = "string | string[]")]
    pub secret: Secrets,
    /// Seconds from `internal.createdAt` a session lives at most: the SDK's `session.absoluteDuration`.
    /// Default 259200 (3 days).
    pub absolute_duration: Option<f64>,
    /// Seconds of inactivity after which a rolling session ends: the SDK's `session.inactivityDuration`.
    /// Default 86400 (1 day).
    pub inactivity_duration: Option<f64>,
    /// The SDK's `session.rolling` (default `true`): each write extends the session by `inactivityDuration`.
    pub rolling: Option<bool>,
}

read_options! {
    StoreCipherOptions in "options"
        required "new StoreCipher(options) needs an options object with a secret"
    {
        secret: args::secret,
        absolute_duration: opt(args::number),
        inactivity_duration: opt(args::number),
        rolling: opt(args::boolean),
    }
}

/// One entry of a logout index: the index (`index` and `tag`) and the member it holds.
#[napi(object, object_from_js = false)]
pub struct StoreIndexEntry {
    /// `'sub'`: the sessions of one subject; `'sid'`: the sessions of one IdP session.
    #[napi(ts_type = "'sub' | 'sid'")]
    pub index: &'static str,
    /// The index's keyed tag (22 base64url characters).
    pub tag: String,
    pub member: String,
}

fn entries(entries: Vec<IndexEntry>) -> Vec<StoreIndexEntry> {
    entries
        .into_iter()
        .map(|e| StoreIndexEntry {
            index: e.kind.name(),
            tag: e.tag,
            member: e.member,
        })
        .collect()
}

/// What to store for a session: the value, until when, and the index entries that point at it.
#[napi(object, object_from_js = false)]
pub struct StoreSealResult {
    /// The sealed value; absent when the session has already ended (delete it instead).
    pub value: Option<String>,
    /// Epoch seconds when the session ends (the value's `exp`).
    pub expires_at: f64,
    /// Seconds until then: the TTL to store it with.
    pub ttl: f64,
    pub entries: Vec<StoreIndexEntry>,
}

/// A value sealed again under the newest secret: write it (keeping the TTL) if the stored value is still
/// the one read, add `entries` and remove `stale`.
#[napi(object, object_from_js = false)]
pub struct StoreReseal {
    pub value: String,
    pub entries: Vec<StoreIndexEntry>,
    pub stale: Vec<StoreIndexEntry>,
}

/// A stored value that opened for its session id.
#[napi(object, object_from_js = false)]
pub struct StoreOpenResult {
    #[napi(ts_type = "SessionData")]
    pub session: Json,
    /// Which secret opened it: 0 is the newest.
    pub key_index: u32,
    /// Epoch seconds when the session ends (the value's `exp`).
    pub expires_at: f64,
    /// Epoch seconds when it was written (absent for values written before this was recorded).
    pub updated_at: Option<f64>,
    /// Present when an older secret opened it and it can be sealed again under the newest.
    pub reseal: Option<StoreReseal>,
}

/// The index a back-channel logout reads, with its tag under each secret, newest first.
#[napi(object, object_from_js = false)]
pub struct StoreLogoutIndex {
    #[napi(ts_type = "'sub' | 'sid'")]
    pub index: &'static str,
    pub tags: Vec<String>,
}

/// A session an index member points at, and all its entries (the one read first).
#[napi(object, object_from_js = false)]
pub struct StoreTarget {
    pub id: String,
    pub entries: Vec<StoreIndexEntry>,
}

fn targets(targets: Vec<Target>) -> Vec<StoreTarget> {
    targets
        .into_iter()
        .map(|t| StoreTarget {
            id: t.id,
            entries: entries(t.entries),
        })
        .collect()
}

/// One of a user's sessions as a listing shows it: never its id, never its tokens.
#[napi(object, object_from_js = false)]
pub struct StoreListedSession {
    pub sid: Option<String>,
    pub created_at: Option<f64>,
    pub expires_at: f64,
    pub updated_at: Option<f64>,
}

/// Seals session values for a server-side store, bound to their session id; derives its keys once.
#[napi]
pub struct StoreCipher {
    inner: CoreStore,
}

#[napi]
impl StoreCipher {
    #[napi(constructor)]
    pub fn new(env: &Env, options: StoreCipherOptions) -> napi::Result<Self, Code> {
        guard(|| {
            let lifetime = Lifetime::new(
                options.absolute_duration,
                options.inactivity_duration,
                options.rolling,
            )?;
            let inner = CoreStore::new(options.secret.as_slice())?.with_lifetime(lifetime);
            warn_if_short_secret(env, inner.ring())?;
            Ok(StoreCipher { inner })
        })
    }

    /// Validates and seals `session` for `id`, ending when the session ends (absolute duration, inactivity,
    /// the IdP's ceiling), with the TTL and the index entries to store it with.
    #[napi]
    pub fn seal(
        &self,
        #[napi(ts_arg_type = "string")] id: Unknown,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<StoreSealResult, Code> {
        guard(|| {
            let id = bounded(id, "id", MAX_ID_BYTES, check_id_len)?;
            let session = args::object_json(session, "session")?;
            let now = ReadOptions::now(&options).unwrap_or_else(system_seconds);
            let written = self.inner.write(&id, &session, now)?;
            Ok(StoreSealResult {
                value: written.value,
                expires_at: written.expires_at,
                ttl: written.ttl,
                entries: entries(written.entries),
            })
        })
    }

    /// Opens a value read under `id`, throwing a coded error for a value that is altered, bound to another id,
    /// sealed under no listed secret, or past its end; with what to write back when an older secret opened
    /// it.
    #[napi]
    pub fn open(
        &self,
        #[napi(ts_arg_type = "string")] id: Unknown,
        #[napi(ts_arg_type = "string")] value: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<StoreOpenResult, Code> {
        guard(|| {
            let id = bounded(id, "id", MAX_ID_BYTES, check_id_len)?;
            let value = args::cookie_within(value, MAX_VALUE_BYTES)?;
            let now = ReadOptions::now(&options).unwrap_or_else(system_seconds);
            let read = self.inner.read(&id, &value, now)?;
            Ok(StoreOpenResult {
                session: Json(read.opened.session),
                key_index: read.opened.key_index as u32,
                expires_at: read.opened.expires_at,
                updated_at: read.opened.written_at,
                reseal: read.reseal.map(|r| StoreReseal {
                    value: r.value,
                    entries: entries(r.entries),
                    stale: entries(r.stale),
                }),
            })
        })
    }

    /// The index entries of the value stored under `id` (to remove with it); none when it does not open.
    #[napi]
    pub fn entries_of(
        &self,
        #[napi(ts_arg_type = "string")] id: Unknown,
        #[napi(ts_arg_type = "string")] value: Unknown,
    ) -> napi::Result<Vec<StoreIndexEntry>, Code> {
        guard(|| {
            let id = bounded(id, "id", MAX_ID_BYTES, check_id_len)?;
            let value = args::cookie_within(value, MAX_VALUE_BYTES)?;
            Ok(entries(self.inner.entries_of(&id, &value)))
        })
    }

    /// The index tag of `value` under every secret, newest first (`kind`: "sub", "sid" or "iss").
    #[napi]
    pub fn index_tags(
        &self,
        #[napi(ts_arg_type = "'sub' | 'sid' | 'iss'")] kind: Unknown,
        #[napi(ts_arg_type = "string")] value: Unknown,
    ) -> napi::Result<Vec<String>, Code> {
        guard(|| {
            let kind = TagKind::parse(&bounded(kind, "kind", 3, TagKind::check_len)?)?;
            let value = bounded(value, "value", MAX_TAGGED_BYTES, check_tagged_len)?;
            self.inner.index_tags(kind, &value)
        })
    }

    /// The index a back-channel logout with these claims reads; `null` when it has neither `sub` nor `sid`.
    #[napi]
    pub fn logout_index(
        &self,
        #[napi(ts_arg_type = "{ sub?: string; sid?: string; iss?: string }")] claims: Unknown,
    ) -> napi::Result<Option<StoreLogoutIndex>, Code> {
        guard(|| {
            let claims = logout_claims(claims)?;
            Ok(self
                .inner
                .logout_index(&claims)?
                .map(|(kind, tags)| StoreLogoutIndex {
                    index: kind.name(),
                    tags,
                }))
        })
    }

    /// The sessions the logout removes among `members`, read from its index's tag under secret `keyIndex`.
    #[napi]
    pub fn logout_targets(
        &self,
        #[napi(ts_arg_type = "{ sub?: string; sid?: string; iss?: string }")] claims: Unknown,
        key_index: u32,
        #[napi(ts_arg_type = "string[]")] members: Unknown,
    ) -> napi::Result<Vec<StoreTarget>, Code> {
        guard(|| {
            let claims = logout_claims(claims)?;
            let members = strings(members, "members", MAX_MEMBER_BYTES)?;
            Ok(targets(self.inner.logout_targets(
                &claims,
                key_index as usize,
                &members,
            )?))
        })
    }

    /// Every session `members` of the index `index`/`tag` point at, with all its entries.
    #[napi]
    pub fn linked_entries(
        &self,
        #[napi(ts_arg_type = "'sub' | 'sid'")] index: Unknown,
        #[napi(ts_arg_type = "string")] tag: Unknown,
        #[napi(ts_arg_type = "string[]")] members: Unknown,
    ) -> napi::Result<Vec<StoreTarget>, Code> {
        guard(|| {
            let kind = match TagKind::parse(&bounded(index, "index", 3, TagKind::check_len)?)? {
                TagKind::Issuer => {
                    return Err(invalid_arg_value("index must be \"sub\" or \"sid\""))
                }
                kind => kind,
            };
            let tag = bounded(tag, "tag", MAX_TAGGED_BYTES, check_tagged_len)?;
            let members = strings(members, "members", MAX_MEMBER_BYTES)?;
            Ok(targets(self.inner.linked(kind, &tag, &members)?))
        })
    }

    /// What a listing of `sub`'s sessions shows of the values read for `ids` (`values[i]` for `ids[i]`):
    /// each live one of that user, once, most recently written first.
    #[napi]
    pub fn list(
        &self,
        #[napi(ts_arg_type = "string")] sub: Unknown,
        #[napi(ts_arg_type = "string[]")] ids: Unknown,
        #[napi(ts_arg_type = "string[]")] values: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<Vec<StoreListedSession>, Code> {
        guard(|| {
            let sub = bounded(sub, "sub", MAX_TAGGED_BYTES, check_tagged_len)?;
            let ids = strings(ids, "ids", MAX_ID_BYTES)?;
            let values = strings(values, "values", MAX_VALUE_BYTES)?;
            if ids.len() != values.len() {
                return Err(invalid_arg_value(
                    "ids and values must be lists of the same length",
                ));
            }
            let now = ReadOptions::now(&options).unwrap_or_else(system_seconds);
            let found: Vec<(String, String)> = ids.into_iter().zip(values).collect();
            Ok(self
                .inner
                .list(&sub, &found, now)?
                .into_iter()
                .map(|s: ListedSession| StoreListedSession {
                    sid: s.sid,
                    created_at: s.created_at,
                    expires_at: s.expires_at,
                    updated_at: s.updated_at,
                })
                .collect())
        })
    }
}

/// `{ sub, sid, iss }` of a logout token: each a string, or absent (`undefined`, `null` or empty).
fn logout_claims(value: Unknown) -> Result<LogoutClaims> {
    let object = args::options(value, "logoutToken")?
        .ok_or_else(|| invalid_arg_type("logoutToken must be an object"))?;
    let claim = |name: &std::ffi::CStr| -> Result<Option<String>> {
        let value = args::get(&object, name)?;
        let label = format!("logoutToken.{}", name.to_string_lossy());
        match args::kind(value)? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            _ => bounded(value, &label, MAX_TAGGED_BYTES, check_tagged_len)
                .map(|text| Some(text).filter(|t| !t.is_empty())),
        }
    };
    Ok(LogoutClaims {
        sub: claim(c"sub")?,
        sid: claim(c"sid")?,
        iss: claim(c"iss")?,
    })
}

/// A list of strings, refused by its length before any element is read, and each element by its own
/// (`max_item` UTF-8 bytes) before it is copied.
fn strings(value: Unknown, name: &str, max_item: usize) -> Result<Vec<String>> {
    if !args::is_array(value)? {
        return Err(wrong_type(name, "an array", args::kind_word(value)?));
    }
    let list = Object::from_unknown(value).map_err(args::napi_failed("array"))?;
    let len = list
        .get_array_length_unchecked()
        .map_err(args::napi_failed("array length"))? as usize;
    check_batch(len)?;
    (0..len as u32)
        .map(|i| {
            let item: Unknown = list
                .get_element(i)
                .map_err(args::napi_failed("array element"))?;
            let label = format!("{name}[{i}]");
            let kind = args::kind(item)?;
            if kind != ValueType::String {
                return Err(wrong_type(&label, "a string", args::type_word(kind)));
            }
            check_len(&label, args::utf16_len(item)?, max_item)?;
            let text = js::string(item)?;
            check_len(&label, text.len(), max_item)?;
            Ok(text)
        })
        .collect()
}

/// A string argument, refused by length (`rule`, the core's) before it is copied out of V8: a UTF-16 length
/// over `max` means more than `max` UTF-8 bytes too.
fn bounded(
    value: Unknown,
    name: &str,
    max: usize,
    rule: fn(usize) -> Result<()>,
) -> std::result::Result<String, Error> {
    let kind = args::kind(value)?;
    if kind != ValueType::String {
        return Err(wrong_type(name, "a string", args::type_word(kind)));
    }
    let units = args::utf16_len(value)?;
    if units > max {
        rule(units)?;
    }
    let text = js::string(value)?;
    rule(text.len())?;
    Ok(text)
}
