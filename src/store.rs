//! `StoreCipher` for JavaScript (used by `session-seal/redis`): values bound to their session id, under keys
//! of their own, and the keyed tags of the logout indexes.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsString, ValueType};
use napi_derive::napi;

use crate::args::{self, ReadOptions};
use crate::js::{self, CreateString, Json};
use crate::options::read_options;
use crate::{guard, warn_if_short_secret, Code};
use session_seal_core::error::{Error, Result};
use session_seal_core::input::wrong_type;
use session_seal_core::jose::Secrets;
use session_seal_core::payload::system_seconds;
use session_seal_core::stores::server::{
    check_id_len, check_tagged_len, StoreCipher as CoreStore, TagKind, MAX_ID_BYTES,
    MAX_TAGGED_BYTES, MAX_VALUE_BYTES,
};

/// Options of `StoreCipher`, the sealing of `session-seal/redis`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct StoreCipherOptions {
    /// The secret, or a list: the first seals, every one opens. Keys of their own are derived from it.
    #[napi(ts_type = "string | string[]")]
    pub secret: Secrets,
}

read_options! {
    StoreCipherOptions in "options"
        required "new StoreCipher(options) needs an options object with a secret"
    {
        secret: args::secret,
    }
}

/// A stored value that opened for its session id.
#[napi(object, object_from_js = false)]
pub struct StoreOpenResult {
    #[napi(ts_type = "SessionData")]
    pub session: Json,
    /// Which secret opened it: 0 is the newest. Seal it again when it is not 0.
    pub key_index: u32,
    /// Epoch seconds when the session ends (the value's `exp`).
    pub expires_at: f64,
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
            let inner = CoreStore::new(options.secret.as_slice())?;
            warn_if_short_secret(env, inner.ring())?;
            Ok(StoreCipher { inner })
        })
    }

    /// Validates and seals `session` for `id`, ending at `expiresAt` (epoch seconds).
    #[napi]
    pub fn seal<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] id: Unknown,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        #[napi(ts_arg_type = "number")] expires_at: Unknown,
    ) -> napi::Result<JsString<'env>, Code> {
        guard(|| {
            let id = bounded(id, "id", MAX_ID_BYTES, check_id_len)?;
            let session = args::object_json(session, "session")?;
            let expires_at = args::number(expires_at, "expiresAt")?;
            let value = self.inner.seal(&id, &session, expires_at)?;
            env.create_cookie_string(&value)
        })
    }

    /// Opens a value read under `id`, throwing a coded error for a value that is altered, bound to another id,
    /// sealed under no listed secret, or past its end.
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
            let opened = self.inner.open(&id, &value, now)?;
            Ok(StoreOpenResult {
                session: Json(opened.session),
                key_index: opened.key_index as u32,
                expires_at: opened.expires_at,
            })
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

    /// The newest secret's tags of a session being written, in one call: `[sub, sid, iss]`, `""` for a
    /// value that is `null` or `undefined`.
    #[napi]
    pub fn write_tags(
        &self,
        #[napi(ts_arg_type = "string | null | undefined")] sub: Unknown,
        #[napi(ts_arg_type = "string | null | undefined")] sid: Unknown,
        #[napi(ts_arg_type = "string | null | undefined")] iss: Unknown,
    ) -> napi::Result<Vec<String>, Code> {
        guard(|| {
            [
                (TagKind::Subject, sub),
                (TagKind::SessionId, sid),
                (TagKind::Issuer, iss),
            ]
            .into_iter()
            .map(|(kind, value)| match args::kind(value)? {
                ValueType::Null | ValueType::Undefined => Ok(String::new()),
                _ => {
                    let value = bounded(value, kind.name(), MAX_TAGGED_BYTES, check_tagged_len)?;
                    self.inner.write_tag(kind, &value)
                }
            })
            .collect()
        })
    }
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
