//! The store's rules: when a session ends, what a write and a read give, index entries and their twins, what
//! a logout removes, what a listing shows, and the fast reading of a session held to serde's.

use super::tests::{code, store, ID, NOW};
use super::*;

/// A session of `sub` in IdP session `sid`, created `age` seconds before `NOW`, with `extra` internal members.
fn session_of(sub: &str, sid: &str, age: f64, extra: &str) -> String {
    format!(
        r#"{{"user":{{"sub":"{sub}"}},"tokenSet":{{"accessToken":"at","expiresAt":1}},"internal":{{"sid":"{sid}","createdAt":{}{extra}}}}}"#,
        NOW - age
    )
}

fn ends(lifetime: Lifetime, session: &str) -> f64 {
    lifetime.ends_at(&SessionFacts::read(session), NOW) - NOW
}

#[test]
fn a_session_ends_as_the_sdk_bounds_its_cookie() {
    let defaults = Lifetime::default();
    assert_eq!(
        (
            defaults.absolute_duration,
            defaults.inactivity_duration,
            defaults.rolling
        ),
        (259_200.0, 86_400.0, true)
    );
    // Inactivity (1 day) before absolute (3 days from createdAt).
    assert_eq!(ends(defaults, &session_of("u", "s", 10.0, "")), 86_400.0);
    let short = Lifetime::new(Some(3600.0), Some(600.0), None).unwrap();
    assert_eq!(ends(short, &session_of("u", "s", 3300.0, "")), 300.0);
    assert_eq!(ends(short, &session_of("u", "s", 100.0, "")), 600.0);
    let fixed = Lifetime::new(Some(3600.0), Some(600.0), Some(false)).unwrap();
    assert_eq!(ends(fixed, &session_of("u", "s", 100.0, "")), 3500.0);
    // The IdP's ceiling comes first when it is earlier; a fraction of a second is dropped.
    let ceiling = format!(r#","sessionExpiresAt":{}"#, NOW + 120.5);
    assert_eq!(ends(defaults, &session_of("u", "s", 10.0, &ceiling)), 120.0);
    // No createdAt, or one that is not a number: the session starts now.
    for session in [
        r#"{"user":{"sub":"u"}}"#,
        r#"{"user":{"sub":"u"},"internal":{"createdAt":"1700000000"}}"#,
        r#"{"user":{"sub":"u"},"internal":null}"#,
    ] {
        assert_eq!(ends(fixed, session), 3600.0, "{session}");
    }
    // Past its absolute duration: ended.
    assert!(ends(short, &session_of("u", "s", 4000.0, "")) < 0.0);
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        for lifetime in [
            Lifetime::new(Some(bad), None, None),
            Lifetime::new(None, Some(bad), None),
        ] {
            assert_eq!(code(lifetime), "ERR_INVALID_ARG_VALUE");
        }
    }
}

#[test]
fn facts_are_read_as_javascript_reads_them() {
    let mut payload = String::new();
    crate::primitives::base64url::encode_into(
        br#"{"iss":"https://id-token.example.com/","sub":"u"}"#,
        &mut payload,
    );
    let with_token = format!(
        r#"{{"user":{{"sub":"u"}},"tokenSet":{{"idToken":"eyJhbGciOiJSUzI1NiJ9.{payload}.sig"}},"internal":{{"sid":"s"}}}}"#
    );
    let facts = SessionFacts::read(&with_token);
    assert_eq!(
        facts.issuer.as_deref(),
        Some("https://id-token.example.com")
    );
    // The MCD metadata's issuer wins over the ID token's.
    let mcd = with_token.replace(
        r#""sid":"s""#,
        r#""sid":"s","mcd":{"domain":"a.example.com","issuer":"https://a.example.com//"}"#,
    );
    assert_eq!(
        SessionFacts::read(&mcd).issuer.as_deref(),
        Some("https://a.example.com")
    );
    assert_eq!(
        SessionFacts::read(r#"{"internal":{"mcd":{"issuer":"///"}}}"#).issuer,
        None
    );
    // Members of another type are absent; a lone surrogate reads as U+FFFD, as it reaches the addon.
    let odd = SessionFacts::read(
        r#"{"user":{"sub":5},"internal":{"sid":["s"],"sessionExpiresAt":"9","createdAt":1.5}}"#,
    );
    assert_eq!(
        odd,
        SessionFacts {
            created_at: Some(1.5),
            ..SessionFacts::default()
        }
    );
    assert_eq!(
        SessionFacts::read(r#"{"user":{"sub":"a\ud800b"}}"#)
            .sub
            .as_deref(),
        Some("a\u{fffd}b")
    );
    assert_eq!(SessionFacts::read("not json"), SessionFacts::default());
    // A member that is not the object SessionData has there leaves the others readable.
    let odd_user =
        SessionFacts::read(r#"{"user":"u","internal":{"sid":"s","mcd":7},"tokenSet":[]}"#);
    assert_eq!(
        (odd_user.sub, odd_user.sid.as_deref(), odd_user.issuer),
        (None, Some("s"), None)
    );
}

fn header_of(value: &str) -> Value {
    let segment = value.split('.').next().unwrap();
    serde_json::from_slice(&crate::primitives::base64url::decode(segment).unwrap()).unwrap()
}

#[test]
fn a_write_seals_until_the_end_and_names_its_index_entries() {
    let s =
        store(&["secret"]).with_lifetime(Lifetime::new(Some(3600.0), Some(600.0), None).unwrap());
    let session = session_of("auth0|1", "sid-1", 100.0, "");
    let written = s.write(ID, &session, NOW + 0.75).unwrap();
    assert_eq!((written.expires_at, written.ttl), (NOW + 600.0, 600.0));
    let value = written.value.unwrap();
    let header = header_of(&value);
    assert_eq!(
        (header["exp"].as_f64(), header["iat"].as_f64()),
        (Some(NOW + 600.0), Some(NOW))
    );
    let opened = s.open(ID, &value, NOW).unwrap();
    assert_eq!(
        (opened.session.as_str(), opened.written_at),
        (session.as_str(), Some(NOW))
    );

    let sub = s.index_tags(TagKind::Subject, "auth0|1").unwrap().remove(0);
    let sid = s.index_tags(TagKind::SessionId, "sid-1").unwrap().remove(0);
    assert_eq!(
        written.entries,
        vec![
            IndexEntry {
                kind: TagKind::Subject,
                tag: sub.clone(),
                member: format!(".{sid}.{ID}")
            },
            IndexEntry {
                kind: TagKind::SessionId,
                tag: sid,
                member: format!(".{sub}.{ID}")
            },
        ]
    );
    // The issuer's tag leads each member; a session without sid has only its subject entry.
    let mcd = r#","mcd":{"issuer":"https://a.example.com/"}"#;
    let with_issuer = s
        .write(ID, &session_of("auth0|1", "sid-1", 1.0, mcd), NOW)
        .unwrap();
    let issuer = s
        .index_tags(TagKind::Issuer, "https://a.example.com")
        .unwrap()
        .remove(0);
    let cut = &issuer[..ISSUER_MEMBER_CHARS];
    assert!(with_issuer
        .entries
        .iter()
        .all(|e| e.member.starts_with(&format!("{cut}."))));
    // 64 bytes with an SDK id: Redis keeps an index of such members compact.
    assert!(with_issuer.entries.iter().all(|e| e.member.len() == 64));
    let no_sid = SessionFacts {
        sub: Some("auth0|1".into()),
        ..SessionFacts::default()
    };
    assert_eq!(
        s.entries(0, ID, &no_sid).unwrap(),
        vec![IndexEntry {
            kind: TagKind::Subject,
            tag: sub,
            member: format!("..{ID}")
        }]
    );

    // An ended session is not sealed (the store deletes it), but its entries are named for removal.
    let ended = s
        .write(ID, &session_of("auth0|1", "sid-1", 4000.0, ""), NOW)
        .unwrap();
    assert_eq!(
        (ended.value, ended.ttl, ended.entries.len()),
        (None, 0.0, 2)
    );
    // Refused before any work: a sub too long to tag, an invalid session, a bad clock.
    let long = session_of(&"u".repeat(MAX_TAGGED_BYTES + 1), "s", 1.0, "");
    assert_eq!(code(s.write(ID, &long, NOW)), "ERR_INPUT_TOO_LARGE");
    assert_eq!(
        code(s.write(ID, r#"{"user":{}}"#, NOW)),
        "ERR_SESSION_INVALID"
    );
    assert_eq!(
        code(s.write(ID, &session, f64::NAN)),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(code(s.write("", &session, NOW)), "ERR_INVALID_ARG_VALUE");
}

#[test]
fn a_read_under_an_older_secret_reseals_and_moves_the_entries() {
    let session = session_of("auth0|1", "sid-1", 10.0, "");
    let old = store(&["old"]);
    let value = old.write(ID, &session, NOW).unwrap().value.unwrap();
    assert!(old.read(ID, &value, NOW).unwrap().reseal.is_none());

    let rotated = store(&["new", "old"]);
    let read = rotated.read(ID, &value, NOW + 5.0).unwrap();
    assert_eq!(
        (read.opened.session.as_str(), read.opened.key_index),
        (session.as_str(), 1)
    );
    let reseal = read.reseal.unwrap();
    let again = store(&["new"]).open(ID, &reseal.value, NOW).unwrap();
    // Same session, same end, same write time: re-sealing is not activity.
    assert_eq!(
        (again.session, again.expires_at, again.written_at),
        (session.clone(), read.opened.expires_at, Some(NOW))
    );
    assert_eq!(
        reseal.entries,
        store(&["new"]).write(ID, &session, NOW).unwrap().entries
    );
    assert_eq!(reseal.stale, old.write(ID, &session, NOW).unwrap().entries);

    // A session that opens but cannot be sealed again (its sub is too long to tag) is still read.
    let long = session_of(&"u".repeat(MAX_TAGGED_BYTES + 1), "s", 1.0, "");
    let value = old.seal(ID, &long, NOW + 60.0, None).unwrap();
    let read = rotated.read(ID, &value, NOW).unwrap();
    assert_eq!((read.opened.session, read.reseal.is_none()), (long, true));
    assert_eq!(
        code(rotated.read(ID, &value, NOW + 60.0)),
        "ERR_JWT_EXPIRED"
    );
}

#[test]
fn the_entries_of_a_stored_value_are_those_it_was_written_with() {
    let session = session_of("auth0|1", "sid-1", 10.0, "");
    let old = store(&["old"]);
    let written = old.write(ID, &session, NOW).unwrap();
    let value = written.value.unwrap();
    let rotated = store(&["new", "old"]);
    assert_eq!(rotated.entries_of(ID, &value), written.entries);
    // Past its end too (Redis may not have dropped it yet); nothing for a value that does not open.
    let ended = old.seal(ID, &session, 1.0, None).unwrap();
    assert_eq!(old.entries_of(ID, &ended).len(), 2);
    assert!(old.entries_of("another-id", &value).is_empty());
    assert!(store(&["new"]).entries_of(ID, &value).is_empty());
    assert!(old.entries_of(ID, "garbage").is_empty());
}

/// Writes each `(id, session)` with `s` and gathers the members of each index, by (kind, tag).
fn indexed(
    s: &StoreCipher,
    sessions: &[(&str, String)],
) -> std::collections::HashMap<(&'static str, String), Vec<String>> {
    let mut indexes: std::collections::HashMap<(&'static str, String), Vec<String>> =
        Default::default();
    for (id, session) in sessions {
        for entry in s.write(id, session, NOW).unwrap().entries {
            indexes
                .entry((entry.kind.name(), entry.tag))
                .or_default()
                .push(entry.member);
        }
    }
    indexes
}

fn claims(sub: Option<&str>, sid: Option<&str>, iss: Option<&str>) -> LogoutClaims {
    LogoutClaims {
        sub: sub.map(str::to_owned),
        sid: sid.map(str::to_owned),
        iss: iss.map(str::to_owned),
    }
}

#[test]
fn a_logout_targets_what_oidc_back_channel_logout_names() {
    let s = store(&["secret"]);
    let issuer = |host: &str| format!(r#","mcd":{{"issuer":"https://{host}/"}}"#);
    let sessions = [
        (
            "laptop",
            session_of("alice", "sid-a", 1.0, &issuer("a.example.com")),
        ),
        (
            "phone",
            session_of("alice", "sid-b", 1.0, &issuer("a.example.com")),
        ),
        (
            "other-tenant",
            session_of("alice", "sid-c", 1.0, &issuer("b.example.com")),
        ),
        ("unknown-issuer", session_of("alice", "sid-d", 1.0, "")),
        (
            "bob",
            session_of("bob", "sid-a", 1.0, &issuer("a.example.com")),
        ),
    ];
    let indexes = indexed(&s, &sessions);
    let logout = |c: LogoutClaims| -> Vec<String> {
        let (kind, tags) = s.logout_index(&c).unwrap().unwrap();
        let members = indexes
            .get(&(kind.name(), tags[0].clone()))
            .cloned()
            .unwrap_or_default();
        let mut ids: Vec<String> = s
            .logout_targets(&c, 0, &members)
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect();
        ids.sort();
        ids
    };
    let a = Some("https://a.example.com");
    assert_eq!(logout(claims(None, Some("sid-a"), None)), ["bob", "laptop"]);
    assert_eq!(
        logout(claims(Some("alice"), Some("sid-a"), None)),
        ["laptop"]
    );
    assert_eq!(
        logout(claims(Some("carol"), Some("sid-a"), None)),
        Vec::<String>::new()
    );
    assert_eq!(
        logout(claims(
            Some("alice"),
            Some("sid-a"),
            Some("https://b.example.com")
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        logout(claims(Some("alice"), None, a)),
        ["laptop", "phone", "unknown-issuer"]
    );
    assert_eq!(logout(claims(Some("alice"), None, None)).len(), 4);
    // Entries written with the issuer's whole tag are filtered alike.
    let whole = s
        .index_tags(TagKind::Issuer, "https://a.example.com")
        .unwrap()
        .remove(0);
    let c = claims(Some("alice"), None, a);
    let (kind, tags) = s.logout_index(&c).unwrap().unwrap();
    let old: Vec<String> = indexes[&(kind.name(), tags[0].clone())]
        .iter()
        .map(|m| m.replacen(&whole[..ISSUER_MEMBER_CHARS], &whole, 1))
        .collect();
    assert_eq!(s.logout_targets(&c, 0, &old).unwrap().len(), 3);
    assert!(s.logout_index(&claims(None, None, a)).unwrap().is_none());

    // Each target names every entry of its session: the one read, and its twin in the other index.
    let c = claims(Some("alice"), Some("sid-a"), None);
    let (kind, tags) = s.logout_index(&c).unwrap().unwrap();
    let members = &indexes[&(kind.name(), tags[0].clone())];
    let target = s.logout_targets(&c, 0, members).unwrap().remove(0);
    let written = s.write("laptop", &sessions[0].1, NOW).unwrap().entries;
    assert_eq!(target.entries[0], written[1]);
    assert_eq!(target.entries[1], written[0]);
    assert_eq!(
        code(s.logout_targets(&c, 1, members)),
        "ERR_INVALID_ARG_VALUE"
    );
}

#[test]
fn linked_entries_skip_foreign_members_and_handle_entries_written_before_twins() {
    let s = store(&["secret"]);
    let sub = s.index_tags(TagKind::Subject, "alice").unwrap().remove(0);
    let sid = s.index_tags(TagKind::SessionId, "sid-a").unwrap().remove(0);
    let foreign = [
        "no separators".to_string(),
        format!("short.{sub}.{ID}"),
        format!(".{sub}."),
        format!(".{sub}.{}", "x".repeat(MAX_ID_BYTES + 1)),
    ];
    assert!(s
        .linked(TagKind::Subject, &sub, &foreign)
        .unwrap()
        .is_empty());
    // Ids may hold the separator.
    let dotted = s
        .linked(TagKind::Subject, &sub, &[format!(".{sid}.a.b")])
        .unwrap();
    assert_eq!(dotted[0].id, "a.b");
    // Before entries named their twins, both indexes held `<issuer>.<subject tag>.<id>`: a subject entry
    // holding its own tag has no twin it can name, and a sid entry's twin may be either spelling.
    let old = s
        .linked(TagKind::Subject, &sub, &[format!(".{sub}.{ID}")])
        .unwrap();
    assert_eq!(old[0].entries.len(), 1);
    let twins = &s
        .linked(TagKind::SessionId, &sid, &[format!(".{sub}.{ID}")])
        .unwrap()[0]
        .entries;
    assert_eq!(
        twins[1..]
            .iter()
            .map(|e| e.member.as_str())
            .collect::<Vec<_>>(),
        [format!(".{sid}.{ID}"), format!(".{sub}.{ID}")]
    );
    let many = vec![String::new(); MAX_BATCH + 1];
    assert_eq!(
        code(s.linked(TagKind::Subject, &sub, &many)),
        "ERR_INPUT_TOO_LARGE"
    );
}

#[test]
fn a_listing_shows_the_users_live_sessions_and_nothing_that_would_use_them() {
    let s = store(&["secret"]);
    let value = |id: &str, session: &str, at: f64| s.write(id, session, at).unwrap().value.unwrap();
    let found = vec![
        (
            "older".to_string(),
            value("older", &session_of("alice", "sid-1", 50.0, ""), NOW - 40.0),
        ),
        (
            "newer".to_string(),
            value("newer", &session_of("alice", "sid-2", 20.0, ""), NOW - 10.0),
        ),
        (
            "newer".to_string(),
            value("newer", &session_of("alice", "sid-2", 20.0, ""), NOW - 10.0),
        ),
        (
            "bob".to_string(),
            value("bob", &session_of("bob", "sid-3", 20.0, ""), NOW),
        ),
        (
            "copied".to_string(),
            value("older", &session_of("alice", "sid-1", 50.0, ""), NOW),
        ),
        (
            "old-format".to_string(),
            s.seal(
                "old-format",
                &session_of("alice", "sid-4", 5.0, ""),
                NOW + 9.0,
                None,
            )
            .unwrap(),
        ),
        (
            "ended".to_string(),
            s.seal("ended", &session_of("alice", "sid-5", 5.0, ""), NOW, None)
                .unwrap(),
        ),
    ];
    let listed = s.list("alice", &found, NOW).unwrap();
    // Most recently written first (a value from before writes were dated counts from its createdAt).
    assert_eq!(
        listed,
        vec![
            ListedSession {
                sid: Some("sid-4".into()),
                created_at: Some(NOW - 5.0),
                expires_at: NOW + 9.0,
                updated_at: None
            },
            ListedSession {
                sid: Some("sid-2".into()),
                created_at: Some(NOW - 20.0),
                expires_at: NOW - 10.0 + 86_400.0,
                updated_at: Some(NOW - 10.0)
            },
            ListedSession {
                sid: Some("sid-1".into()),
                created_at: Some(NOW - 50.0),
                expires_at: NOW - 40.0 + 86_400.0,
                updated_at: Some(NOW - 40.0)
            },
        ]
    );
    let many = vec![(String::new(), String::new()); MAX_BATCH + 1];
    assert_eq!(code(s.list("alice", &many, NOW)), "ERR_INPUT_TOO_LARGE");
}

#[test]
fn the_fast_reading_of_a_session_agrees_with_serde() {
    let mut token = String::new();
    crate::primitives::base64url::encode_into(
        br#"{"sub":"u","iss":"https://t.example.com/"}"#,
        &mut token,
    );
    let id_token = format!("h.{token}.s");
    let texts = [
        session_of("auth0|1", "sid-1", 10.0, ""),
        session_of("auth0|1", "sid-1", 10.0, r#","mcd":{"domain":"a","issuer":"https://a.example.com/"}"#),
        session_of("auth0|1", "sid-1", 10.0, r#","sessionExpiresAt":1800000100.5,"mcd":null"#),
        format!(r#"{{"user":{{"sub":"u","name":"N"}},"tokenSet":{{"idToken":"{id_token}","accessToken":"a"}},"internal":{{"sid":"s","createdAt":-0}}}}"#),
        format!(r#"{{"tokenSet":{{"idToken":"{id_token}"}},"internal":{{"mcd":{{"issuer":"///"}}}}}}"#),
        r#"{"user":{"sub":5},"internal":{"sid":["s"],"createdAt":"1","sessionExpiresAt":true},"tokenSet":7}"#.into(),
        r#"{"user":"u","internal":{"sid":"s","mcd":7},"tokenSet":[],"extra":{"a":[1,{"b":null}]}}"#.into(),
        r#"{"user":{"sub":"first"},"user":{"name":"second"}}"#.into(),
        r#" { "user" : { "sub" : "spaced" } } "#.into(),
    ];
    for text in &texts {
        let fast = read_fast(text).unwrap_or_else(|| panic!("the scanner gave up on {text}"));
        // Duplicate members: serde's typed reading refuses them, JavaScript (and the scanner) take the last.
        if !text.contains(r#""user":{"sub":"first"}"#) {
            assert_eq!(fast, SessionFacts::read_serde(text), "{text}");
        }
    }
    assert_eq!(
        read_fast(r#"{"user":{"sub":"first"}, "user":{"name":"second"}}"#)
            .unwrap()
            .sub,
        None
    );
    // Escapes, exponents, lone surrogates and bad JSON go to serde.
    for text in [
        r#"{"user":{"sub":"a\"b"}}"#,
        r#"{"internal":{"createdAt":1e9}}"#,
        r#"{"user":{"sub":"a\ud800"}}"#,
        "{",
        "[]x",
    ] {
        assert_eq!(read_fast(text), None, "{text}");
        assert_eq!(SessionFacts::read(text), SessionFacts::read_serde(text));
    }
}
