//! When a stored session ends, and the facts of a session that decide it (and its index keys).

use super::*;
use crate::payload::session::scan::{Scanner, Type};

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

/// One member of an object, read without building the others: `$name` is the struct, `$json` the member.
macro_rules! member {
    ($name:ident, $field:ident, $json:literal) => {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct $name<'a> {
            #[serde(borrow, rename = $json)]
            $field: Option<&'a RawValue>,
        }
    };
}
member!(User, sub, "sub");
member!(Mcd, issuer, "issuer");
member!(TokenSet, id_token, "idToken");
member!(IdTokenClaims, iss, "iss");

impl SessionFacts {
    /// The facts of a session's JSON text; what cannot be read is absent.
    pub fn read(session_json: &str) -> SessionFacts {
        // What `JSON.stringify` writes in practice takes the fast scanner's one pass; anything else, serde.
        read_fast(session_json).unwrap_or_else(|| Self::read_serde(session_json))
    }

    /// `read` with serde: the reference the fast scanner's answers are held to.
    pub(super) fn read_serde(session_json: &str) -> SessionFacts {
        // A lone surrogate escape reads as U+FFFD, as it does once JavaScript hands the string to the addon.
        let clean = without_lone_surrogates(session_json);
        let shape: Shape = serde_json::from_str(&clean).unwrap_or_default();
        let internal: Internal = object(shape.internal);
        let issuer = issuer(
            object::<Mcd>(internal.mcd).issuer,
            object::<TokenSet>(shape.token_set).id_token,
        );
        SessionFacts {
            sub: field(object::<User>(shape.user).sub),
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

/// `SessionFacts::read` with the fast scanner (strings without escapes, plain numbers); `None` to leave the
/// text to serde. A member read twice counts the last time, as in JavaScript.
pub(super) fn read_fast(text: &str) -> Option<SessionFacts> {
    let mut scan = Scanner::new(text);
    let mut facts = SessionFacts::default();
    let (mut mcd_issuer, mut id_token) = (None, None);
    members(&mut scan, |scan, key| match key {
        b"user" => {
            facts.sub = None;
            members(scan, |scan, key| {
                match key {
                    b"sub" => facts.sub = string(scan, text)?,
                    _ => skip(scan)?,
                }
                Some(())
            })
        }
        b"internal" => {
            (
                facts.sid,
                facts.created_at,
                facts.session_expires_at,
                mcd_issuer,
            ) = (None, None, None, None);
            members(scan, |scan, key| {
                match key {
                    b"sid" => facts.sid = string(scan, text)?,
                    b"createdAt" => facts.created_at = number(scan, text)?,
                    b"sessionExpiresAt" => facts.session_expires_at = number(scan, text)?,
                    b"mcd" => {
                        mcd_issuer = None;
                        members(scan, |scan, key| {
                            match key {
                                b"issuer" => mcd_issuer = string(scan, text)?,
                                _ => skip(scan)?,
                            }
                            Some(())
                        })?
                    }
                    _ => skip(scan)?,
                }
                Some(())
            })
        }
        b"tokenSet" => {
            id_token = None;
            members(scan, |scan, key| {
                match key {
                    b"idToken" => id_token = string(scan, text)?,
                    _ => skip(scan)?,
                }
                Some(())
            })
        }
        _ => skip(scan),
    })?;
    scan.at_end().then_some(())?;
    facts.issuer = mcd_issuer
        .and_then(|iss: String| normalize_issuer(&iss).map(str::to_owned))
        .or_else(|| id_token_issuer(id_token?));
    Some(facts)
}

/// Each member of the object at the cursor, given to `member` with its key; anything else is skipped.
fn members<'a>(
    scan: &mut Scanner<'a>,
    mut member: impl FnMut(&mut Scanner<'a>, &'a [u8]) -> Option<()>,
) -> Option<()> {
    if scan.peek()? != b'{' {
        return skip(scan);
    }
    scan.begin_object()?;
    let mut first = true;
    while let Some(key) = scan.next_key(first)? {
        member(scan, key)?;
        first = false;
    }
    Some(())
}

fn skip(scan: &mut Scanner) -> Option<()> {
    scan.value().map(|_| ())
}

/// The string at the cursor in `text` (`Some(None)` for a value of another type).
fn string(scan: &mut Scanner, text: &str) -> Option<Option<String>> {
    let (kind, start, end) = scan.value()?;
    if kind != Type::String {
        return Some(None);
    }
    text.get(start + 1..end - 1).map(|s| Some(s.to_owned()))
}

/// The number at the cursor in `text` (`Some(None)` for a value of another type).
fn number(scan: &mut Scanner, text: &str) -> Option<Option<f64>> {
    let (kind, start, end) = scan.value()?;
    if kind != Type::Number {
        return Some(None);
    }
    text.get(start..end)?.parse().ok().map(Some)
}

/// The MCD metadata's issuer, else the ID token's.
fn issuer(mcd_issuer: Option<&RawValue>, id_token: Option<&RawValue>) -> Option<String> {
    field(mcd_issuer)
        .and_then(|iss: String| normalize_issuer(&iss).map(str::to_owned))
        .or_else(|| id_token_issuer(field(id_token)?))
}

/// The `iss` of an ID token the SDK verified when it made the session: only read, never trusted for more.
fn id_token_issuer(id_token: String) -> Option<String> {
    let payload = base64url::decode_like_jose(id_token.split('.').nth(1)?)?;
    let payload = std::str::from_utf8(&payload).ok()?;
    let iss: String = field(serde_json::from_str::<IdTokenClaims>(payload).ok()?.iss)?;
    normalize_issuer(&iss).map(str::to_owned)
}

/// `https://tenant.example.com/` and `https://tenant.example.com` name the same issuer; empty is none.
pub(super) fn normalize_issuer(iss: &str) -> Option<&str> {
    Some(iss.trim_end_matches('/')).filter(|iss| !iss.is_empty())
}
