//! What is inside a cookie jar, for people debugging sessions (the `session-seal inspect` command).
//!
//! It finds the session cookie the way the SDK's stores do (`__session`, its chunks, then the v3
//! `appSession` cookie or chunks), opens it, and says what it found: the format, which secret matched,
//! the chunks and their size — or, when the cookie is there but will not open, the coded error why.

use serde_json::{json, Value};

use crate::json::{parse_value, without_lone_surrogates};

use crate::cipher::legacy::{self, SigningKeys};
use crate::error::{Error, ErrorCode};
use crate::payload::claims::Clock;
use crate::stores::cookies::{
    chunk_index, connection_cookie_index, get_chunked_cookie, Jar, SessionCookies,
};
use crate::stores::cookies::{LEGACY_COOKIE_NAME, SESSION_SIZE_WARN_BYTES};

/// How a session cookie is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// A v4 stateless cookie: the whole session, encrypted.
    V4,
    /// A v3 stateless `appSession` cookie (protected header with `iat`), converted on read.
    V3Legacy,
    /// A stateful cookie: an encrypted `{ id }`, the session itself lives in a store.
    StatefulId,
    /// A v3 stateful cookie: `id.signature`, signed, not encrypted.
    V3SignedId,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::V4 => "v4",
            Format::V3Legacy => "v3-legacy",
            Format::StatefulId => "stateful-id",
            Format::V3SignedId => "v3-signed-id",
        }
    }
}

/// Where in the jar the session cookie was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// The cookie family: the configured name or `appSession`.
    pub name: String,
    /// The chunk cookies joined, in order; empty when the cookie is not chunked.
    pub chunks: Vec<String>,
    /// The (joined) cookie value.
    pub value: String,
    /// `name=value` bytes of the cookies read, summed as the SDK counts its session size.
    pub bytes: usize,
}

/// Finds the session cookie as the stores do; `None` when the jar holds none.
pub(crate) fn locate(name: &str, jar: &Jar) -> Option<Located> {
    [(name, false), (LEGACY_COOKIE_NAME, true)]
        .into_iter()
        .find_map(|(family, legacy)| {
            let value = get_chunked_cookie(family, jar, legacy)?;
            let unchunked = jar.get(family).is_some_and(|v| !v.is_empty());
            let mut chunks: Vec<(f64, &str, &str)> = if unchunked {
                Vec::new()
            } else {
                jar.iter()
                    .filter_map(|(n, v)| chunk_index(n, family, legacy).map(|i| (i, n, v)))
                    .collect()
            };
            chunks.sort_by(|a, b| a.0.total_cmp(&b.0));
            let bytes = if unchunked {
                family.len() + 1 + value.len()
            } else {
                chunks.iter().map(|(_, n, v)| n.len() + 1 + v.len()).sum()
            };
            Some(Located {
                name: family.to_string(),
                chunks: chunks.into_iter().map(|(_, n, _)| n.to_string()).collect(),
                value,
                bytes,
            })
        })
        .filter(|found| !found.value.is_empty())
}

/// Describes the session cookie of `jar` as JSON (for the binding), or `None` when there is none.
/// A cookie that is present but does not open is described with its error, never returned as one.
pub fn inspect(cookies: &SessionCookies, jar: &Jar, clock: Clock) -> Option<Value> {
    let found = locate(&cookies.config().name, jar)?;
    let mut report = json!({
        "cookie": found.name,
        "chunks": found.chunks,
        "bytes": found.bytes,
        "overBudget": found.bytes >= SESSION_SIZE_WARN_BYTES,
        "connectionCookies": jar.iter().filter(|(n, _)| connection_cookie_index(n).is_some()).count(),
    });
    let details = match cookies.cipher().open(&found.value, clock) {
        Ok(opened) => {
            let key_index = opened.key_index;
            let payload =
                parse_value(&without_lone_surrogates(&opened.payload)).unwrap_or(Value::Null);
            let format = if legacy::is_legacy_header(&opened.header.params) {
                Format::V3Legacy
            } else if is_id_payload(&payload) {
                Format::StatefulId
            } else {
                Format::V4
            };
            let header =
                parse_value(&without_lone_surrogates(&opened.header.json)).unwrap_or(Value::Null);
            // The session exactly as `read` hands it over, connection token sets included.
            let session = match format {
                Format::StatefulId => Value::Null,
                _ => cookies
                    .read(jar, clock)
                    .and_then(|s| parse_value(&without_lone_surrogates(&s)).ok())
                    .unwrap_or(Value::Null),
            };
            json!({
                "format": format.as_str(),
                "keyIndex": key_index,
                "protectedHeader": header,
                "payload": payload,
                "session": session,
            })
        }
        Err(error) => match signed_id(cookies.signing(), &found.name, &found.value, &error) {
            Some((id, key_index)) => json!({
                "format": Format::V3SignedId.as_str(),
                "keyIndex": key_index,
                "payload": { "id": id },
            }),
            None => json!({ "error": { "code": error.code.as_str(), "message": error.message } }),
        },
    };
    merge(&mut report, details);
    Some(report)
}

/// The stateful payload: `{ id }` (with the `exp` every sealed payload carries) and nothing of a session.
fn is_id_payload(payload: &Value) -> bool {
    payload.as_object().is_some_and(|members| {
        members.get("id").is_some_and(Value::is_string)
            && members.keys().all(|k| k == "id" || k == "exp")
    })
}

/// A v3 signed stateful cookie, tried only when the value is not a JWE at all (as the SDK does).
fn signed_id(
    keys: &SigningKeys,
    name: &str,
    value: &str,
    error: &Error,
) -> Option<(String, usize)> {
    if error.code != ErrorCode::JweInvalid {
        return None;
    }
    keys.verify_with_index(name, value)
        .map(|(id, index)| (id.to_string(), index))
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cipher::CipherOptions;
    use crate::payload::session::Validation;
    use crate::stores::cookies::CookieConfig;

    const NOW: f64 = 1_795_000_000.0;

    fn cookies(secrets: &[&str]) -> SessionCookies {
        SessionCookies::new(secrets, CipherOptions::default(), CookieConfig::default()).unwrap()
    }

    fn clock() -> Clock {
        Clock::new(NOW, 15.0).unwrap()
    }

    fn session(size: usize) -> String {
        format!(
            r#"{{"user":{{"sub":"auth0|1","name":"{}"}},"tokenSet":{{"accessToken":"at","expiresAt":1}},"internal":{{"sid":"s","createdAt":{NOW}}}}}"#,
            "x".repeat(size)
        )
    }

    #[test]
    fn a_chunked_v4_session_is_located_and_described() {
        let store = cookies(&["new-secret", "old-secret"]);
        let old = cookies(&["old-secret"]);
        let written = old
            .write(&session(5000), &Jar::new(), NOW, Validation::Strict)
            .unwrap();
        let report = inspect(&store, &written.jar, clock()).unwrap();
        assert_eq!(report["cookie"], "__session");
        assert_eq!(report["chunks"], json!(["__session__0", "__session__1"]));
        assert_eq!(report["bytes"], written.bytes);
        assert_eq!(report["overBudget"], true);
        assert_eq!(report["format"], "v4");
        assert_eq!(report["keyIndex"], 1);
        assert_eq!(report["session"]["user"]["sub"], "auth0|1");
    }

    #[test]
    fn id_cookies_and_v3_signed_cookies_are_told_apart() {
        let store = cookies(&["a-secret"]);
        let write = store
            .write_session_id(Some("abc"), NOW, &Jar::new(), NOW)
            .unwrap();
        let jar: Jar = [(
            write.cookies[0].name.as_str(),
            write.cookies[0].value.as_str(),
        )]
        .into_iter()
        .collect();
        let report = inspect(&store, &jar, clock()).unwrap();
        assert_eq!(
            (report["format"].as_str(), report["payload"]["id"].as_str()),
            (Some("stateful-id"), Some("abc"))
        );
        assert_eq!(report["session"], Value::Null);

        let signed = store.signing().sign("appSession", "0123abcd");
        let jar: Jar = [("appSession", signed.as_str())].into_iter().collect();
        let report = inspect(&store, &jar, clock()).unwrap();
        assert_eq!(report["format"], "v3-signed-id");
        assert_eq!(report["cookie"], "appSession");
        assert_eq!(report["payload"]["id"], "0123abcd");
    }

    #[test]
    fn a_cookie_that_will_not_open_is_described_with_its_error() {
        let store = cookies(&["a-secret"]);
        let written = cookies(&["another"])
            .write(&session(10), &Jar::new(), NOW, Validation::Strict)
            .unwrap();
        let report = inspect(&store, &written.jar, clock()).unwrap();
        assert_eq!(report["error"]["code"], "ERR_JWE_DECRYPTION_FAILED");
        assert!(report.get("format").is_none());
        let expired = Clock::new(NOW + 10.0 * 86_400.0, 15.0).unwrap();
        let report = inspect(&cookies(&["another"]), &written.jar, expired).unwrap();
        assert_eq!(report["error"]["code"], "ERR_JWT_EXPIRED");
    }

    #[test]
    fn no_session_cookie_is_none() {
        let jar: Jar = [("other", "1"), ("__session__1", "gap")]
            .into_iter()
            .collect();
        assert!(inspect(&cookies(&["s"]), &jar, clock()).is_none());
    }
}
