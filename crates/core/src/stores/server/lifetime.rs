//! When a stored session ends, and the facts of a session that decide it (and its index keys).

use super::*;

/// How long a stored session lives: the SDK's `session` settings, which the store must be given because the
/// SDK does not pass them to a `SessionDataStore`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lifetime {
    /// Seconds from `internal.createdAt` a session lives at most.
    pub absolute_duration: f64,
    /// Seconds of inactivity after which a rolling session ends.
    pub inactivity_duration: f64,
    /// Whether each write extends the session by `inactivity_duration`.
    pub rolling: bool,
}

impl Default for Lifetime {
    fn default() -> Self {
        Lifetime {
            absolute_duration: DEFAULT_ABSOLUTE_DURATION,
            inactivity_duration: DEFAULT_INACTIVITY_DURATION,
            rolling: true,
        }
    }
}

impl Lifetime {
    /// The durations given, the SDK's defaults where absent; each a positive, finite number of seconds.
    pub fn new(
        absolute: Option<f64>,
        inactivity: Option<f64>,
        rolling: Option<bool>,
    ) -> Result<Self> {
        let defaults = Lifetime::default();
        let seconds = |value: Option<f64>, default, name| match value {
            None => Ok(default),
            Some(v) if v.is_finite() && v > 0.0 => Ok(v),
            Some(_) => Err(invalid_arg_value(format!(
                "{name} must be a positive, finite number of seconds"
            ))),
        };
        Ok(Lifetime {
            absolute_duration: seconds(absolute, defaults.absolute_duration, "absoluteDuration")?,
            inactivity_duration: seconds(
                inactivity,
                defaults.inactivity_duration,
                "inactivityDuration",
            )?,
            rolling: rolling.unwrap_or(defaults.rolling),
        })
    }

    /// When a session written at `now` ends, as the SDK bounds its cookie: `createdAt + absoluteDuration`
    /// (`now` standing in for a missing `createdAt`), with rolling no later than `now + inactivityDuration`,
    /// and never after the IdP's `internal.sessionExpiresAt`. Whole seconds.
    pub fn ends_at(&self, facts: &SessionFacts, now: f64) -> f64 {
        let mut end = facts.created_at.unwrap_or(now) + self.absolute_duration;
        if self.rolling {
            end = end.min(now + self.inactivity_duration);
        }
        if let Some(ceiling) = facts.session_expires_at {
            end = end.min(ceiling);
        }
        end.floor()
    }
}

/// What the store reads from a session: the keys of its indexes and the moments that bound its life. A
/// member of the wrong type counts as absent, as the SDK's own `typeof` checks have it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SessionFacts {
    /// `user.sub`.
    pub sub: Option<String>,
    /// `internal.sid`.
    pub sid: Option<String>,
    /// `internal.mcd.issuer`, else the `iss` of `tokenSet.idToken`; without trailing `/`.
    pub issuer: Option<String>,
    /// `internal.createdAt`.
    pub created_at: Option<f64>,
    /// `internal.sessionExpiresAt`, the IdP's ceiling.
    pub session_expires_at: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Shape<'a> {
    #[serde(borrow)]
    user: Option<&'a RawValue>,
    #[serde(borrow)]
    internal: Option<&'a RawValue>,
    #[serde(borrow, rename = "tokenSet")]
    token_set: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Internal<'a> {
    #[serde(borrow)]
    sid: Option<&'a RawValue>,
    #[serde(borrow, rename = "createdAt")]
    created_at: Option<&'a RawValue>,
    #[serde(borrow, rename = "sessionExpiresAt")]
    session_expires_at: Option<&'a RawValue>,
    #[serde(borrow)]
    mcd: Option<&'a RawValue>,
}

impl SessionFacts {
    /// The facts of a session's JSON text; what cannot be read is absent.
    pub fn read(session_json: &str) -> SessionFacts {
        // A lone surrogate escape reads as U+FFFD, as it does once JavaScript hands the string to the addon.
        let clean = without_lone_surrogates(session_json);
        let shape: Shape = serde_json::from_str(&clean).unwrap_or_default();
        let internal: Internal = object(shape.internal);
        let issuer = field(object_member(internal.mcd, "issuer"))
            .and_then(|iss: String| normalize_issuer(&iss).map(str::to_owned))
            .or_else(|| id_token_issuer(field(object_member(shape.token_set, "idToken"))?));
        SessionFacts {
            sub: field(object_member(shape.user, "sub")),
            sid: field(internal.sid),
            issuer,
            created_at: field(internal.created_at),
            session_expires_at: field(internal.session_expires_at),
        }
    }
}

/// An object member as a `T` (a string, a number), `None` when absent or of another type.
fn field<T: for<'de> Deserialize<'de>>(raw: Option<&RawValue>) -> Option<T> {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok())
}

fn object<'a, T: Deserialize<'a> + Default>(raw: Option<&'a RawValue>) -> T {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default()
}

/// `raw[name]` for an object `raw`; nothing for anything else.
fn object_member<'a>(raw: Option<&'a RawValue>, name: &str) -> Option<&'a RawValue> {
    let members: std::collections::HashMap<std::borrow::Cow<'a, str>, &'a RawValue> =
        serde_json::from_str(raw?.get()).ok()?;
    members.get(name).copied()
}

/// The `iss` of an ID token the SDK verified when it made the session: only read, never trusted for more.
fn id_token_issuer(id_token: String) -> Option<String> {
    let payload = base64url::decode_like_jose(id_token.split('.').nth(1)?)?;
    let claims: std::collections::HashMap<String, Value> = serde_json::from_slice(&payload).ok()?;
    normalize_issuer(claims.get("iss")?.as_str()?).map(str::to_owned)
}

/// `https://tenant.example.com/` and `https://tenant.example.com` name the same issuer; empty is none.
pub(super) fn normalize_issuer(iss: &str) -> Option<&str> {
    Some(iss.trim_end_matches('/')).filter(|iss| !iss.is_empty())
}
