//! What the cookie layer's tests share: a secret, a moment, a store, a session.

use super::*;

pub(super) const SECRET: &str = "a-test-secret-that-is-at-least-32-bytes-long";

pub(super) const NOW: f64 = 1_795_000_000.0;

pub(super) fn at(now: f64) -> Clock {
    Clock::new(now, 15.0).unwrap()
}

pub(super) fn store(config: CookieConfig) -> SessionCookies {
    SessionCookies::new(&[SECRET], CipherOptions::default(), config).unwrap()
}

pub(super) fn session(created_at: f64, extra: &str) -> String {
    format!(
        r#"{{"user":{{"sub":"auth0|1"{extra}}},"tokenSet":{{"accessToken":"at","expiresAt":1}},"internal":{{"sid":"s","createdAt":{created_at}}}}}"#
    )
}

pub(super) fn names(cookies: &[SetCookie]) -> Vec<String> {
    cookies
        .iter()
        .map(|c| {
            if c.is_deletion() {
                format!("-{}", c.name)
            } else {
                c.name.clone()
            }
        })
        .collect()
}

/// The stores' default cookie options with `max_age`.
pub(super) fn options(max_age: Option<f64>) -> SetCookieOptions {
    CookieConfig::default().options(max_age)
}
