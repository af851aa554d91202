//! The store cipher's tests: format, binding, rotation, lifetime, index entries, logout targets.

use super::*;
use crate::cipher::{CipherOptions, SessionCipher};
use crate::jose::keys::encryption_key;

const SESSION: &str = r#"{"user":{"sub":"auth0|1","email":"a@example.com"},"tokenSet":{"accessToken":"at","refreshToken":"rt","expiresAt":1},"internal":{"sid":"s1","createdAt":1}}"#;
const ID: &str = "0123456789abcdef0123456789abcdef";
const NOW: f64 = 1_800_000_000.0;
const END: f64 = NOW + 3600.0;

fn store(secrets: &[&str]) -> StoreCipher {
    StoreCipher::new(secrets).unwrap()
}

fn code<T: fmt::Debug>(result: Result<T>) -> &'static str {
    result.unwrap_err().code.as_str()
}

#[test]
fn a_value_opens_for_its_id_with_the_session_text_unchanged() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let opened = s.open(ID, &value, NOW).unwrap();
    assert_eq!(opened.session, SESSION);
    assert_eq!(opened.key_index, 0);
    assert_eq!(opened.expires_at, END);
    // A fresh IV every time: sealing twice never gives the same value.
    assert_ne!(value, s.seal(ID, SESSION, END, None).unwrap());
}

#[test]
fn a_value_is_bound_to_its_id() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let err = s.open("another-id", &value, NOW).unwrap_err();
    assert_eq!(err.code.as_str(), "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert!(
        err.message.contains("another session id"),
        "{}",
        err.message
    );
}

#[test]
fn rewriting_the_bound_id_breaks_the_tag() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let (header, rest) = value.split_once('.').unwrap();
    let text = String::from_utf8(crate::primitives::base64url::decode(header).unwrap()).unwrap();
    let forged_text = text.replace(ID, "another-id");
    assert_ne!(forged_text, text);
    let mut forged = String::new();
    crate::primitives::base64url::encode_into(forged_text.as_bytes(), &mut forged);
    let forged = format!("{forged}.{rest}");
    assert_eq!(
        code(s.open("another-id", &forged, NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
    // And so does moving the end later.
    let later = text.replace(&format!("\"exp\":{END}"), &format!("\"exp\":{}", END + 1e6));
    assert_ne!(later, text);
    let mut segment = String::new();
    crate::primitives::base64url::encode_into(later.as_bytes(), &mut segment);
    assert_eq!(
        code(s.open(ID, &format!("{segment}.{rest}"), NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
}

#[test]
fn a_value_ends_at_its_exp() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    assert!(s.open(ID, &value, END - 1.0).is_ok());
    assert!(s.open(ID, &value, END - 0.5).is_ok()); // judged in whole seconds
    assert_eq!(code(s.open(ID, &value, END)), "ERR_JWT_EXPIRED");
    assert_eq!(code(s.open(ID, &value, f64::NAN)), "ERR_INVALID_ARG_VALUE");
}

#[test]
fn values_and_cookies_never_open_as_each_other() {
    let secret = "one secret for both";
    let s = store(&[secret]);
    let cookies = SessionCipher::new(&[secret], CipherOptions::default()).unwrap();
    let clock = cookies.clock(Some(NOW)).unwrap();
    // A stored value is not a cookie: the cookie key does not open it.
    let value = s.seal(ID, SESSION, END, None).unwrap();
    assert_eq!(
        code(cookies.open(&value, clock)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
    // A cookie is not a stored value: refused by its header, ...
    let cookie = cookies.seal_session(SESSION, END, Validation::Sdk).unwrap();
    assert_eq!(code(s.open(ID, &cookie, NOW)), "ERR_JWE_INVALID");
    // ... and, given a store's header, by the key: domain separation does not rest on `typ`.
    let header = header_json(ID, END, None).unwrap();
    let under_cookie_key = jwe::encrypt(
        KeyRing::new(&[secret]).unwrap().sealing(),
        &header,
        SESSION.as_bytes().to_vec(),
    )
    .unwrap();
    assert_eq!(
        code(s.open(ID, &under_cookie_key, NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
}

#[test]
fn the_format_is_a256gcm_under_hkdf_with_the_store_info_checked_by_the_aes_gcm_crate() {
    use aes_gcm::aead::{Aead, Payload};
    use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
    use hkdf::Hkdf;
    let secret = "an independent check";
    let value = store(&[secret]).seal(ID, SESSION, END, None).unwrap();
    let parts: Vec<&str> = value.split('.').collect();
    assert_eq!(parts.len(), 5);
    assert_eq!(parts[1], "");
    let header =
        String::from_utf8(crate::primitives::base64url::decode(parts[0]).unwrap()).unwrap();
    assert_eq!(
        header,
        format!(
            r#"{{"alg":"dir","enc":"A256GCM","typ":"session-seal-store","id":"{ID}","exp":{END}}}"#
        )
    );
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&[]), secret.as_bytes())
        .expand(b"session-seal store value v1", &mut key)
        .unwrap();
    assert_ne!(&key, encryption_key(secret).as_bytes());
    let cipher = Aes256Gcm::new((&key).into());
    let iv = crate::primitives::base64url::decode(parts[2]).unwrap();
    let mut body = crate::primitives::base64url::decode(parts[3]).unwrap();
    body.extend(crate::primitives::base64url::decode(parts[4]).unwrap());
    let plaintext = cipher
        .decrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: &body,
                aad: parts[0].as_bytes(),
            },
        )
        .unwrap();
    assert_eq!(plaintext, SESSION.as_bytes());
}

#[test]
fn rotation_reads_with_any_secret_and_says_which() {
    let value = store(&["old"]).seal(ID, SESSION, END, None).unwrap();
    let rotated = store(&["new", "old"]);
    assert_eq!(rotated.open(ID, &value, NOW).unwrap().key_index, 1);
    assert_eq!(
        code(store(&["new"]).open(ID, &value, NOW)),
        "ERR_JWE_DECRYPTION_FAILED"
    );
    let resealed = rotated.seal(ID, SESSION, END, None).unwrap();
    assert_eq!(
        store(&["new"]).open(ID, &resealed, NOW).unwrap().key_index,
        0
    );
}

#[test]
fn index_tags_are_truncated_hmacs_per_secret_and_kind() {
    let s = store(&["new", "old"]);
    let tags = s.index_tags(TagKind::Subject, "auth0|1").unwrap();
    assert_eq!(tags.len(), 2);
    for (tag, secret) in tags.iter().zip(["new", "old"]) {
        let key = keys::derive(secret, INDEX_INFO);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(b"sub\0auth0|1");
        let mut full = String::new();
        crate::primitives::base64url::encode_into(&mac.finalize().into_bytes(), &mut full);
        assert_eq!(tag, &full[..TAG_CHARS]);
        assert!(!tag.contains("auth0"));
    }
    assert_ne!(tags[0], tags[1]);
    assert_eq!(s.write_tag(TagKind::Subject, "auth0|1").unwrap(), tags[0]);
    assert_eq!(tags, s.index_tags(TagKind::Subject, "auth0|1").unwrap());
    assert_ne!(
        tags[0],
        s.index_tags(TagKind::SessionId, "auth0|1").unwrap()[0]
    );
    assert_ne!(
        tags[0],
        s.index_tags(TagKind::Subject, "auth0|2").unwrap()[0]
    );
    assert_eq!(
        store(&["old"])
            .index_tags(TagKind::Subject, "auth0|1")
            .unwrap()[0],
        tags[1]
    );
    let long = "u".repeat(MAX_TAGGED_BYTES + 1);
    assert_eq!(
        code(s.index_tags(TagKind::Subject, &long)),
        "ERR_INPUT_TOO_LARGE"
    );
    assert_ne!(
        keys::derive("new", INDEX_INFO).as_bytes(),
        keys::derive("new", VALUE_INFO).as_bytes()
    );
}

#[test]
fn tag_kinds_are_named_sub_sid_iss() {
    assert_eq!(TagKind::parse("sub").unwrap(), TagKind::Subject);
    assert_eq!(TagKind::parse("sid").unwrap(), TagKind::SessionId);
    assert_eq!(TagKind::parse("iss").unwrap(), TagKind::Issuer);
    assert_eq!(code(TagKind::parse("email")), "ERR_INVALID_ARG_VALUE");
}

#[test]
fn ids_of_any_text_round_trip_in_the_header() {
    let s = store(&["secret"]);
    for id in [
        "a\"b\\c",
        "ключ-李-😀",
        "\u{0}\u{1f}\n",
        "{1}:s:x",
        &"x".repeat(MAX_ID_BYTES),
    ] {
        let value = s.seal(id, SESSION, END, None).unwrap();
        assert_eq!(s.open(id, &value, NOW).unwrap().session, SESSION, "{id:?}");
    }
}

#[test]
fn bad_input_is_refused_before_any_work() {
    let s = store(&["secret"]);
    let value = s.seal(ID, SESSION, END, None).unwrap();
    let too_long = "x".repeat(MAX_ID_BYTES + 1);
    for id in ["", too_long.as_str()] {
        assert_eq!(
            code(s.seal(id, SESSION, END, None)),
            "ERR_INVALID_ARG_VALUE"
        );
        assert_eq!(code(s.open(id, &value, NOW)), "ERR_INVALID_ARG_VALUE");
    }
    for end in [f64::NAN, f64::INFINITY, 0.0, -1.0] {
        assert_eq!(
            code(s.seal(ID, SESSION, end, None)),
            "ERR_INVALID_ARG_VALUE"
        );
    }
    assert_eq!(
        code(s.seal(ID, r#"{"user":{}}"#, END, None)),
        "ERR_SESSION_INVALID"
    );
    let huge = format!(
        r#"{{"user":{{"sub":"u"}},"tokenSet":{{"accessToken":"{}","expiresAt":1}},"internal":{{"sid":"s","createdAt":1}}}}"#,
        "a".repeat(MAX_VALUE_BYTES)
    );
    assert_eq!(code(s.seal(ID, &huge, END, None)), "ERR_INPUT_TOO_LARGE");
    assert_eq!(
        code(s.open(ID, &"a".repeat(MAX_VALUE_BYTES + 1), NOW)),
        "ERR_INPUT_TOO_LARGE"
    );
    assert_eq!(code(s.open(ID, "not a value", NOW)), "ERR_JWE_INVALID");
    let none: [&str; 0] = [];
    assert_eq!(code(StoreCipher::new(&none)), "ERR_SECRET_INVALID");
    assert_eq!(code(StoreCipher::new(&["ok", ""])), "ERR_SECRET_INVALID");
    let many: Vec<String> = (0..=keys::MAX_SECRETS).map(|i| format!("s{i}")).collect();
    assert_eq!(code(StoreCipher::new(&many)), "ERR_SECRET_INVALID");
}

#[test]
fn debug_output_redacts_keys() {
    let shown = format!("{:?}", store(&["super-secret-value"]));
    assert!(!shown.contains("super-secret-value") && shown.contains("redacted"));
}

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
