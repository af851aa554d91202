//! Sealing for server-side session stores (`session-seal/redis`): each stored value is a compact JWE under a key
//! of its own, bound to its session id and to the moment the session ends.
//!
//! The store's rules live here too, so that an adapter only moves strings to and from its database: when a
//! session ends (the TTL), which index entries point at it, which entries a back-channel logout removes, and
//! what a listing of a user's sessions may show.
//!
//! Why a key of its own: under the cookies' key, a stored session would open as a `__session` cookie and a
//! cookie would open as a stored session. Why the id in the header: a value copied under another id (by anyone
//! who can write to the database) must not open there. The header is the AES-GCM additional data, so both are
//! authenticated with the value.

use std::fmt;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::Sha256;

use crate::error::{
    claim_invalid, input_too_large, invalid_arg_value, jwe_invalid, jwt_expired, jwt_invalid,
    session_invalid, Result,
};
use crate::jose::jwe::{self, CompactJwe};
use crate::jose::keys::{self, DerivedKey, KeyRing};
use crate::json::without_lone_surrogates;
use crate::payload::claims;
use crate::payload::session::{self, Validation};
use crate::primitives::base64url;
use crate::stores::cookies::{DEFAULT_ABSOLUTE_DURATION, DEFAULT_INACTIVITY_DURATION};

mod index;
mod lifetime;
pub use index::*;
pub use lifetime::*;

/// HKDF `info` of the key that seals stored values: not the cookies' `JWE CEK`, so neither opens the other.
pub(crate) const VALUE_INFO: &[u8] = b"session-seal store value v1";
/// HKDF `info` of the key behind the index tags.
pub(crate) const INDEX_INFO: &[u8] = b"session-seal store index v1";
/// The protected header's `typ`: what a stored value says it is.
pub(crate) const TYP: &str = "session-seal-store";
/// Values are refused past this size, sealing and opening: stateful sessions outgrow cookies, not memory.
pub const MAX_VALUE_BYTES: usize = 1 << 20;
/// Session ids longer than this are refused before any work (the SDK's are 32 hex characters).
pub const MAX_ID_BYTES: usize = 256;
/// An index tag: the first 22 base64url characters (132 bits) of an HMAC-SHA256.
pub(crate) const TAG_CHARS: usize = 22;
/// Values (`sub`, `sid`, issuer) longer than this are not tagged: refused before any work.
pub const MAX_TAGGED_BYTES: usize = 1 << 16;
/// The most index members, or listed sessions, one call takes: a caller pages through larger indexes.
pub const MAX_BATCH: usize = 1000;
/// Separates the two tags and the id in an index member; base64url tags never contain it.
const MEMBER_SEPARATOR: char = '.';

/// What an index tag names; the kind is hashed with the value, so a `sub` and a `sid` never share a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `sub`: the user, for logout of every session of a user.
    Subject,
    /// `sid`: the IdP session, for back-channel logout.
    SessionId,
    /// `iss`: the issuer, which scopes the other two.
    Issuer,
}

impl TagKind {
    /// `"sub"`, `"sid"` or `"iss"`; anything else is refused.
    pub fn parse(name: &str) -> Result<TagKind> {
        Self::check_len(name.len())?;
        match name {
            "sub" => Ok(TagKind::Subject),
            "sid" => Ok(TagKind::SessionId),
            "iss" => Ok(TagKind::Issuer),
            _ => Err(Self::refused()),
        }
    }

    /// Every kind's name is three bytes: anything longer is refused unread.
    pub fn check_len(len: usize) -> Result<()> {
        match len {
            3 => Ok(()),
            _ => Err(Self::refused()),
        }
    }

    fn refused() -> crate::error::Error {
        invalid_arg_value("index tag kind must be \"sub\", \"sid\" or \"iss\"")
    }

    /// The kind's name: `sub`, `sid` or `iss`.
    pub fn name(self) -> &'static str {
        match self {
            TagKind::Subject => "sub",
            TagKind::SessionId => "sid",
            TagKind::Issuer => "iss",
        }
    }

    fn as_bytes(self) -> &'static [u8] {
        self.name().as_bytes()
    }
}

/// A stored value that opened for its id and has not ended.
#[derive(Debug)]
pub struct OpenedValue {
    /// The session's JSON text, exactly as sealed.
    pub session: String,
    /// Which secret opened it (0 is the newest): anything else means "seal it again".
    pub key_index: usize,
    /// Epoch seconds when the session ends.
    pub expires_at: f64,
    /// Epoch seconds when the value was written (`iat`); values written before it was recorded have none.
    pub written_at: Option<f64>,
}

/// The secrets of a store, newest first: values and index tags are written with the first, read with any.
pub struct StoreCipher {
    values: KeyRing,
    index_keys: Vec<DerivedKey>,
    lifetime: Lifetime,
}

impl fmt::Debug for StoreCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "StoreCipher({} secrets, <redacted>)",
            self.index_keys.len()
        )
    }
}

impl StoreCipher {
    /// Derives the value and index keys of every secret. At least one secret; none empty.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Result<Self> {
        let values = KeyRing::derived(secrets, VALUE_INFO)?;
        let index_keys = secrets
            .iter()
            .map(|s| keys::derive(s.as_ref(), INDEX_INFO))
            .collect();
        Ok(StoreCipher {
            values,
            index_keys,
            lifetime: Lifetime::default(),
        })
    }

    /// The same cipher, ending the sessions it writes by `lifetime` (the SDK's defaults otherwise).
    pub fn with_lifetime(self, lifetime: Lifetime) -> Self {
        StoreCipher { lifetime, ..self }
    }

    /// Seals the session `session_json` (checked as `SessionCipher.seal` checks by default) for `id`, ending
    /// at `expires_at`, written at `written_at` (recorded when given).
    pub fn seal(
        &self,
        id: &str,
        session_json: &str,
        expires_at: f64,
        written_at: Option<f64>,
    ) -> Result<String> {
        check_id(id)?;
        if session_json.len() > MAX_VALUE_BYTES {
            return Err(too_large(session_json.len()));
        }
        // The check SessionCipher.seal makes by default: whatever the SDK hands a store passes.
        if session::check_fast(session_json, Validation::Sdk).is_none() {
            let problems = session::check(session_json, Validation::Sdk);
            if !problems.is_empty() {
                return Err(session_invalid(session::describe(&problems)));
            }
        }
        let header = header_json(id, expires_at, written_at)?;
        let sealed_len = jwe::sealed_len(header.len(), session_json.len());
        if sealed_len > MAX_VALUE_BYTES {
            return Err(too_large(sealed_len));
        }
        jwe::encrypt(
            self.values.sealing(),
            &header,
            session_json.as_bytes().to_vec(),
        )
    }

    /// Opens a value read under `id` at `now` (epoch seconds). Refuses, with a coded error, anything that is
    /// not a stored value of this store, was altered, was sealed for another id, or has ended.
    pub fn open(&self, id: &str, value: &str, now: f64) -> Result<OpenedValue> {
        check_id(id)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(too_large(value.len()));
        }
        let now = finite_now(now)?;
        let opened = self.open_any_time(id, value)?;
        if opened.expires_at <= now {
            return Err(jwt_expired(format!(
                "the stored session ended at {}, now {now}",
                opened.expires_at
            )));
        }
        Ok(opened)
    }

    /// `open` without judging the end: what the value says, once it has authenticated for `id`.
    fn open_any_time(&self, id: &str, value: &str) -> Result<OpenedValue> {
        check_id(id)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(too_large(value.len()));
        }
        let jwe = CompactJwe::parse(value)?;
        if jwe.header.get("typ").and_then(Value::as_str) != Some(TYP) {
            return Err(jwe_invalid(format!(
                "not a session store value: the protected header's \"typ\" is not \"{TYP}\""
            )));
        }
        let bound_to = jwe
            .header
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let expires_at = jwe.header.get("exp").and_then(Value::as_f64);
        let written_at = jwe.header.get("iat").and_then(Value::as_f64);
        // Authenticate first: the header's id and exp mean something only once the tag has verified.
        let (plaintext, key_index) = jwe.decrypt(&self.values)?;
        if bound_to.as_deref() != Some(id) {
            return Err(claim_invalid(
                "the stored value is bound to another session id: it was copied, not written here",
            ));
        }
        let expires_at =
            expires_at.ok_or_else(|| claim_invalid("\"exp\" header parameter must be a number"))?;
        let session = jwe::utf8_without_bom(plaintext)
            .ok_or_else(|| jwt_invalid("the stored session is not UTF-8"))?;
        Ok(OpenedValue {
            session,
            key_index,
            expires_at,
            written_at,
        })
    }

    /// The ring of the value keys (e.g. to warn about short secrets).
    pub fn ring(&self) -> &KeyRing {
        &self.values
    }

    /// The index tag of `value` under every secret, newest first: writes use the first, lookups all of them.
    pub fn index_tags(&self, kind: TagKind, value: &str) -> Result<Vec<String>> {
        check_tagged_len(value.len())?;
        Ok(self
            .index_keys
            .iter()
            .map(|key| tag(key, kind, value))
            .collect())
    }

    /// The tag of `value` under the newest secret only: what a write stores.
    pub fn write_tag(&self, kind: TagKind, value: &str) -> Result<String> {
        check_tagged_len(value.len())?;
        Ok(tag(&self.index_keys[0], kind, value))
    }

    /// What a store writes for `session_json` under `id` at `now`: the sealed value ending when the session
    /// ends, the seconds until then (the TTL), and the index entries that point at it. A session that has
    /// already ended gets no value: the store deletes it (and those entries) instead.
    pub fn write(&self, id: &str, session_json: &str, now: f64) -> Result<StoreWrite> {
        check_id(id)?;
        if session_json.len() > MAX_VALUE_BYTES {
            return Err(too_large(session_json.len()));
        }
        let now = finite_now(now)?;
        let facts = SessionFacts::read(session_json);
        let entries = self.entries(0, id, &facts)?;
        let expires_at = self.lifetime.ends_at(&facts, now);
        if expires_at <= now {
            return Ok(StoreWrite {
                value: None,
                expires_at,
                ttl: 0.0,
                entries,
            });
        }
        let value = self.seal(id, session_json, expires_at, Some(now))?;
        Ok(StoreWrite {
            value: Some(value),
            expires_at,
            ttl: expires_at - now,
            entries,
        })
    }

    /// Opens a value read under `id` at `now`, as `open` does; when an older secret opened it, also what
    /// to write back: the value sealed again under the newest secret (same end, same `iat`), its entries
    /// under the newest secret's tags, and the older secret's entries to remove. A session that cannot be
    /// sealed again is still read (and stays under the older secret).
    pub fn read(&self, id: &str, value: &str, now: f64) -> Result<StoreRead> {
        let opened = self.open(id, value, now)?;
        let reseal = (opened.key_index > 0)
            .then(|| self.reseal(id, &opened).ok())
            .flatten();
        Ok(StoreRead { opened, reseal })
    }

    fn reseal(&self, id: &str, opened: &OpenedValue) -> Result<Reseal> {
        let facts = SessionFacts::read(&opened.session);
        Ok(Reseal {
            value: self.seal(id, &opened.session, opened.expires_at, opened.written_at)?,
            entries: self.entries(0, id, &facts)?,
            stale: self.entries(opened.key_index, id, &facts)?,
        })
    }

    /// The index entries of the value stored under `id`, under the secret that sealed it (its end not
    /// judged: a value about to expire still has entries to remove). None when it does not open for `id`.
    pub fn entries_of(&self, id: &str, value: &str) -> Vec<IndexEntry> {
        self.open_any_time(id, value)
            .and_then(|opened| {
                let facts = SessionFacts::read(&opened.session);
                self.entries(opened.key_index, id, &facts)
            })
            .unwrap_or_default()
    }
}

/// `HMAC-SHA256(key, kind ‖ 0x00 ‖ value)`, base64url, truncated to `TAG_CHARS`.
fn tag(key: &DerivedKey, kind: TagKind, value: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(kind.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    let mut tag = String::with_capacity(43);
    base64url::encode_into(&mac.finalize().into_bytes(), &mut tag);
    tag.truncate(TAG_CHARS);
    tag
}

/// `{"alg":"dir","enc":"A256GCM","typ":…,"id":…,"exp":…,"iat":…}` (`iat` when given); the id is escaped
/// as JSON.
fn header_json(id: &str, expires_at: f64, written_at: Option<f64>) -> Result<String> {
    for (value, name) in [(Some(expires_at), "expiresAt"), (written_at, "writtenAt")] {
        if value.is_some_and(|v| !(v.is_finite() && v > 0.0)) {
            return Err(invalid_arg_value(format!(
                "{name} must be a positive, finite number of epoch seconds"
            )));
        }
    }
    let id = serde_json::to_string(id).expect("strings serialize");
    let iat = match written_at {
        Some(at) => format!(r#","iat":{}"#, claims::js_number(at)?),
        None => String::new(),
    };
    Ok(format!(
        r#"{{"alg":"{}","enc":"{}","typ":"{TYP}","id":{id},"exp":{}{iat}}}"#,
        jwe::ALG,
        jwe::ENC,
        claims::js_number(expires_at)?
    ))
}

/// `now` as the store counts it: whole epoch seconds.
fn finite_now(now: f64) -> Result<f64> {
    if now.is_finite() {
        Ok(now.floor())
    } else {
        Err(invalid_arg_value(
            "now must be a finite number of epoch seconds",
        ))
    }
}

fn check_id(id: &str) -> Result<()> {
    check_id_len(id.len())
}

/// The length rule for session ids, for callers that know a length before they have the text.
pub fn check_id_len(len: usize) -> Result<()> {
    if len == 0 || len > MAX_ID_BYTES {
        return Err(invalid_arg_value(format!(
            "the session id must be 1 to {MAX_ID_BYTES} bytes, not {len}"
        )));
    }
    Ok(())
}

/// The length rule for tagged values, likewise.
pub fn check_tagged_len(len: usize) -> Result<()> {
    if len > MAX_TAGGED_BYTES {
        return Err(input_too_large(format!(
            "a value of {len} bytes is over the {MAX_TAGGED_BYTES}-byte limit for index tags"
        )));
    }
    Ok(())
}

fn too_large(len: usize) -> crate::error::Error {
    input_too_large(format!(
        "a stored session value of {len} bytes is over the {MAX_VALUE_BYTES}-byte limit"
    ))
}

/// What a write stores (`StoreCipher::write`).
#[derive(Debug)]
pub struct StoreWrite {
    /// The sealed value; `None` when the session has already ended.
    pub value: Option<String>,
    /// Epoch seconds when the session ends (the value's `exp`).
    pub expires_at: f64,
    /// Seconds from the write to `expires_at`: the TTL.
    pub ttl: f64,
    /// The index entries pointing at the session.
    pub entries: Vec<IndexEntry>,
}

/// A value read back (`StoreCipher::read`).
#[derive(Debug)]
pub struct StoreRead {
    /// The value, opened.
    pub opened: OpenedValue,
    /// What to write back when an older secret opened it.
    pub reseal: Option<Reseal>,
}

/// A value sealed again under the newest secret, and how its index entries move.
#[derive(Debug)]
pub struct Reseal {
    /// The new value: same session, same `exp` and `iat`.
    pub value: String,
    /// Its entries under the newest secret's tags.
    pub entries: Vec<IndexEntry>,
    /// Its entries under the older secret's tags, to remove.
    pub stale: Vec<IndexEntry>,
}

#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
