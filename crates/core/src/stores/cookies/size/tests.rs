//! Tests of the size report and of the judgement of writes.

use super::*;
use crate::stores::cookies::test_support::*;

/// A session whose `user` carries `groups` of `group_bytes` and whose `tokenSet` carries an id token of
/// `token_bytes` (a secret-looking value, which must never appear in a message).
fn big_session(group_bytes: usize, token_bytes: usize) -> String {
    let groups = "g".repeat(group_bytes);
    let token = "eyJSECRETTOKEN".repeat(token_bytes / 14 + 1)[..token_bytes].to_string();
    format!(
        r#"{{"user":{{"sub":"auth0|1","groups":"{groups}"}},"tokenSet":{{"accessToken":"at","idToken":"{token}","expiresAt":1}},"internal":{{"sid":"s","createdAt":{NOW}}}}}"#
    )
}

fn written(s: &SessionCookies, session: &str) -> WriteOutcome {
    s.plan_write(session, &Jar::new(), NOW, Validation::Sdk)
        .unwrap()
}

#[test]
fn members_are_their_json_bytes_and_sum_to_the_session() {
    let s = store(CookieConfig::default());
    let json = session(NOW, r#","name":"Zoë","email":"a@b.c""#);
    let report = s.size_report(&json, NOW).unwrap();
    let paths: Vec<&str> = report.members.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(paths, ["user", "tokenSet", "internal"]);
    // `{` + members joined by `,` + `}` is the whole text.
    let sum: usize = report.members.iter().map(|m| m.bytes).sum();
    assert_eq!(sum + report.members.len() - 1 + 2, json.len());
    assert_eq!(report.session_bytes, json.len());
    assert_eq!(
        report.members[0].bytes,
        r#""user":"#.len() + r#"{"sub":"auth0|1","name":"Zoë","email":"a@b.c"}"#.len()
    );
    let claims: Vec<(&str, usize)> = report
        .user_claims
        .iter()
        .map(|m| (m.path.as_str(), m.bytes))
        .collect();
    assert_eq!(
        claims,
        [
            ("user.sub", r#""sub":"auth0|1""#.len()),
            ("user.name", r#""name":"Zoë""#.len()),
            ("user.email", r#""email":"a@b.c""#.len())
        ]
    );
}

#[test]
fn the_sealed_length_and_chunks_are_those_of_the_real_write() {
    let s = store(CookieConfig::default());
    for size in [0, 100, 2_000, 2_600, 2_700, 5_000, 10_000, 30_000] {
        let json = big_session(size, 0);
        let report = s.size_report(&json, NOW).unwrap();
        let out = written(&s, &json);
        let set: Vec<&SetCookie> = out.cookies.iter().filter(|c| !c.value.is_empty()).collect();
        let sealed: usize = set.iter().map(|c| c.value.len()).sum();
        assert_eq!(report.sealed_bytes, sealed, "{size}");
        assert_eq!(report.chunks, set.len(), "{size}");
        assert_eq!(report.chunks, sealed.div_ceil(MAX_CHUNK_SIZE), "{size}");
        assert_eq!(report.cookie_bytes, out.bytes, "{size}");
        let lines: usize = out
            .cookies
            .iter()
            .map(|c| "set-cookie: ".len() + c.serialize(NOW).unwrap().len() + 2)
            .sum();
        assert_eq!(report.response_header_bytes, lines, "{size}");
        let header = set
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; ");
        assert_eq!(
            report.request_header_bytes,
            format!("cookie: {header}\r\n").len(),
            "{size}"
        );
    }
}

#[test]
fn the_three_largest_members_by_path() {
    let s = store(CookieConfig::default());
    let report = s.size_report(&big_session(1_500, 2_200), NOW).unwrap();
    let largest: Vec<&str> = report.largest.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(
        largest,
        ["tokenSet.idToken", "user.groups", "internal.createdAt"]
    );
    assert_eq!(report.largest[0].bytes, r#""idToken":"#.len() + 2_200 + 2);
}

#[test]
fn limits_pass_or_fail_on_what_they_measure() {
    let s = store(CookieConfig::default());
    let passes = |r: &SizeReport| {
        r.limits
            .iter()
            .map(|c| (c.limit.name(), c.passes))
            .collect::<Vec<_>>()
    };
    let small = s.size_report(&session(NOW, ""), NOW).unwrap();
    assert_eq!(
        passes(&small),
        [("cookie", true), ("proxy", true), ("node", true)]
    );
    let forty = s.size_report(&big_session(20_000, 10_000), NOW).unwrap();
    assert!(forty.chunks > 5);
    assert_eq!(
        passes(&forty),
        [("cookie", true), ("proxy", false), ("node", false)]
    );
    assert!(forty.limits[0].measured <= 4096 && forty.limits[0].measured > MAX_CHUNK_SIZE);
    let ten = s.size_report(&big_session(6_000, 0), NOW).unwrap();
    assert_eq!(
        passes(&ten),
        [("cookie", true), ("proxy", false), ("node", true)]
    );
    assert_eq!(
        ten.limits[1].measured,
        ten.request_header_bytes.max(ten.response_header_bytes)
    );
}

#[test]
fn each_cause_is_warned_once_the_most_severe_first() {
    let s = store(CookieConfig::default());
    let warned = AtomicU8::new(0);
    let judge = |json: &str| {
        s.judge_size_in(&warned, json, &written(&s, json), NOW)
            .unwrap()
            .map(|w| w.code)
    };
    assert_eq!(judge(&session(NOW, "")), None, "one cookie: nothing to say");
    assert_eq!(
        judge(&big_session(4_000, 0)),
        Some("SESSION_SEAL_SESSION_CHUNKED")
    );
    assert_eq!(judge(&big_session(4_000, 0)), None, "once");
    assert_eq!(
        judge(&big_session(20_000, 10_000)),
        Some("SESSION_SEAL_HEADERS_OVER_16KB")
    );
    assert_eq!(
        judge(&big_session(6_000, 0)),
        Some("SESSION_SEAL_HEADERS_OVER_8KB")
    );
    assert_eq!(judge(&big_session(20_000, 10_000)), None);
    assert_eq!(judge(&big_session(6_000, 0)), None);
}

#[test]
fn a_connection_cookie_over_4096_bytes_is_its_own_cause() {
    let s = store(CookieConfig::default());
    let token = "eyJSECRETTOKEN".repeat(250);
    let json = set_member(
        &session(NOW, ""),
        "connectionTokenSets",
        &format!(r#"[{{"accessToken":"{token}","scope":"a","expiresAt":1,"connection":"c"}}]"#),
    )
    .unwrap();
    let report = s.size_report(&json, NOW).unwrap();
    assert_eq!((report.chunks, report.connection_cookies), (1, 1));
    assert!(!report.limits[0].passes && report.limits[1].passes);
    let warned = AtomicU8::new(0);
    let warning = s
        .judge_size_in(&warned, &json, &written(&s, &json), NOW)
        .unwrap()
        .unwrap();
    assert_eq!(warning.code, "SESSION_SEAL_COOKIE_OVER_4KB");
    assert!(
        warning.message.contains(" in 1 cookie, "),
        "{}",
        warning.message
    );
    assert!(
        warning
            .message
            .contains("over the 4096 bytes a browser guarantees one cookie."),
        "{}",
        warning.message
    );
    assert!(
        warning
            .message
            .contains("Largest members: connectionTokenSets 3."),
        "{}",
        warning.message
    );
    assert!(
        !warning.message.contains("eyJSECRET"),
        "{}",
        warning.message
    );
}

#[test]
fn the_message_gives_sizes_and_paths_never_values() {
    let s = store(CookieConfig::default());
    let json = big_session(1_500, 9_000);
    let warned = AtomicU8::new(0);
    let warning = s
        .judge_size_in(&warned, &json, &written(&s, &json), NOW)
        .unwrap()
        .unwrap();
    let m = &warning.message;
    assert_eq!(warning.code, "SESSION_SEAL_HEADERS_OVER_8KB");
    assert!(
        m.contains("tokenSet.idToken 8.8 KB, user.groups 1.5 KB, internal.createdAt 22 B"),
        "{m}"
    );
    assert!(
        m.contains(" in 5 cookies, ") && m.contains("over a proxy's 8 KB header limit"),
        "{m}"
    );
    assert!(
        !m.contains("eyJSECRET") && !m.contains("ggg") && !m.contains("auth0|1"),
        "{m}"
    );
}

#[test]
fn oversize_throw_refuses_the_write_with_its_code() {
    let options = SessionCookiesOptions {
        secret: Secrets::new(vec![SECRET.to_string()]),
        oversize: Some("throw".into()),
        ..Default::default()
    };
    let s = SessionCookies::from_options(options).unwrap();
    let error = s
        .write(&big_session(4_000, 0), &Jar::new(), NOW, Validation::Sdk)
        .unwrap_err();
    assert_eq!(error.code.as_str(), "ERR_SESSION_TOO_LARGE");
    assert!(
        error.message.contains("user.groups 3.9 KB"),
        "{}",
        error.message
    );
    assert!(s
        .write(&session(NOW, ""), &Jar::new(), NOW, Validation::Sdk)
        .is_ok());
    assert_eq!(Oversize::parse("warn"), Ok(Oversize::Warn));
    assert_eq!(
        Oversize::parse("loud").unwrap_err().code,
        ErrorCode::InvalidArgValue
    );
}

#[test]
fn kilobytes_as_the_limits_count_them() {
    assert_eq!(kilobytes(0), "0 B");
    assert_eq!(kilobytes(1023), "1023 B");
    assert_eq!(kilobytes(1024), "1.0 KB");
    assert_eq!(kilobytes(2150), "2.1 KB");
}

#[test]
fn the_standalone_report_uses_the_sdk_defaults() {
    let json = big_session(3_000, 0);
    let mine = size_report(&json, NOW).unwrap();
    let configured = store(CookieConfig::default())
        .size_report(&json, NOW)
        .unwrap();
    assert_eq!(mine, configured);
}

/// The bound that spares ordinary writes their lines: above every line written, for every cookie of a write
/// (chunks, deletions, connection cookies) under long attributes; and never claiming a write that reaches a
/// cause.
#[test]
fn the_quick_bound_is_above_every_real_line() {
    let configs = [
        CookieConfig::default(),
        CookieConfig {
            secure: true,
            same_site: SameSite::Strict,
            path: "/a/long/path/for/the/app".into(),
            domain: Some("accounts.subdomain.example.com".into()),
            ..Default::default()
        },
    ];
    for config in configs {
        let s = store(config.clone());
        let attributes = OTHER_ATTRIBUTES_BOUND
            + config.path.len()
            + config.domain.as_ref().map_or(0, String::len);
        for json in [
            session(NOW, ""),
            big_session(1_500, 0),
            big_session(4_000, 0),
            big_session(6_000, 0),
        ] {
            let with_sets = set_member(
                &json,
                "connectionTokenSets",
                r#"[{"accessToken":"x","scope":"a","expiresAt":1,"connection":"c"}]"#,
            )
            .unwrap();
            for json in [json, with_sets] {
                let out = written(&s, &json);
                for cookie in &out.cookies {
                    let line = cookie.serialize(NOW).unwrap();
                    assert!(
                        line.len() <= cookie.name.len() + 1 + cookie.value.len() + attributes,
                        "{line}"
                    );
                    assert!(
                        line.starts_with(&format!("{}={}", cookie.name, cookie.value)),
                        "values need no encoding"
                    );
                }
                let exact = Wire::of(&out, &config.name, NOW).unwrap();
                if Wire::surely_within(&out, &config) {
                    assert_eq!(exact.cause(), None);
                }
            }
        }
        assert!(
            Wire::surely_within(&written(&s, &session(NOW, "")), &config),
            "an ordinary write takes the quick path"
        );
    }
}
