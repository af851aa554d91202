//! The JWT claims the SDK relies on: `exp`, `nbf`, `iat` — found, typed and checked as jose does.
//!
//! The payload is scanned once with serde (every byte is syntax-checked, nothing is allocated but the
//! claim values we look at). Building the JavaScript object is left to V8's own `JSON.parse`.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

use crate::error::{claim_invalid, invalid_arg_value, jwt_expired, jwt_invalid, Result};
use crate::json::without_lone_surrogates;

/// The clock tolerance the SDK passes to jose, in seconds.
pub const DEFAULT_CLOCK_TOLERANCE: f64 = 15.0;

/// A registered time claim as found in the payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeClaim {
    Absent,
    /// A JSON number (JavaScript semantics: `1e400` is `Infinity`).
    Number(f64),
    /// Present but not a number (`null`, string, boolean, object, array).
    NotANumber,
}

/// What a top-level scan of a payload found.
#[derive(Debug, Clone, Copy)]
pub struct ClaimsView {
    pub exp: TimeClaim,
    pub nbf: TimeClaim,
    pub iat: TimeClaim,
    /// Byte range of the last top-level `exp` value, for replacing it in place.
    exp_span: Option<(usize, usize)>,
    exp_count: usize,
}

impl ClaimsView {
    /// Scans `payload`, which must be one JSON object (jose: "JWT Claims Set must be a top-level JSON object").
    pub fn scan(payload: &str) -> Result<Self> {
        let clean = without_lone_surrogates(payload);
        let not_an_object = |e: serde_json::Error| {
            jwt_invalid(format!(
                "JWT Claims Set must be a top-level JSON object ({e})"
            ))
        };
        let mut de = serde_json::Deserializer::from_str(&clean);
        let found = de.deserialize_any(TopLevel).map_err(not_an_object)?;
        de.end().map_err(not_an_object)?;
        let offset = |raw: &str| raw.as_ptr() as usize - clean.as_ptr() as usize;
        Ok(ClaimsView {
            exp: found.exp,
            nbf: found.nbf,
            iat: found.iat,
            exp_span: found.exp_raw.map(|raw| (offset(raw), raw.len())),
            exp_count: found.exp_count,
        })
    }
}

/// The scan's findings while the scanned text is still borrowed.
struct Found<'a> {
    exp: TimeClaim,
    nbf: TimeClaim,
    iat: TimeClaim,
    exp_raw: Option<&'a str>,
    exp_count: usize,
}

struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut found = Found {
            exp: TimeClaim::Absent,
            nbf: TimeClaim::Absent,
            iat: TimeClaim::Absent,
            exp_raw: None,
            exp_count: 0,
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "exp" => {
                    let raw: &'de RawValue = map.next_value()?;
                    found.exp = time_claim(raw);
                    found.exp_raw = Some(raw.get());
                    found.exp_count += 1;
                }
                "nbf" => found.nbf = time_claim(map.next_value()?),
                "iat" => found.iat = time_claim(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

fn time_claim(raw: &RawValue) -> TimeClaim {
    let text = raw.get();
    match text.as_bytes().first() {
        // JSON number grammar is a subset of Rust's float grammar; overflow gives ±inf like JavaScript.
        Some(b'-' | b'0'..=b'9') => text
            .parse()
            .map_or(TimeClaim::NotANumber, TimeClaim::Number),
        _ => TimeClaim::NotANumber,
    }
}

/// The moment and slack a reader judges claims against.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Epoch seconds, whole (jose floors `currentDate`).
    pub now: f64,
    /// Seconds of tolerance, non-negative.
    pub tolerance: f64,
}

impl Clock {
    pub fn new(now: f64, tolerance: f64) -> Result<Self> {
        if !now.is_finite() {
            return Err(invalid_arg_value(
                "now must be a finite number of epoch seconds",
            ));
        }
        if !tolerance.is_finite() || tolerance < 0.0 {
            return Err(invalid_arg_value(
                "clockTolerance must be a finite number of seconds, 0 or more",
            ));
        }
        Ok(Clock {
            now: now.floor(),
            tolerance,
        })
    }

    /// The current time from the system clock, with the given tolerance.
    pub fn system(tolerance: f64) -> Result<Self> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        Clock::new(now, tolerance)
    }
}

fn require_number(claim: TimeClaim, name: &str) -> Result<Option<f64>> {
    match claim {
        TimeClaim::Absent => Ok(None),
        TimeClaim::Number(n) => Ok(Some(n)),
        TimeClaim::NotANumber => Err(claim_invalid(format!("\"{name}\" claim must be a number"))),
    }
}

/// jose's order and rules: `iat` type, `nbf` type and time, then `exp` type and time.
pub fn check(view: &ClaimsView, clock: Clock) -> Result<()> {
    require_number(view.iat, "iat")?;
    if let Some(nbf) = require_number(view.nbf, "nbf")? {
        if nbf > clock.now + clock.tolerance {
            return Err(claim_invalid(format!(
                "\"nbf\" claim timestamp check failed: not before {nbf}, now {}",
                clock.now
            )));
        }
    }
    if let Some(exp) = require_number(view.exp, "exp")? {
        if exp <= clock.now - clock.tolerance {
            return Err(jwt_expired(format!(
                "\"exp\" claim timestamp check failed: expired at {exp}, now {} (tolerance {} s)",
                clock.now, clock.tolerance
            )));
        }
    }
    Ok(())
}

/// Formats a number exactly as JavaScript's `JSON.stringify` does.
pub fn js_number(value: f64) -> Result<String> {
    if !value.is_finite() {
        return Err(invalid_arg_value("\"exp\" claim must be a finite number"));
    }
    Ok(ryu_js::Buffer::new().format_finite(value).to_string())
}

/// Gives `payload` (a JSON object's text) the `exp` claim, as jose's `setExpirationTime` does on
/// `{ ...payload }`: an existing top-level `exp` keeps its place with the new value, otherwise `exp` is last.
pub fn set_exp(payload: &str, exp: f64) -> Result<String> {
    let number = js_number(exp)?;
    let view = ClaimsView::scan(payload)
        .map_err(|e| invalid_arg_value(format!("payload: {}", e.message)))?;
    match (view.exp_span, view.exp_count) {
        (Some((start, len)), 1) => {
            let mut out = String::with_capacity(payload.len() + number.len());
            out.push_str(&payload[..start]);
            out.push_str(&number);
            out.push_str(&payload[start + len..]);
            Ok(out)
        }
        (None, _) => Ok(append_exp(payload, &number)),
        _ => Err(invalid_arg_value(
            "payload has more than one \"exp\" member",
        )),
    }
}

/// Appends `"exp":<number>` before the closing brace of a JSON object known to have no `exp` member.
pub fn append_exp(payload: &str, number: &str) -> String {
    let body = payload.trim_end();
    let body = &body[..body.len() - 1]; // drop the closing brace
    let is_empty_object = body.trim_end().ends_with('{');
    let mut out = String::with_capacity(body.len() + number.len() + 9);
    out.push_str(body.trim_end());
    out.push_str(if is_empty_object {
        "\"exp\":"
    } else {
        ",\"exp\":"
    });
    out.push_str(number);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(now: f64) -> Clock {
        Clock::new(now, DEFAULT_CLOCK_TOLERANCE).unwrap()
    }

    #[test]
    fn scan_finds_claims_and_types() {
        let v =
            ClaimsView::scan(r#"{"a":{"exp":"nested"},"exp":10,"nbf":null,"iat":1e400}"#).unwrap();
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
}
