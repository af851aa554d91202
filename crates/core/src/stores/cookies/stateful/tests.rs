use super::*;
use crate::stores::cookies::test_support::*;

/// A request whose `__session` cookie is the SDK's `{ id }` cookie for `id`.
fn id_jar(s: &SessionCookies, id: &str) -> Jar {
    let cookie = s
        .cipher()
        .seal_payload(&format!(r#"{{"id":"{id}"}}"#), NOW + 60.0, None)
        .unwrap();
    Jar::from_iter([("__session", cookie.as_str()), ("theme", "dark")])
}

fn calls(list: &[StoreCall]) -> Vec<(&'static str, &str, bool)> {
    list.iter()
        .map(|c| (c.method.as_str(), c.id.as_str(), c.required))
        .collect()
}

#[test]
fn a_lookup_names_the_id_and_the_stored_session_is_judged_as_get_session_judges_it() {
    let s = store(CookieConfig::default());
    let mut lookup = s.lookup(id_jar(&s, "abc"), at(NOW));
    assert_eq!(lookup.id(), Some("abc"));
    let stored = session(NOW, "");
    let read = lookup.judge(&s, Some(&stored), at(NOW)).unwrap();
    assert_eq!(read.session.as_deref(), Some(stored.as_str()));
    assert!(read.calls.is_empty());

    // Nothing stored, or no id to ask for: no session.
    assert_eq!(lookup.judge(&s, None, at(NOW)).unwrap().session, None);
    let mut none = s.lookup(Jar::new(), at(NOW));
    assert_eq!(none.id(), None);
    assert_eq!(
        none.judge(&s, Some(&stored), at(NOW)).unwrap().session,
        None
    );
}

#[test]
fn past_the_ceiling_the_stored_session_is_deleted_in_the_background() {
    let s = store(CookieConfig::default());
    let mut lookup = s.lookup(id_jar(&s, "abc"), at(NOW));
    let stored = format!(
        r#"{{"user":{{"sub":"u"}},"internal":{{"sid":"s","createdAt":{NOW},"sessionExpiresAt":{}}}}}"#,
        NOW + 20.0
    );
    let read = lookup.judge(&s, Some(&stored), at(NOW)).unwrap();
    assert_eq!(read.session, None);
    assert_eq!(calls(&read.calls), [("delete", "abc", false)]);
    assert!(read.calls[0].background.is_some());
    // And nothing to update.
    let e = lookup
        .update(&s, &session(NOW, ""), true, at(NOW), Validation::Sdk)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAuthenticated);
}

#[test]
fn another_custom_domains_stored_session_is_refused() {
    let options = SessionCookiesOptions {
        secret: Secrets::new(vec![SECRET.to_string()]),
        auth0_domain: Some("b.example.com".into()),
        ..Default::default()
    };
    let s = SessionCookies::from_options(options).unwrap();
    let mut lookup = s.lookup(id_jar(&s, "abc"), at(NOW));
    let stored = format!(
        r#"{{"user":{{"sub":"u"}},"internal":{{"sid":"s","createdAt":{NOW},"mcd":{{"domain":"a.example.com"}}}}}}"#
    );
    let e = lookup.judge(&s, Some(&stored), at(NOW)).unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionDomainMismatch);
}

#[test]
fn a_v3_apps_stored_session_is_converted() {
    let s = store(CookieConfig::default());
    let mut lookup = s.lookup(id_jar(&s, "abc"), at(NOW));
    let stored = r#"{"header":{"iat":1700000000,"uat":1700000000,"exp":1700003600},"data":{"user":{"sub":"u","sid":"s1"},"idToken":"i","accessToken":"a","accessTokenScope":"openid","accessTokenExpiresAt":5}}"#;
    let read = lookup.judge(&s, Some(stored), at(NOW)).unwrap();
    assert_eq!(
        read.session.unwrap(),
        r#"{"user":{"sub":"u","sid":"s1"},"tokenSet":{"idToken":"i","accessToken":"a","scope":"openid","expiresAt":5},"internal":{"sid":"s1","createdAt":1700000000}}"#
    );
    // A falsy `iat` is no v3 session: kept as it is.
    let kept = r#"{"header":{"iat":0},"data":{},"user":{"sub":"u"}}"#;
    assert_eq!(
        lookup
            .judge(&s, Some(kept), at(NOW))
            .unwrap()
            .session
            .as_deref(),
        Some(kept)
    );
}

#[test]
fn an_update_plans_the_sdks_store_calls_and_the_rolled_id_cookie() {
    let s = store(CookieConfig::default());
    let mut lookup = s.lookup(id_jar(&s, "abc"), at(NOW));
    lookup
        .judge(&s, Some(&session(NOW - 100.0, "")), at(NOW))
        .unwrap();
    let update = r#"{"user":{"sub":"u2"},"internal":{"sid":"forged","createdAt":1}}"#;

    let with_update = lookup
        .update(&s, update, true, at(NOW), Validation::Sdk)
        .unwrap();
    assert_eq!(calls(&with_update.calls), [("update", "abc", true)]);
    assert_eq!(
        with_update.session,
        format!(
            r#"{{"user":{{"sub":"u2"}},"internal":{{"sid":"s","createdAt":{}}}}}"#,
            NOW - 100.0
        )
    );
    assert_eq!(names(&with_update.cookies), ["__session"]);
    assert_eq!(
        with_update.cookies[0].options.max_age,
        Some(DEFAULT_INACTIVITY_DURATION)
    );
    // The request carries the rolled cookie, which holds the same id.
    assert_eq!(
        with_update.jar.get("__session"),
        Some(with_update.cookies[0].value.as_str())
    );
    assert_eq!(with_update.jar.get("theme"), Some("dark"));
    assert_eq!(
        s.read_session_id(&with_update.jar, at(NOW)).as_deref(),
        Some("abc")
    );

    let without = lookup
        .update(&s, update, false, at(NOW), Validation::Sdk)
        .unwrap();
    assert_eq!(
        calls(&without.calls),
        [("get", "abc", true), ("set", "abc", false)]
    );
    // The session is checked as a stateless write checks it.
    let e = lookup
        .update(&s, r#"{"user":"nobody"}"#, true, at(NOW), Validation::Sdk)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionInvalid);
}

#[test]
fn a_v3_cookies_id_is_not_carried_over_a_new_one_is_stored_and_app_session_deleted() {
    let s = store(CookieConfig::default());
    let signed = s.signing().sign(LEGACY_COOKIE_NAME, "old-id");
    let mut lookup = s.lookup(
        Jar::from_iter([(LEGACY_COOKIE_NAME, signed.as_str())]),
        at(NOW),
    );
    assert_eq!(lookup.id(), Some("old-id"));
    lookup.judge(&s, Some(&session(NOW, "")), at(NOW)).unwrap();
    let write = lookup
        .update(&s, &session(NOW, ""), true, at(NOW), Validation::Sdk)
        .unwrap();
    let [set] = write.calls.as_slice() else {
        panic!("{:?}", write.calls)
    };
    assert_eq!((set.method, set.required), (StoreMethod::Set, false));
    assert_eq!(set.id.len(), 32);
    assert_ne!(set.id, "old-id");
    assert_eq!(names(&write.cookies), ["__session", "-appSession"]);
    assert_eq!(
        s.read_session_id(&write.jar, at(NOW)).as_deref(),
        Some(set.id.as_str())
    );
}

#[test]
fn without_a_judged_session_there_is_nothing_to_update() {
    let s = store(CookieConfig::default());
    let lookup = s.lookup(id_jar(&s, "abc"), at(NOW));
    let e = lookup
        .update(&s, &session(NOW, ""), true, at(NOW), Validation::Sdk)
        .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::NotAuthenticated,
            "The user is not authenticated."
        )
    );
}

#[test]
fn a_sign_out_deletes_the_cookies_and_the_v4_cookies_stored_session() {
    let s = store(CookieConfig::default());
    let mut jar = id_jar(&s, "abc");
    jar.set(LEGACY_COOKIE_NAME, "old");
    let done = s.delete_stored(&jar, at(NOW));
    assert_eq!(calls(&done.calls), [("delete", "abc", false)]);
    assert_eq!(names(&done.cookies), ["-__session", "-appSession"]);
    // A v3 signed cookie: its cookie deleted, its stored session left, as the SDK does.
    let signed = s.signing().sign(LEGACY_COOKIE_NAME, "old-id");
    let done = s.delete_stored(
        &Jar::from_iter([(LEGACY_COOKIE_NAME, signed.as_str())]),
        at(NOW),
    );
    assert!(done.calls.is_empty());
    assert_eq!(names(&done.cookies), ["-__session", "-appSession"]);
}
