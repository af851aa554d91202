//! Tests of the session stores.

use super::*;
use crate::stores::cookies::test_support::*;

// --- stores -------------------------------------------------------------------------------------
#[test]
fn rolling_max_age_at_the_boundaries() {
    let s = store(CookieConfig::default());
    let day = DEFAULT_INACTIVITY_DURATION;
    assert_eq!(s.max_age(NOW, NOW), day);
    assert_eq!(
        s.max_age(NOW - 2.0 * day, NOW),
        day,
        "tie: idle == absolute"
    );
    assert_eq!(s.max_age(NOW - 2.0 * day - 1.0, NOW), day - 1.0);
    assert_eq!(s.max_age(NOW - 3.0 * day + 1.0, NOW), 1.0);
    assert_eq!(s.max_age(NOW - 3.0 * day, NOW), 0.0);
    assert_eq!(s.max_age(NOW - 4.0 * day, NOW), 0.0);
    assert_eq!(s.max_age(f64::NAN, NOW), 0.0);
    let fixed = store(CookieConfig {
        rolling: false,
        ..Default::default()
    });
    assert_eq!(
        fixed.max_age(NOW - 10.0 * day, NOW),
        DEFAULT_ABSOLUTE_DURATION
    );
}

/// A render behind a rolling `proxy.ts` (the README's first pattern): the proxy wrote `__session` and
/// deleted `__session__0..4`, and Next.js's `cookies()` lists each deletion as `{ name, value: undefined }`.
/// Both stores read that jar as the SDK's do: the session, and its id.
#[test]
fn a_render_behind_a_rolling_proxy_reads_the_rolled_session() {
    let s = store(CookieConfig::default());
    let written = s
        .write(&session(NOW, ""), &Jar::new(), NOW, Validation::Sdk)
        .unwrap();
    let value = &written.cookies[0].value;
    let deleted: String = (0..5)
        .map(|i| format!(r#",{{"name":"__session__{i}"}}"#))
        .collect();
    let text = format!(r#"[{{"name":"__session","value":"{value}"}}{deleted}]"#);
    let jar = Jar::from_json_named(&text, "cookies.getAll()").unwrap();
    let read = s.read(&jar, at(NOW)).expect("the rolled session");
    assert!(read.contains(r#""sub":"auth0|1""#), "{read}");
    // The chunks alone, valueless: no session, as the SDK joins them to "".
    let only: String = (0..5)
        .map(|i| format!(r#"{{"name":"__session__{i}"}}"#))
        .collect::<Vec<_>>()
        .join(",");
    let jar = Jar::from_json(&format!("[{only}]")).unwrap();
    assert_eq!(s.read(&jar, at(NOW)), None);
    let id = s
        .write_session_id(Some("abc"), NOW, &Jar::new(), NOW)
        .unwrap();
    let text = format!(
        r#"[{{"name":"__session","value":"{}"}},{{"name":"__session__0"}}]"#,
        id.cookies[0].value
    );
    let jar = Jar::from_json(&text).unwrap();
    assert_eq!(s.read_session_id(&jar, at(NOW)).as_deref(), Some("abc"));
}

#[test]
fn write_then_read_round_trips_with_connection_token_sets() {
    let s = store(CookieConfig::default());
    let fc = r#""connectionTokenSets":[{"accessToken":"a","expiresAt":1,"connection":"c1"},{"accessToken":"b","expiresAt":2,"connection":"c2"}]"#;
    let full = format!(
        r#"{{"user":{{"sub":"u"}},"tokenSet":{{"accessToken":"at","expiresAt":1}},{fc},"internal":{{"sid":"s","createdAt":{NOW}}}}}"#
    );
    let prior = Jar::parse_header("__FC_0=old; __FC_1=old; __FC_2=old; __FCx=keep; appSession=v3");
    let out = s
        .write(&full, &prior, NOW + 0.9, Validation::Strict)
        .unwrap();
    assert_eq!(
        names(&out.cookies),
        [
            "__session",
            "-__session__0",
            "-__session__1",
            "-__session__2",
            "-__session__3",
            "-__session__4",
            "__FC_0",
            "__FC_1",
            "-__FC_2",
            "-appSession"
        ]
    );
    assert_eq!(
        out.cookies[0].options.max_age,
        Some(DEFAULT_INACTIVITY_DURATION)
    );
    assert!(
        !out.over_budget && out.bytes == out.cookies[0].name.len() + 1 + out.cookies[0].value.len()
    );
    let read = s.read(&out.jar, at(NOW)).unwrap();
    let value: Value = serde_json::from_str(&read).unwrap();
    assert_eq!(value["exp"], NOW + DEFAULT_INACTIVITY_DURATION);
    assert_eq!(value["connectionTokenSets"][1]["connection"], "c2");
    assert_eq!(
        value["connectionTokenSets"][1]["exp"],
        NOW + DEFAULT_INACTIVITY_DURATION
    );
    let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        ["user", "tokenSet", "internal", "exp", "connectionTokenSets"]
    );
    // Without connection cookies the payload comes back as it was sealed.
    let bare = Jar::from_iter([("__session", out.cookies[0].value.as_str())]);
    assert!(!s
        .read(&bare, at(NOW))
        .unwrap()
        .contains("connectionTokenSets"));
}

#[test]
fn large_sessions_chunk_and_report_their_size() {
    let s = store(CookieConfig::default());
    let big = session(NOW, &format!(r#","blob":"{}""#, "x".repeat(6000)));
    let out = s.write(&big, &Jar::new(), NOW, Validation::Strict).unwrap();
    assert_eq!(
        &names(&out.cookies)[..3],
        ["__session__0", "__session__1", "__session__2"]
    );
    assert!(out.over_budget && out.bytes >= SESSION_SIZE_WARN_BYTES);
    assert_eq!(
        s.read(&out.jar, at(NOW)).unwrap().len(),
        big.len() + ",\"exp\":".len() + 10
    );
    let cleared = s.clear(&out.jar);
    assert_eq!(
        names(&cleared),
        [
            "-__session",
            "-__session__0",
            "-__session__1",
            "-__session__2",
            "-__session__3",
            "-__session__4"
        ]
    );
}

#[test]
fn reads_fall_back_to_v3_and_never_fail() {
    let s = store(CookieConfig::default());
    let v3 = s
        .cipher()
        .seal_payload(
            r#"{"user":{"sub":"u","sid":"x"},"accessToken":"at"}"#,
            NOW + 100.0,
            Some(r#"{"iat":5,"uat":6,"exp":9}"#),
        )
        .unwrap();
    let (a, b) = v3.split_at(40);
    let jar = Jar::from_iter([
        ("__session__0", "junk"),
        ("__session__2", "junk"),
        ("appSession.1", b),
        ("appSession.0", a),
    ]);
    assert_eq!(
        s.read(&jar, at(NOW)).unwrap(),
        r#"{"user":{"sub":"u","sid":"x"},"tokenSet":{"accessToken":"at"},"internal":{"sid":"x","createdAt":5}}"#
    );
    for header in [
        "",
        "__session=",
        "__session=garbage",
        "__session__0=",
        "appSession.0=a; appSession.2=b",
    ] {
        assert!(
            s.read(&Jar::parse_header(header), at(NOW)).is_none(),
            "{header}"
        );
    }
    let expired = s
        .write(&session(NOW, ""), &Jar::new(), NOW, Validation::Strict)
        .unwrap();
    assert!(s
        .read(&expired.jar, at(NOW + DEFAULT_INACTIVITY_DURATION + 15.0))
        .is_none());
    assert!(s
        .read(&expired.jar, at(NOW + DEFAULT_INACTIVITY_DURATION + 14.0))
        .is_some());
}

#[test]
fn write_checks_as_asked_and_takes_what_the_sdk_mints_by_default() {
    let s = store(CookieConfig::default());
    let minted = r#"{"user":{"sub":"u"},"internal":{"sid":"auth0-sid","createdAt":1000000}}"#;
    assert!(s.write(minted, &Jar::new(), NOW, Validation::Sdk).is_ok());
    let err = s
        .write(minted, &Jar::new(), NOW, Validation::Strict)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SessionInvalid);
    assert!(err.message.contains("tokenSet"), "{}", err.message);
    let no_created_at = r#"{"user":{"sub":"u"},"internal":{}}"#;
    let err = s
        .write(no_created_at, &Jar::new(), NOW, Validation::Sdk)
        .unwrap_err();
    assert!(
        err.message.contains("internal.createdAt"),
        "{}",
        err.message
    );
    let out = s
        .write(no_created_at, &Jar::new(), NOW, Validation::Off)
        .unwrap();
    assert_eq!(
        out.cookies[0].options.max_age,
        Some(0.0),
        "NaN createdAt gives maxAge 0"
    );
    assert_eq!(
        s.write(r#"{"user":{}}"#, &Jar::new(), NOW, Validation::Off)
            .unwrap_err()
            .code,
        ErrorCode::SessionInvalid
    );
}

#[test]
fn session_ids_round_trip_and_accept_v3_signed_cookies() {
    let s = store(CookieConfig::default());
    let written = s
        .write_session_id(None, NOW, &Jar::parse_header("appSession=old"), NOW)
        .unwrap();
    assert_eq!(written.id.len(), 32);
    assert!(written
        .id
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(names(&written.cookies), ["__session", "-appSession"]);
    let jar = Jar::from_iter([("__session", written.cookies[0].value.as_str())]);
    assert_eq!(
        s.read_session_id(&jar, at(NOW)).as_deref(),
        Some(written.id.as_str())
    );

    let signed = SigningKeys::new(&[SECRET]).sign("appSession", "abc");
    let v3 = Jar::from_iter([("appSession", signed.as_str())]);
    assert_eq!(s.read_session_id(&v3, at(NOW)).as_deref(), Some("abc"));
    let wrong_name = Jar::from_iter([("__session", signed.as_str())]);
    assert_eq!(
        s.read_session_id(&wrong_name, at(NOW)),
        None,
        "the signature covers the name"
    );
    let empty_first = Jar::from_iter([("__session", ""), ("appSession", signed.as_str())]);
    assert_eq!(
        s.read_session_id(&empty_first, at(NOW)),
        None,
        "the SDK stops at an empty __session"
    );

    let (id, cleared) = s.clear_session_id(
        &Jar::from_iter([
            ("__session", written.cookies[0].value.as_str()),
            ("appSession", "x"),
        ]),
        at(NOW),
    );
    assert_eq!(id.as_deref(), Some(written.id.as_str()));
    assert_eq!(names(&cleared), ["-__session", "-appSession"]);
}

#[test]
fn transient_applies_to_the_session_cookie_only() {
    let s = store(CookieConfig {
        transient: true,
        ..Default::default()
    });
    let with_fc = format!(
        r#"{{"user":{{"sub":"u"}},"tokenSet":{{"accessToken":"at","expiresAt":1}},"connectionTokenSets":[{{"accessToken":"a","expiresAt":1,"connection":"c"}}],"internal":{{"sid":"s","createdAt":{NOW}}}}}"#
    );
    let out = s
        .write(&with_fc, &Jar::new(), NOW, Validation::Strict)
        .unwrap();
    assert_eq!(out.cookies[0].options.max_age, None);
    let fc = out.cookies.iter().find(|c| c.name == "__FC_0").unwrap();
    assert_eq!(fc.options.max_age, Some(DEFAULT_INACTIVITY_DURATION));
    let id = s
        .write_session_id(Some("x"), NOW, &Jar::new(), NOW)
        .unwrap();
    assert_eq!(
        id.cookies[0].options.max_age,
        Some(DEFAULT_INACTIVITY_DURATION)
    );
}

#[test]
fn generated_cookies_default_internal() {
    let s = store(CookieConfig::default());
    let cookie = generate_session_cookie(s.cipher(), r#"{"user":{"sub":"u"}}"#, NOW + 0.5).unwrap();
    let opened = s.cipher().open(&cookie, at(NOW)).unwrap();
    assert_eq!(
        opened.payload,
        format!(
            r#"{{"user":{{"sub":"u"}},"internal":{{"sid":"auth0-sid","createdAt":{NOW}}},"exp":{}}}"#,
            NOW + 3600.0
        )
    );
    let kept =
        generate_session_cookie(s.cipher(), r#"{"internal":{"sid":"a","createdAt":1}}"#, NOW)
            .unwrap();
    assert!(s
        .cipher()
        .open(&kept, at(NOW))
        .unwrap()
        .payload
        .starts_with(r#"{"internal":{"sid":"a","createdAt":1}"#));
    let id = generate_session_id_cookie(s.cipher(), "abc", NOW).unwrap();
    assert_eq!(
        s.read_session_id(&Jar::from_iter([("__session", id.as_str())]), at(NOW))
            .unwrap(),
        "abc"
    );
}

#[test]
fn options_take_the_sdks_defaults_and_cookie_name_wins() {
    assert_eq!(
        CookieConfig::new(&SessionCookiesOptions::default()).unwrap(),
        CookieConfig::default()
    );
    let config = CookieConfig::new(&SessionCookiesOptions {
        rolling: Some(false),
        absolute_duration: Some(60.0),
        cookie_name: Some("mine".into()),
        cookie_options: Some(SessionCookieOptions {
            name: Some("theirs".into()),
            same_site: Some("STRICT".into()),
            secure: Some(true),
            domain: Some("example.com".into()),
            transient: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(config.name, "mine");
    assert!(!config.rolling && config.secure && config.transient);
    assert_eq!(config.absolute_duration, 60.0);
    assert_eq!(config.inactivity_duration, DEFAULT_INACTIVITY_DURATION);
    assert_eq!(config.same_site, SameSite::Strict);
    let only_sdk_name = SessionCookiesOptions {
        cookie_options: Some(SessionCookieOptions {
            name: Some("theirs".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(CookieConfig::new(&only_sdk_name).unwrap().name, "theirs");
    for (bad, message) in [
        (
            SessionCookiesOptions {
                absolute_duration: Some(f64::NAN),
                ..Default::default()
            },
            "options.absoluteDuration must be a finite number, got NaN",
        ),
        (
            SessionCookiesOptions {
                cookie_options: Some(SessionCookieOptions {
                    same_site: Some("maybe".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            "options.cookieOptions.sameSite must be \"lax\", \"strict\" or \"none\"",
        ),
        (
            SessionCookiesOptions {
                inactivity_duration: Some(-1.0),
                ..Default::default()
            },
            "inactivityDuration must be a finite number of seconds, 0 or more",
        ),
    ] {
        let e = CookieConfig::new(&bad).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::InvalidArgValue, message)
        );
    }
}

#[test]
fn session_ids_must_not_be_empty() {
    assert!(check_session_id(None).is_ok());
    assert!(check_session_id(Some("abc")).is_ok());
    let e = check_session_id(Some("")).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgValue);
    let s = store(CookieConfig::default());
    assert!(s.write_session_id(Some(""), NOW, &Jar::new(), NOW).is_err());
    let e = generate_session_id_cookie(s.cipher(), "", NOW).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::InvalidArgValue, "id must be a non-empty string")
    );
}

#[test]
fn configuration_is_checked() {
    for bad in [
        CookieConfig {
            name: "a b".into(),
            ..Default::default()
        },
        CookieConfig {
            path: "/;x".into(),
            ..Default::default()
        },
        CookieConfig {
            domain: Some("a\nb".into()),
            ..Default::default()
        },
        CookieConfig {
            absolute_duration: -1.0,
            ..Default::default()
        },
        CookieConfig {
            inactivity_duration: f64::INFINITY,
            ..Default::default()
        },
    ] {
        assert_eq!(
            SessionCookies::new(&[SECRET], CipherOptions::default(), bad)
                .unwrap_err()
                .code,
            ErrorCode::InvalidArgValue
        );
    }
}

/// Every jar of `cookie-jars.json`, produced by the real SDK's `setChunkedCookie`: the same JWE written
/// into the same prior jar gives the same `Set-Cookie` list, and the same request header afterwards.

#[test]
fn the_sdk_vectors_plan_identically() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../vectors/cookie-jars.json"
    );
    let text = std::fs::read_to_string(path).expect("the SDK vectors are part of the repository");
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let mut planned = 0;
    for jar in vectors["jars"].as_array().unwrap() {
        let secret = jar["secret"].as_str().unwrap();
        let s = SessionCookies::new(&[secret], CipherOptions::default(), CookieConfig::default())
            .unwrap();
        let clock = at(NOW);
        if let Some(expected) = jar["setCookie"].as_array() {
            let mut req = Jar::parse_header(jar["priorCookieHeader"].as_str().unwrap());
            let mut plan = Plan::default();
            let jwe = jar["jwe"].as_str().unwrap();
            set_chunked_cookie(
                "__session",
                jwe,
                &options(Some(86400.0)),
                false,
                &mut req,
                &mut plan,
            )
            .unwrap();
            let cookies = plan.into_vec();
            assert_eq!(cookies.len(), expected.len(), "{}", jar["name"]);
            for (ours, theirs) in cookies.iter().zip(expected) {
                assert_eq!(ours.name, theirs["name"].as_str().unwrap());
                assert_eq!(ours.value, theirs["value"].as_str().unwrap());
                assert_eq!(ours.options.max_age, theirs["maxAge"].as_f64());
                assert_eq!(ours.options.path, theirs["path"].as_str().unwrap());
                assert_eq!(
                    ours.options.http_only,
                    theirs["httpOnly"].as_bool().unwrap()
                );
                assert_eq!(ours.options.secure, theirs["secure"].as_bool().unwrap());
                assert_eq!(
                    ours.options.same_site.map(SameSite::as_str),
                    theirs["sameSite"].as_str()
                );
                assert_eq!(ours.options.domain.as_deref(), theirs["domain"].as_str());
            }
            assert_eq!(req.to_header(), jar["cookieHeaderAfter"].as_str().unwrap());
            let read = s.read(&req, clock).unwrap();
            let opened = s.cipher().open(jwe, clock).unwrap().payload;
            assert_eq!(read, opened);
            planned += 1;
        } else {
            let header = Jar::parse_header(jar["cookieHeader"].as_str().unwrap());
            let read = s.read(&header, clock);
            if jar.get("readBack").is_some_and(Value::is_null) {
                assert!(read.is_none(), "{}", jar["name"]);
            } else {
                let jwe = jar["jwe"].as_str().unwrap();
                assert_eq!(read, s.cipher().unseal(jwe, clock), "{}", jar["name"]);
                assert!(read.is_some());
            }
        }
    }
    assert!(planned >= 5);
    for signed in vectors["v3SignedStatefulCookies"].as_array().unwrap() {
        let s = SessionCookies::new(
            &[signed["secret"].as_str().unwrap()],
            CipherOptions::default(),
            CookieConfig::default(),
        )
        .unwrap();
        let jar = Jar::from_iter([(
            signed["cookieName"].as_str().unwrap(),
            signed["cookieValue"].as_str().unwrap(),
        )]);
        assert_eq!(
            s.read_session_id(&jar, at(NOW)).as_deref(),
            signed["verifiesTo"].as_str()
        );
    }
}
