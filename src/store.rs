//! `StoreCipher` for JavaScript (used by `session-seal/redis`): values bound to their session id, under keys
//! of their own, and the keyed tags of the logout indexes.

use napi::bindgen_prelude::{Unknown, ValueType};
use napi::{Env, JsValue};
use napi_derive::napi;

use super::args;
use super::js::{type_word, Code, Js, Raw};
use super::{guard, warn_if_short_secret};
use session_seal_core::error::{invalid_arg_type, Result};
use session_seal_core::store::{
    check_id_len, check_tagged_len, StoreCipher as CoreStore, TagKind, MAX_ID_BYTES,
    MAX_TAGGED_BYTES, MAX_VALUE_BYTES,
};

/// Seals session values for a server-side store, bound to their session id; derives its keys once.
#[napi]
pub struct StoreCipher {
    inner: CoreStore,
}

#[napi]
impl StoreCipher {
    #[napi(constructor, ts_args_type = "options: StoreCipherOptions")]
    pub fn new(env: &Env, options: Unknown) -> napi::Result<Self, Code> {
        guard(|| {
            let js = Js::new(env);
            let options = js
                .options_object(Some(options.raw()), "options")?
                .ok_or_else(|| {
                    invalid_arg_type(
                        "new StoreCipher(options) needs an options object with a secret",
                    )
                })?;
            let secrets = args::secrets(&js, js.get(options, c"secret")?)?;
            let inner = CoreStore::new(&secrets)?;
            warn_if_short_secret(&js, inner.ring())?;
            Ok(StoreCipher { inner })
        })
    }

    /// Validates and seals `session` for `id`, ending at `expiresAt` (epoch seconds).
    #[napi(
        ts_args_type = "id: string, session: SessionData, expiresAt: number",
        ts_return_type = "string"
    )]
    pub fn seal<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        session: Unknown,
        expires_at: Unknown,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let id = bounded(&js, id.raw(), "id", MAX_ID_BYTES, check_id_len)?;
            let session = args::object_json(&js, session.raw(), "session")?;
            let expires_at = js.expect_number(expires_at.raw(), "expiresAt")?;
            let value = self.inner.seal(&id, &session, expires_at)?;
            Ok(js.unknown(js.create_string(&value)?))
        })
    }

    /// Opens a value read under `id`, throwing a coded error for a value that is altered, bound to another id,
    /// sealed under no listed secret, or past its end.
    #[napi(
        ts_args_type = "id: string, value: string, options?: ReadOptions",
        ts_return_type = "StoreOpenResult"
    )]
    pub fn open<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        value: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Unknown<'env>, Code> {
        guard(|| {
            let js = Js::new(env);
            let id = bounded(&js, id.raw(), "id", MAX_ID_BYTES, check_id_len)?;
            let value = args::cookie(&js, value.raw(), MAX_VALUE_BYTES)?;
            let now = args::now(&js, options.map(|o| o.raw()))?
                .unwrap_or_else(session_seal_core::claims::system_seconds);
            let opened = self.inner.open(&id, &value, now)?;
            let result = js.create_object(&[
                (c"session", js.parse(&opened.session)?),
                (c"keyIndex", js.create_number(opened.key_index as f64)?),
                (c"expiresAt", js.create_number(opened.expires_at)?),
            ])?;
            Ok(js.unknown(result))
        })
    }

    /// The index tag of `value` under every secret, newest first (`kind`: "sub", "sid" or "iss").
    #[napi(ts_args_type = "kind: 'sub' | 'sid' | 'iss', value: string")]
    pub fn index_tags(
        &self,
        env: &Env,
        kind: Unknown,
        value: Unknown,
    ) -> napi::Result<Vec<String>, Code> {
        guard(|| {
            let js = Js::new(env);
            let kind = TagKind::parse(&bounded(&js, kind.raw(), "kind", 3, TagKind::check_len)?)?;
            let value = bounded(
                &js,
                value.raw(),
                "value",
                MAX_TAGGED_BYTES,
                check_tagged_len,
            )?;
            self.inner.index_tags(kind, &value)
        })
    }

    /// The newest secret's tags of a session being written, in one call: `[sub, sid, iss]`, `""` for a
    /// value that is `null` or `undefined`.
    #[napi(
        ts_args_type = "sub: string | null | undefined, sid: string | null | undefined, iss: string | null | undefined"
    )]
    pub fn write_tags(
        &self,
        env: &Env,
        sub: Unknown,
        sid: Unknown,
        iss: Unknown,
    ) -> napi::Result<Vec<String>, Code> {
        guard(|| {
            let js = Js::new(env);
            [
                (TagKind::Subject, sub),
                (TagKind::SessionId, sid),
                (TagKind::Issuer, iss),
            ]
            .into_iter()
            .map(|(kind, value)| match js.type_of(value.raw())? {
                ValueType::Null | ValueType::Undefined => Ok(String::new()),
                _ => {
                    let name = kind.name();
                    let value =
                        bounded(&js, value.raw(), name, MAX_TAGGED_BYTES, check_tagged_len)?;
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
    js: &Js,
    value: Raw,
    name: &str,
    max: usize,
    rule: fn(usize) -> Result<()>,
) -> Result<String> {
    let kind = js.type_of(value)?;
    if kind != ValueType::String {
        return Err(invalid_arg_type(format!(
            "{name} must be a string, got {}",
            type_word(kind)
        )));
    }
    let units = js.utf16_len(value)?;
    if units > max {
        rule(units)?;
    }
    let text = js.string(value)?;
    rule(text.len())?;
    Ok(text)
}
