//! The session's JSON as the stores handle it: taken apart for `set`, the absolute-duration ceiling, and
//! single members read without parsing the rest.

use super::*;

/// A session taken apart as the stateless store's `set` needs it.
pub(super) struct SessionParts<'a> {
    /// The session without `connectionTokenSets` (`{ connectionTokenSets, ...rest }`).
    pub(super) rest: Cow<'a, str>,
    pub(super) connection_token_sets: Vec<&'a RawValue>,
    /// `internal.createdAt`, NaN when it is not a number.
    pub(super) created_at: f64,
}

impl<'a> SessionParts<'a> {
    pub(super) fn split(session_json: &'a str) -> Result<Self> {
        let members: IndexMap<String, &'a RawValue> = top_level(session_json)?;
        let created_at = created_at(&members)?;
        let (rest, connection_token_sets) = match members.get("connectionTokenSets") {
            None => (Cow::Borrowed(session_json), Vec::new()),
            Some(raw) => {
                let sets = match raw.get() {
                    "null" => Vec::new(),
                    text if text.starts_with('[') => {
                        serde_json::from_str::<Vec<&RawValue>>(text)
                            .map_err(|e| session_invalid(format!("connectionTokenSets: {e}")))?
                    }
                    _ => {
                        return Err(session_invalid(
                            "connectionTokenSets: must be an array of connection token sets",
                        ))
                    }
                };
                let mut rest = String::with_capacity(session_json.len());
                rest.push('{');
                let mut first = true;
                for (key, value) in members.iter().filter(|(k, _)| *k != "connectionTokenSets") {
                    if !first {
                        rest.push(',');
                    }
                    first = false;
                    push_json_string(key, &mut rest);
                    rest.push(':');
                    rest.push_str(value.get());
                }
                rest.push('}');
                (Cow::Owned(rest), sets)
            }
        };
        Ok(SessionParts {
            rest,
            connection_token_sets,
            created_at,
        })
    }
}

/// `internal.createdAt`, which the stores' `set` reads for the cookie's `maxAge`: a JSON number as JavaScript
/// reads it (`1e400` is Infinity), NaN for anything else; no `internal` object is refused.
fn created_at(members: &IndexMap<String, &RawValue>) -> Result<f64> {
    match members.get("internal").map(|raw| raw.get()) {
        Some(raw) if raw.starts_with('{') => Ok(top_level(raw)?
            .get("createdAt")
            .map(|raw| raw.get())
            .filter(|text| text.starts_with(|c: char| c == '-' || c.is_ascii_digit()))
            .and_then(|text| text.parse::<f64>().ok())
            .unwrap_or(f64::NAN)),
        _ => Err(session_invalid(
            "internal: must be an object with createdAt (the store reads internal.createdAt)",
        )),
    }
}

/// [`created_at`] of a session's JSON text.
pub(super) fn session_created_at(session_json: &str) -> Result<f64> {
    created_at(&top_level(session_json)?)
}

/// The top-level members of a JSON object, values left as raw text. A repeated key keeps its first place
/// and its last value, as `JSON.parse` does.
pub(super) fn top_level(json: &str) -> Result<IndexMap<String, &RawValue>> {
    serde_json::from_str(json).map_err(|e| invalid_arg_value(format!("not a JSON object: {e}")))
}

/// `{ ...object, [key]: value }` on JSON text: an existing member keeps its place, a new one goes last.
pub(super) fn set_member(object_json: &str, key: &str, value_json: &str) -> Result<String> {
    let members = top_level(object_json)?;
    let mut out = String::with_capacity(object_json.len() + key.len() + value_json.len() + 4);
    out.push('{');
    let mut replaced = false;
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(k, &mut out);
        out.push(':');
        if k == key {
            out.push_str(value_json);
            replaced = true;
        } else {
            out.push_str(v.get());
        }
    }
    if !replaced {
        if !members.is_empty() {
            out.push(',');
        }
        push_json_string(key, &mut out);
        out.push(':');
        out.push_str(value_json);
    }
    out.push('}');
    Ok(out)
}

/// `getSession()` refuses a session once the upstream IdP's ceiling, `internal.sessionExpiresAt`, is
/// within this many seconds (the SDK's `SESSION_EXPIRY_LEEWAY_SECONDS`: never served after the ceiling).
const SESSION_CEILING_LEEWAY: f64 = 30.0;

/// A session's top level and its `internal`, parsed once for the rules that judge a session after it is
/// opened or fetched: the IdP ceiling, the custom-domain rule, the stateful `{ id }` payload. Built on the
/// text `without_lone_surrogates` gives: member names JavaScript reads but serde cannot decode (a lone
/// surrogate escape) are swapped for U+FFFD, the same structure, and no such name is one these rules read.
pub(super) struct SessionView<'a> {
    /// `None` when the text is no object serde can read.
    members: Option<IndexMap<String, &'a RawValue>>,
    internal: Internal<'a>,
}

enum Internal<'a> {
    /// Absent, or not an object (`{ ...internal }` of it has no members these rules read).
    None,
    /// An object serde cannot read.
    Unreadable,
    Members(IndexMap<String, &'a RawValue>),
}

impl<'a> SessionView<'a> {
    pub(super) fn of(clean: &'a str) -> Self {
        let members = top_level(clean).ok();
        let internal = match members.as_ref().and_then(|m| m.get("internal")) {
            Some(raw) if raw.get().starts_with('{') => match top_level(raw.get()) {
                Ok(members) => Internal::Members(members),
                Err(_) => Internal::Unreadable,
            },
            _ => Internal::None,
        };
        SessionView { members, internal }
    }

    /// The SDK's `isSessionCeilingReached`, which its `getSession()` applies on top of the store's `get`
    /// (apps replace `getSession()` with `read`, so `read` applies it too). An absent or `null` ceiling is
    /// never reached; other values compare as JavaScript's `now >= sessionExpiresAt - 30` coerces them. A
    /// session that cannot be read counts as past its ceiling, as the SDK would refuse it too.
    pub(super) fn ceiling_reached(&self, now: f64) -> bool {
        if self.members.is_none() {
            return true;
        }
        match &self.internal {
            Internal::None => false,
            Internal::Unreadable => true,
            Internal::Members(internal) => internal
                .get("sessionExpiresAt")
                .map(|raw| js_to_number(raw.get()))
                .is_some_and(|ceiling| now >= ceiling - SESSION_CEILING_LEEWAY),
        }
    }

    /// `internal.mcd` as raw JSON text, when `internal` is an object that has it.
    pub(super) fn mcd(&self) -> Option<&'a str> {
        match &self.internal {
            Internal::Members(internal) => internal.get("mcd").map(|raw| raw.get()),
            _ => None,
        }
    }

    /// A stateful session's cookie payload: `{ id }` (with the `exp` every sealed payload carries) and
    /// nothing of a session. The stateless store hands it over as a session; no session has this shape.
    pub(super) fn is_id_payload(&self) -> bool {
        self.members.as_ref().is_some_and(|members| {
            members
                .get("id")
                .is_some_and(|raw| raw.get().starts_with('"'))
                && members.keys().all(|k| k == "id" || k == "exp")
        })
    }
}

/// [`SessionView::ceiling_reached`] of a session's JSON text.
pub(super) fn session_ceiling_reached(session_json: &str, now: f64) -> bool {
    SessionView::of(&crate::json::without_lone_surrogates(session_json)).ceiling_reached(now)
}

/// JavaScript's `Number(value)` for the JSON text of a value (`null` taken as absent by the caller):
/// numbers as they are, booleans 1/0, strings by their trimmed decimal text (empty is 0), `[]` 0 and a
/// one-number array that number; anything else `NaN`, which compares false.
fn js_to_number(raw: &str) -> f64 {
    let decimal = |text: &str| match text.trim() {
        "" => 0.0,
        t => t
            .parse::<f64>()
            .ok()
            .filter(|_| !t.contains(['i', 'I', 'n', 'N']))
            .unwrap_or(f64::NAN),
    };
    match raw {
        "null" => f64::NAN,
        "true" => 1.0,
        "false" => 0.0,
        "[]" => 0.0,
        text if text.starts_with('"') => {
            serde_json::from_str::<String>(text).map_or(f64::NAN, |s| decimal(&s))
        }
        text if text.starts_with('[') => {
            serde_json::from_str::<[f64; 1]>(text).map_or(f64::NAN, |[n]| n)
        }
        text => text.parse::<f64>().unwrap_or(f64::NAN),
    }
}

/// A top-level string member of a JSON object.
pub(super) fn string_member(object_json: &str, key: &str) -> Option<String> {
    let members = top_level(object_json).ok()?;
    serde_json::from_str::<String>(members.get(key)?.get()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_ceiling_is_reached_30_seconds_early_and_only_by_a_number() {
        let session = |ceiling: &str| {
            format!(
                r#"{{"user":{{"sub":"u"}},"internal":{{"sid":"s","createdAt":1,"sessionExpiresAt":{ceiling}}}}}"#
            )
        };
        assert!(session_ceiling_reached(&session("1000"), 970.0));
        assert!(!session_ceiling_reached(&session("1000"), 969.0));
        assert!(session_ceiling_reached(&session("1e3"), 2000.0));
        // As JavaScript coerces them: `now >= value - 30`.
        for reached in [
            "\"970\"",
            "\" 970 \"",
            "\"\"",
            "true",
            "false",
            "[]",
            "[970]",
        ] {
            assert!(
                session_ceiling_reached(&session(reached), 5000.0),
                "{reached}"
            );
        }
        for never in ["null", "{}", "\"soon\"", "\"Infinity\"", "[1,2]", "[\"x\"]"] {
            assert!(!session_ceiling_reached(&session(never), 5000.0), "{never}");
        }
        assert!(!session_ceiling_reached(
            r#"{"internal":{"sid":"s"}}"#,
            5000.0
        ));
        assert!(!session_ceiling_reached(r#"{"user":{}}"#, 5000.0));
    }

    #[test]
    fn a_lone_surrogate_in_a_member_name_does_not_hide_the_ceiling() {
        // `JSON.parse` reads these member names (and the SDK then refuses the session at its ceiling);
        // serde refuses to decode them, and that refusal must not read as "no ceiling".
        for session in [
            r#"{"\ud800":1,"internal":{"sid":"s","createdAt":1,"sessionExpiresAt":1000}}"#,
            r#"{"internal":{"\udc00x":1,"sid":"s","createdAt":1,"sessionExpiresAt":1000}}"#,
            r#"{"user":{"\ud83d":2},"internal":{"sessionExpiresAt":1000,"\ud800":"\udfff"}}"#,
        ] {
            assert!(session_ceiling_reached(session, 5000.0), "{session}");
            assert!(!session_ceiling_reached(session, 900.0), "{session}");
        }
    }
}
