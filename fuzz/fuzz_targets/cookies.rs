//! The cookie layer (`session_seal_core::cookies`) on hostile jars. The first byte picks the mode:
//! - 0: the rest is a `Cookie` request header;
//! - 1: the rest is a jar as JSON (`[{ name, value }]` or `{ name: value }`);
//! - 2: the rest cuts a real sealed session cookie into chunks named by the fuzzer (`__session__<n>`,
//!   `__session`, `appSession.<n>`, `__FC_<n>`), so reads get past the chunk joining into decryption.
//!
//! Every jar then goes through what a request does with it — read the session (stateless and stateful),
//! plan a write and a clear, serialize every `Set-Cookie` — and nothing may panic. A session that is read
//! back is JSON that `JSON.parse` takes.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use session_seal_core::payload::claims::Clock;
use session_seal_core::stores::cookies::{CookieConfig, Jar, SessionCookies};
use session_seal_core::CipherOptions;

const NOW: f64 = 1_800_000_000.0;
const SESSION: &str = r#"{"user":{"sub":"auth0|fuzz","sid":"s"},"tokenSet":{"accessToken":"at","expiresAt":1800003600},"internal":{"sid":"s","createdAt":1799990000},"connectionTokenSets":[{"accessToken":"c","expiresAt":1800003600,"connection":"google"}]}"#;

static COOKIES: LazyLock<SessionCookies> = LazyLock::new(|| {
    SessionCookies::new(
        &["fuzz-secret-newest-0123456789abcdef", "fuzz-secret-older"],
        CipherOptions::default(),
        CookieConfig::default(),
    )
    .unwrap()
});

/// A real session cookie value (a few KB, so it chunks), sealed once.
static SEALED: LazyLock<String> = LazyLock::new(|| {
    let padded = SESSION.replacen(
        "\"sid\":\"s\"}",
        &format!("\"sid\":\"s\",\"pad\":\"{}\"}}", "x".repeat(5000)),
        1,
    );
    COOKIES
        .cipher()
        .seal_payload(&padded, NOW + 3600.0, None)
        .unwrap()
});

fn chunked_jar(rest: &[u8]) -> Jar {
    let value = SEALED.as_str();
    let mut jar = Jar::new();
    let mut start = 0;
    for pair in rest.chunks(3) {
        let [kind, index, cut] = [
            pair[0],
            *pair.get(1).unwrap_or(&0),
            *pair.get(2).unwrap_or(&0),
        ];
        let end = (start + usize::from(cut) * 40 + 1).min(value.len());
        let name = match kind % 5 {
            0 => format!("__session__{index}"),
            1 => "__session".to_string(),
            2 => format!("appSession.{index}"),
            3 => format!("__FC_{index}"),
            _ => format!("__session__{}", u32::from(index) * 1_000_003),
        };
        jar.set(&name, &value[start..end]);
        start = if end == value.len() { 0 } else { end };
    }
    jar
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let jar = match mode % 3 {
        0 => match std::str::from_utf8(rest) {
            Ok(header) => {
                let jar = Jar::parse_header(header);
                let _ = Jar::parse_header(&jar.to_header());
                jar
            }
            Err(_) => return,
        },
        1 => match std::str::from_utf8(rest).map(Jar::from_json) {
            Ok(Ok(jar)) => jar,
            _ => return,
        },
        _ => chunked_jar(rest),
    };
    let clock = Clock::new(NOW, 15.0).unwrap();
    if let Some(session) = COOKIES.read(&jar, clock) {
        assert!(serde_json::from_str::<serde::de::IgnoredAny>(&session).is_ok());
    }
    let _ = COOKIES.read_session_id(&jar, clock);
    for cookie in COOKIES.clear(&jar) {
        let _ = cookie.serialize(NOW);
    }
    if let Ok(outcome) = COOKIES.write(
        SESSION,
        &jar,
        NOW,
        session_seal_core::payload::session::Validation::Strict,
    ) {
        for cookie in &outcome.cookies {
            cookie
                .serialize(NOW)
                .expect("a planned Set-Cookie serializes");
        }
        let back = COOKIES.read(&outcome.jar, clock);
        assert!(back.is_some(), "a session written into the jar reads back");
    }
    if let Ok(write) = COOKIES.write_session_id(None, NOW, &jar, NOW) {
        for cookie in &write.cookies {
            cookie
                .serialize(NOW)
                .expect("a planned Set-Cookie serializes");
        }
    }
});
