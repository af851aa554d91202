//! Tests of the claims: the time claims, `exp` written in, the replicated claims.

use super::*;

#[test]
fn epoch_seconds_refuses_what_can_only_be_milliseconds() {
    for seconds in [0.0, 1_700_000_000.0, 99_999_999_999.0, -1.0] {
        assert_eq!(epoch_seconds(seconds, "expiresAt").unwrap(), seconds);
    }
    for millis in [1e11, 1_700_000_000_000.0, -1e12] {
        let err = epoch_seconds(millis, "expiresAt").unwrap_err();
        assert_eq!(err.code.as_str(), "ERR_INVALID_ARG_VALUE");
        assert!(err
            .message
            .starts_with("expiresAt must be in seconds since the epoch"));
    }
}

fn clock(now: f64) -> Clock {
    Clock::new(now, DEFAULT_CLOCK_TOLERANCE).unwrap()
}

#[test]
fn scan_finds_claims_and_types() {
    let v = ClaimsView::scan(r#"{"a":{"exp":"nested"},"exp":10,"nbf":null,"iat":1e400}"#).unwrap();
    assert_eq!(v.exp, TimeClaim::Number(10.0));
    assert_eq!(v.nbf, TimeClaim::NotANumber);
    assert_eq!(v.iat, TimeClaim::Number(f64::INFINITY));
    let escaped = ClaimsView::scan(r#"{"\u0065xp":"x"}"#).unwrap();
    assert_eq!(escaped.exp, TimeClaim::NotANumber);
}

#[test]
fn scan_refuses_non_objects_and_trailing_text() {
    for bad in ["[]", "1", "\"s\"", "null", "{", "{} {}", "{\"a\":}", ""] {
        assert_eq!(
            ClaimsView::scan(bad).unwrap_err().code.as_str(),
            "ERR_JWT_INVALID",
            "{bad}"
        );
    }
    assert!(ClaimsView::scan(" {} \n").is_ok());
}

#[test]
fn exp_is_checked_at_the_tolerance_boundary() {
    let check_exp = |exp: f64, now: f64| {
        let text = format!("{{\"exp\":{exp}}}");
        check(&ClaimsView::scan(&text).unwrap(), clock(now))
    };
    assert!(check_exp(986.0, 1000.0).is_ok());
    assert_eq!(
        check_exp(985.0, 1000.0).unwrap_err().code.as_str(),
        "ERR_JWT_EXPIRED"
    );
    assert!(check_exp(986.0, 1000.9).is_ok(), "now is floored");
}

#[test]
fn nbf_and_iat_follow_jose() {
    let v = ClaimsView::scan(r#"{"nbf":1016}"#).unwrap();
    assert_eq!(
        check(&v, clock(1000.0)).unwrap_err().code.as_str(),
        "ERR_JWT_CLAIM_VALIDATION_FAILED"
    );
    let v = ClaimsView::scan(r#"{"nbf":1015}"#).unwrap();
    assert!(check(&v, clock(1000.0)).is_ok());
    let v = ClaimsView::scan(r#"{"iat":"yesterday","exp":"x"}"#).unwrap();
    let err = check(&v, clock(1000.0)).unwrap_err();
    assert!(err.message.contains("\"iat\""), "iat is checked first");
}

#[test]
fn replicated_claims_compare_as_javascript_does() {
    let check = |header: &str, payload: &str| check_replicated(header, payload).is_ok();
    // iss/sub: `===` on what JSON.parse builds.
    assert!(check(r#"{"sub":"a"}"#, r#"{"sub":"\u0061"}"#));
    assert!(check(r#"{"sub":-0}"#, r#"{"sub":0}"#));
    assert!(check(r#"{"sub":1e400}"#, r#"{"sub":2e400}"#));
    assert!(check(r#"{"sub":"\ud800"}"#, r#"{"sub":"\uD800"}"#));
    assert!(
        !check(r#"{"sub":"\ud800"}"#, r#"{"sub":"\ufffd"}"#),
        "lone surrogate is not U+FFFD"
    );
    assert!(!check(r#"{"sub":"\ud800"}"#, r#"{"sub":"\udc00"}"#));
    assert!(
        !check(r#"{"sub":{}}"#, r#"{"sub":{}}"#),
        "objects are never ==="
    );
    assert!(!check(r#"{"sub":null}"#, r#"{}"#));
    // Doubles are rounded correctly: these two texts round to neighbouring doubles in JavaScript.
    assert!(!check(
        r#"{"sub":0.10000000000000001248}"#,
        r#"{"sub":0.10000000000000001250}"#
    ));
    assert!(check(r#"{"sub":0.1}"#, r#"{"sub":0.10000000000000001}"#));
    // aud: JSON.stringify texts.
    assert!(check(
        r#"{"aud":{"b":1,"1":2}}"#,
        r#"{"aud":{"1":2,"b":1}}"#
    ));
    assert!(!check(
        r#"{"aud":{"b":1,"a":2}}"#,
        r#"{"aud":{"a":2,"b":1}}"#
    ));
    assert!(check(r#"{"aud":{"a":1,"a":2}}"#, r#"{"aud":{"a":2}}"#));
    assert!(check(r#"{"aud":[1e2,-0]}"#, r#"{"aud":[100,0]}"#));
    assert!(check(r#"{"aud":[1e400]}"#, r#"{"aud":[null]}"#));
    assert!(!check(r#"{"aud":"\ud800"}"#, r#"{"aud":"\ufffd"}"#));
    assert!(!check(
        r#"{"aud":{"\ud800":1,"\ufffd":2}}"#,
        r#"{"aud":{"\ufffd":2}}"#
    ));
    assert!(
        check(r#"{"aud":"x"}"#, r#"{"aud":"y","aud":"x"}"#),
        "the last member counts"
    );
    let deep = format!(r#"{{"aud":{}{}}}"#, "[".repeat(200), "]".repeat(200));
    assert!(!check(r#"{"aud":[]}"#, &deep));
    assert!(
        check(r#"{"iat":1}"#, "{}"),
        "nothing replicated, nothing to compare"
    );
}

#[test]
fn set_exp_matches_object_spread() {
    assert_eq!(set_exp("{}", 5.0).unwrap(), r#"{"exp":5}"#);
    assert_eq!(set_exp(r#"{"a":1}"#, 5.0).unwrap(), r#"{"a":1,"exp":5}"#);
    assert_eq!(
        set_exp(r#"{"exp":1,"a":2}"#, 1.5).unwrap(),
        r#"{"exp":1.5,"a":2}"#
    );
    assert_eq!(
        set_exp(r#"{"a":{"exp":1}}"#, 7.0).unwrap(),
        r#"{"a":{"exp":1},"exp":7}"#
    );
    assert_eq!(set_exp("{}", 1e21).unwrap(), r#"{"exp":1e+21}"#);
    assert!(set_exp("{}", f64::NAN).is_err());
    assert!(set_exp("[]", 1.0).is_err());
}

#[test]
fn the_fast_scan_agrees_with_serde_wherever_it_answers() {
    let values = [
        "1",
        "-0",
        "0.5",
        "1760000000",
        "-12.25",
        "1e400",
        "1E3",
        "01",
        "\"x\"",
        "\"\\u0065\"",
        "null",
        "true",
        "[1,{\"exp\":2}]",
        "{\"exp\":\"n\"}",
        "{}",
        "[]",
        "\"\\ud800\"",
        "9".repeat(310).leak(),
    ];
    let keys = ["exp", "nbf", "iat", "a", "\\u0065xp", "", "exp "];
    let spaces = ["", " ", "\n\t"];
    let mut x = 0x1234_5678_9ABC_DEF1u64;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let mut answered = 0;
    for _ in 0..20_000 {
        let mut text = String::from(spaces[next(3)]);
        text.push('{');
        for i in 0..next(5) {
            if i > 0 {
                text.push(',');
            }
            text.push_str(spaces[next(3)]);
            text.push_str(&format!("\"{}\"", keys[next(keys.len())]));
            text.push_str(spaces[next(3)]);
            text.push(':');
            text.push_str(spaces[next(3)]);
            text.push_str(values[next(values.len())]);
            text.push_str(spaces[next(3)]);
        }
        text.push('}');
        text.push_str(spaces[next(3)]);
        let mut texts = vec![text.clone()];
        let cut = next(text.len());
        texts.push(text[..cut].to_string());
        let mut changed = text.clone();
        changed.insert(cut, [',', '}', '"', 'x', ':'][next(5)]);
        texts.push(changed);
        for text in texts {
            if let Some(fast) = ClaimsView::scan_fast(&text) {
                answered += 1;
                assert_eq!(
                    Ok(fast),
                    ClaimsView::scan_serde(&text).map_err(|e| e.message),
                    "{text}"
                );
            }
        }
    }
    assert!(
        answered > 5_000,
        "the fast scan answered only {answered} times"
    );
}

#[test]
fn set_exp_on_object_is_set_exp_for_objects() {
    let objects = [
        "{}",
        " { } ",
        "{\n}",
        r#"{"a":1}"#,
        r#"{"a":1} "#,
        r#"{"a":{"exp":1}}"#,
        r#"{"exp":1,"a":2}"#,
        r#"{"a":"exp","b":"\"exp\""}"#,
        r#"{"\u0065xp":3}"#,
        r#"{"e\u0078p":3,"a":[1,{"exp":2}]}"#,
        r#"{"x":"\u00e9","y":[]}"#,
        r#"{"a":[1,2,3],"b":{"c":null}}"#,
    ];
    for object in objects {
        for exp in [0.0, 5.0, 1.5, -3.0, 1e21, 1_900_000_000.0] {
            assert_eq!(
                set_exp_on_object(object, exp).unwrap(),
                set_exp(object, exp).unwrap(),
                "{object}"
            );
        }
        assert!(set_exp_on_object(object, f64::NAN).is_err());
    }
    let twice = r#"{"exp":1,"exp":2}"#;
    assert_eq!(
        set_exp_on_object(twice, 1.0).unwrap_err().message,
        set_exp(twice, 1.0).unwrap_err().message
    );
}

#[test]
fn appending_exp_in_place_is_set_exp_for_objects_without_one() {
    for object in ["{}", " { } ", "{\n}", r#"{"a":1}"#, r#"{"a":1} "#, r#"{"a":{"exp":1}}"#] {
        for exp in [
            0.0,
            5.0,
            1.5,
            -3.0,
            1e21,
            1_900_000_000.0,
            -0.0,
            9.0,
            10.0,
            999_999_999_999_999.0,
            1e15,
            1e15 + 2.0,
            4_102_444_800.5,
        ] {
            let mut text = object.to_string();
            append_exp_to(&mut text, exp).unwrap();
            assert_eq!(text, set_exp(object, exp).unwrap(), "{object} {exp}");
        }
        for exp in [f64::NAN, f64::INFINITY] {
            let mut text = object.to_string();
            assert_eq!(
                append_exp_to(&mut text, exp).unwrap_err().message,
                set_exp(object, exp).unwrap_err().message
            );
        }
    }
}
