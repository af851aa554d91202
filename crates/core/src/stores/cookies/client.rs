//! What the SDK's `Auth0Client` adds on top of its stateless store, so that an adapter replacing
//! `auth0.getSession()`, `auth0.updateSession()` and the store's `delete` crosses once per call and
//! decides nothing: the custom-domain rule, the current session's `internal` kept on update, the request's
//! cookies after a write as `{ name, value }` pairs (the jar read once), and a stateful `{ id }` cookie met
//! where a session belongs told apart from a session. (Its stateful store is `stateful`.)

use super::*;

/// What `auth0.getSession()` finds in a jar that should hold a stateless session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrentSession {
    /// The session: the IdP ceiling not reached, created for this app's Auth0 domain.
    Found(String),
    /// No session: no cookie, a bad, expired or foreign one, or one past the IdP ceiling.
    Absent,
    /// A stateful session's `{ id }` cookie: the session lives in a store this reader was not given. The
    /// SDK's stateless store would hand the `{ id, exp }` payload over as the session; here it is none.
    StatefulId,
}

impl CurrentSession {
    /// The session, if there is one.
    pub fn into_option(self) -> Option<String> {
        match self {
            CurrentSession::Found(session) => Some(session),
            CurrentSession::Absent | CurrentSession::StatefulId => None,
        }
    }

    /// The session an update builds on: none is the SDK's `ERR_NOT_AUTHENTICATED`.
    pub fn require(self) -> Result<String> {
        self.into_option()
            .ok_or_else(|| not_authenticated("The user is not authenticated."))
    }
}

/// What `update_session` did.
#[derive(Debug, Clone)]
pub struct SessionUpdate {
    /// The write: its `Set-Cookie` list, size budget and the request's cookies after it.
    pub write: WriteOutcome,
    /// The session written: the caller's, its `internal` the current session's (the SDK's
    /// `{ ...session, internal: { ...existing.internal } }`).
    pub session: String,
}

impl SessionCookies {
    /// `auth0.getSession()`: the store's read (the IdP ceiling applied), a stateful `{ id }` payload told
    /// apart, then the SDK's custom-domain rule: a session carrying `internal.mcd` must have been created for
    /// this app's Auth0 domain, else `session_domain_mismatch`. The session is parsed once for all three.
    pub fn get_session(&self, jar: &Jar, clock: Clock) -> Result<CurrentSession> {
        let Some(session) = self.open_session(jar, clock) else {
            return Ok(CurrentSession::Absent);
        };
        {
            let clean = crate::json::without_lone_surrogates(&session);
            let view = SessionView::of(&clean);
            if view.ceiling_reached(clock.now) {
                return Ok(CurrentSession::Absent);
            }
            if view.is_id_payload() {
                return Ok(CurrentSession::StatefulId);
            }
            check_domain(&view, self.auth0_domain())?;
        }
        Ok(self
            .with_connection_token_sets(session, jar, clock)
            .map_or(CurrentSession::Absent, CurrentSession::Found))
    }

    /// `auth0.updateSession(session)` on what `get_session` found in `jar` (none is
    /// `ERR_NOT_AUTHENTICATED`): `session` written with the current session's `internal`, into the same jar,
    /// dated by `clock`.
    pub fn update_session(
        &self,
        current: CurrentSession,
        jar: &Jar,
        session_json: &str,
        clock: Clock,
        validation: Validation,
    ) -> Result<SessionUpdate> {
        let current = current.require()?;
        let session = with_internal_of(session_json, &current)?;
        let write = self.write(&session, jar, clock.now, validation)?;
        Ok(SessionUpdate { write, session })
    }
}

/// The SDK's `{ ...session, internal: { ...current.internal } }` on JSON text.
pub(super) fn with_internal_of(session_json: &str, current_json: &str) -> Result<String> {
    set_member(session_json, "internal", &spread_internal(current_json))
}

/// A jar as JSON `[{"name":…,"value":…}]`, in its order (one `JSON.parse` on the JavaScript side).
pub fn request_cookies_json(jar: &Jar) -> String {
    let mut out = String::with_capacity(jar.iter().map(|(n, v)| n.len() + v.len() + 24).sum());
    out.push('[');
    for (i, (name, value)) in jar.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"name\":");
        push_json_string(name, &mut out);
        out.push_str(",\"value\":");
        push_json_string(value, &mut out);
        out.push('}');
    }
    out.push(']');
    out
}

/// `updateSession`'s refusal of a session argument by its kind (JavaScript's `typeof` word, or `array`):
/// none at all is the SDK's "The session data is missing.".
pub fn require_session(kind: &str) -> Result<()> {
    match kind {
        "undefined" | "null" => Err(invalid_arg_value("The session data is missing.")),
        kind => crate::input::require_object("session", kind),
    }
}

/// The SDK's check, `if (session.internal?.mcd) { if (session.internal.mcd.domain !== domain) throw }`:
/// `mcd` counts when it is truthy, and its `domain` must be the string `domain` (both absent also match,
/// as `undefined === undefined`).
pub(super) fn check_domain(session: &SessionView, domain: Option<&str>) -> Result<()> {
    let Some(mcd) = session.mcd() else {
        return Ok(());
    };
    if !js_truthy(mcd) {
        return Ok(());
    }
    let session_domain = member(mcd, "domain");
    let same = match (session_domain, domain) {
        (None, None) => true,
        (Some(raw), Some(domain)) => serde_json::from_str::<String>(raw).is_ok_and(|d| d == domain),
        _ => false,
    };
    if same {
        return Ok(());
    }
    Err(session_domain_mismatch(format!(
        "Session was created for domain '{}' but the current request is for domain '{}'. \
         This may indicate a cross-domain session reuse attempt.",
        session_domain.map_or_else(|| "undefined".to_string(), js_string),
        domain.unwrap_or("undefined"),
    )))
}

/// A member of a JSON object's text, as raw text; `None` when the text is no object or lacks it.
fn member<'a>(object_json: &'a str, key: &str) -> Option<&'a str> {
    if !object_json.starts_with('{') {
        return None;
    }
    top_level(object_json).ok()?.get(key).map(|raw| raw.get())
}

/// JavaScript's truthiness of a JSON value: `null`, `false`, `0` and `""` are falsy.
fn js_truthy(raw: &str) -> bool {
    match raw {
        "null" | "false" | "\"\"" => false,
        number if number.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => {
            number.parse::<f64>().is_ok_and(|n| n != 0.0)
        }
        _ => true,
    }
}

/// JavaScript's `String(value)` of a JSON value, as a template literal interpolates it.
fn js_string(raw: &str) -> String {
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string()),
        Some(b'{') => "[object Object]".to_string(),
        Some(b'[') => serde_json::from_str::<Vec<&RawValue>>(raw).map_or_else(
            |_| raw.to_string(),
            |items| {
                let strings: Vec<String> = items
                    .iter()
                    .map(|item| match item.get() {
                        "null" => String::new(),
                        other => js_string(other),
                    })
                    .collect();
                strings.join(",")
            },
        ),
        Some(b'-' | b'0'..=b'9') => raw
            .parse::<f64>()
            .map_or_else(|_| raw.to_string(), js_number),
        _ => raw.to_string(),
    }
}

/// `{ ...internal }` of the current session, as JSON: an object's members as they are; a string's UTF-16
/// units and an array's items by index; nothing of any other value (or of none).
fn spread_internal(current_json: &str) -> String {
    let clean = crate::json::without_lone_surrogates(current_json);
    let Some(raw) = member(&clean, "internal") else {
        return "{}".to_string();
    };
    // The member as the original text has it (lone surrogates kept, as JavaScript keeps them).
    let raw = crate::json::same_place(current_json, &clean, raw);
    let mut out = String::from("{");
    let mut push = |index: usize, value: &str| {
        if index > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{index}\":{value}");
    };
    match raw.as_bytes().first() {
        Some(b'{') => return raw.to_string(),
        Some(b'"') => {
            let text = serde_json::from_str::<String>(raw).unwrap_or_default();
            for (index, unit) in text.encode_utf16().enumerate() {
                let value = match char::from_u32(unit.into()) {
                    Some(c) => serde_json::to_string(&c).expect("chars serialize"),
                    None => format!("\"\\u{unit:04x}\""),
                };
                push(index, &value);
            }
        }
        Some(b'[') => {
            for (index, item) in serde_json::from_str::<Vec<&RawValue>>(raw)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                push(index, item.get());
            }
        }
        _ => {}
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores::cookies::test_support::*;

    fn domain_check(session_json: &str, domain: Option<&str>) -> Result<()> {
        let clean = crate::json::without_lone_surrogates(session_json);
        check_domain(&SessionView::of(&clean), domain)
    }

    fn with_mcd(mcd: &str) -> String {
        format!(
            r#"{{"user":{{"sub":"u"}},"tokenSet":{{"accessToken":"at","expiresAt":1}},"internal":{{"sid":"s","createdAt":{NOW},"mcd":{mcd}}}}}"#
        )
    }

    #[test]
    fn the_custom_domain_rule_is_the_sdks() {
        let same = r#"{"domain":"a.example.com","issuer":"https://a.example.com/"}"#;
        assert!(domain_check(&with_mcd(same), Some("a.example.com")).is_ok());
        let e = domain_check(&with_mcd(same), Some("b.example.com")).unwrap_err();
        assert_eq!(e.code, ErrorCode::SessionDomainMismatch);
        assert_eq!(
            e.message,
            "Session was created for domain 'a.example.com' but the current request is for domain \
             'b.example.com'. This may indicate a cross-domain session reuse attempt."
        );
        // No configured domain: `mcd.domain !== undefined`.
        let e = domain_check(&with_mcd(same), None).unwrap_err();
        assert!(e.message.ends_with(
            "for domain 'undefined'. This may indicate a cross-domain session reuse attempt."
        ));
        // Falsy `mcd` is no `mcd`; a truthy one without `domain` matches only an absent domain.
        for falsy in ["null", "false", "0", "\"\"", "-0"] {
            assert!(domain_check(&with_mcd(falsy), Some("x")).is_ok(), "{falsy}");
        }
        assert!(domain_check(&with_mcd("{}"), None).is_ok());
        let e = domain_check(&with_mcd("{}"), Some("x")).unwrap_err();
        assert!(e
            .message
            .starts_with("Session was created for domain 'undefined'"));
        let e = domain_check(&with_mcd(r#"{"domain":[1,null,"b"]}"#), Some("x")).unwrap_err();
        assert!(e
            .message
            .starts_with("Session was created for domain '1,,b'"));
        let e = domain_check(&with_mcd(r#"{"domain":1e2}"#), Some("100")).unwrap_err();
        assert!(e
            .message
            .starts_with("Session was created for domain '100'"));
        assert!(domain_check(r#"{"internal":"mcd"}"#, Some("x")).is_ok());
        assert!(domain_check(r#"{"user":{}}"#, Some("x")).is_ok());
    }

    #[test]
    fn internal_is_spread_as_javascript_spreads_it() {
        let session = |internal: &str| format!(r#"{{"user":{{}},"internal":{internal}}}"#);
        assert_eq!(
            spread_internal(&session(r#"{"sid":"s","createdAt":1}"#)),
            r#"{"sid":"s","createdAt":1}"#
        );
        assert_eq!(
            spread_internal(&session(r#""a😀""#)),
            r#"{"0":"a","1":"\ud83d","2":"\ude00"}"#
        );
        assert_eq!(
            spread_internal(&session(r#"[1,{"a":2}]"#)),
            r#"{"0":1,"1":{"a":2}}"#
        );
        for nothing in ["null", "5", "true"] {
            assert_eq!(spread_internal(&session(nothing)), "{}");
        }
        assert_eq!(spread_internal(r#"{"user":{}}"#), "{}");
        assert_eq!(
            spread_internal(r#"{"internal":{"\ud800":1}}"#),
            r#"{"\ud800":1}"#,
            "lone surrogates kept"
        );
    }

    #[test]
    fn get_update_and_delete_in_one_call_each() {
        let s = store(CookieConfig::default());
        let current = session(NOW, "");
        let cookie = s.cipher().seal_payload(&current, NOW + 60.0, None).unwrap();
        let jar = Jar::from_iter([("__session", cookie.as_str()), ("theme", "dark")]);
        assert_eq!(
            s.get_session(&jar, at(NOW)).unwrap().require().unwrap(),
            format!("{},\"exp\":{}}}", &current[..current.len() - 1], NOW + 60.0)
        );
        assert_eq!(
            s.get_session(&Jar::new(), at(NOW)).unwrap(),
            CurrentSession::Absent
        );

        // The caller's session, its internal replaced in place by the current one's.
        let update = r#"{"user":{"sub":"u2"},"internal":{"sid":"forged","createdAt":1},"tokenSet":{"accessToken":"b","expiresAt":2}}"#;
        let done = s
            .update_session(
                s.get_session(&jar, at(NOW + 1.0)).unwrap(),
                &jar,
                update,
                at(NOW + 1.0),
                Validation::Sdk,
            )
            .unwrap();
        assert_eq!(
            done.session,
            format!(
                r#"{{"user":{{"sub":"u2"}},"internal":{{"sid":"s","createdAt":{NOW}}},"tokenSet":{{"accessToken":"b","expiresAt":2}}}}"#
            )
        );
        assert_eq!(names(&done.write.cookies)[0], "__session");
        let after: Vec<_> = done.write.jar.iter().map(|(n, _)| n).collect();
        assert_eq!(after, ["__session", "theme"]);
        let read_back = s
            .get_session(&done.write.jar, at(NOW + 1.0))
            .unwrap()
            .require()
            .unwrap();
        assert!(read_back.contains(r#""sub":"u2""#) && read_back.contains(r#""sid":"s""#));

        let e = s
            .update_session(
                CurrentSession::Absent,
                &Jar::new(),
                update,
                at(NOW),
                Validation::Sdk,
            )
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::NotAuthenticated,
                "The user is not authenticated."
            )
        );
        assert_eq!(
            require_session("null").unwrap_err().message,
            "The session data is missing."
        );
        assert_eq!(
            require_session("string").unwrap_err().code,
            ErrorCode::InvalidArgType
        );
        assert!(require_session("object").is_ok());
    }

    #[test]
    fn a_stateful_id_cookie_is_no_session_where_a_stateless_one_belongs() {
        let s = store(CookieConfig::default());
        let cookie = s
            .cipher()
            .seal_payload(r#"{"id":"abc"}"#, NOW + 60.0, None)
            .unwrap();
        let jar = Jar::from_iter([("__session", cookie.as_str())]);
        // The store's read hands the payload over, as the SDK's stateless store does; getSession does not.
        assert!(s
            .read(&jar, at(NOW))
            .unwrap()
            .starts_with(r#"{"id":"abc","exp":"#));
        assert_eq!(
            s.get_session(&jar, at(NOW)).unwrap(),
            CurrentSession::StatefulId
        );
        let e = s
            .update_session(
                CurrentSession::StatefulId,
                &jar,
                &session(NOW, ""),
                at(NOW),
                Validation::Sdk,
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotAuthenticated);
        // A session that merely has an `id` member is a session.
        let with_id = format!(r#"{{"id":"x",{}"#, &session(NOW, "")[1..]);
        let cookie = s.cipher().seal_payload(&with_id, NOW + 60.0, None).unwrap();
        let jar = Jar::from_iter([("__session", cookie.as_str())]);
        assert!(matches!(
            s.get_session(&jar, at(NOW)).unwrap(),
            CurrentSession::Found(_)
        ));
    }

    #[test]
    fn a_session_of_another_custom_domain_is_refused_on_read_and_update() {
        let mut options = SessionCookiesOptions {
            secret: Secrets::new(vec![SECRET.to_string()]),
            auth0_domain: Some("b.example.com".into()),
            ..Default::default()
        };
        let s = SessionCookies::from_options(options.clone()).unwrap();
        let mcd = with_mcd(r#"{"domain":"a.example.com","issuer":"https://a.example.com/"}"#);
        let cookie = s.cipher().seal_payload(&mcd, NOW + 60.0, None).unwrap();
        let jar = Jar::from_iter([("__session", cookie.as_str())]);
        assert_eq!(
            s.get_session(&jar, at(NOW)).unwrap_err().code,
            ErrorCode::SessionDomainMismatch
        );
        assert_eq!(
            s.get_session(&jar, at(NOW))
                .and_then(|current| s.update_session(current, &jar, &mcd, at(NOW), Validation::Sdk))
                .unwrap_err()
                .code,
            ErrorCode::SessionDomainMismatch
        );
        options.auth0_domain = Some("a.example.com".into());
        let s = SessionCookies::from_options(options).unwrap();
        assert!(matches!(
            s.get_session(&jar, at(NOW)).unwrap(),
            CurrentSession::Found(_)
        ));
    }
}
