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
use crate::payload::session::scan::Scanner;

mod replicated;
pub use replicated::check_replicated;

/// The clock tolerance the SDK passes to jose, in seconds.
pub const DEFAULT_CLOCK_TOLERANCE: f64 = 15.0;

/// A registered time claim as found in the payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeClaim {
    /// Not in the payload.
    Absent,
    /// A JSON number (JavaScript semantics: `1e400` is `Infinity`).
    Number(f64),
    /// Present but not a number (`null`, string, boolean, object, array).
    NotANumber,
}

/// What a top-level scan of a payload found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimsView {
    /// The expiry.
    pub exp: TimeClaim,
    /// Not before.
    pub nbf: TimeClaim,
    /// Issued at.
    pub iat: TimeClaim,
    /// Byte range of the last top-level `exp` value, for replacing it in place.
    exp_span: Option<(usize, usize)>,
    exp_count: usize,
}

impl ClaimsView {
    /// Scans `payload`, which must be one JSON object (jose: "JWT Claims Set must be a top-level JSON object").
    pub fn scan(payload: &str) -> Result<Self> {
        match Self::scan_fast(payload) {
            Some(view) => Ok(view),
            None => Self::scan_serde(payload),
        }
    }

    /// `scan` by serde: the reference for every text.
    fn scan_serde(payload: &str) -> Result<Self> {
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

impl ClaimsView {
    /// `scan` for payloads as `JSON.stringify` writes them, by the fast scanner (see `session::scan`):
    /// `None` when it is not sure, and then serde decides. Where it answers, the answer is serde's.
    fn scan_fast(payload: &str) -> Option<Self> {
        let mut scanner = Scanner::new(payload);
        let mut view = ClaimsView {
            exp: TimeClaim::Absent,
            nbf: TimeClaim::Absent,
            iat: TimeClaim::Absent,
            exp_span: None,
            exp_count: 0,
        };
        scanner.begin_object()?;
        let mut first = true;
        while let Some(key) = scanner.next_key(first)? {
            first = false;
            let (_, start, end) = scanner.value()?;
            let claim = || time_claim_text(&payload[start..end]);
            match key {
                b"exp" => {
                    view.exp = claim();
                    view.exp_span = Some((start, end - start));
                    view.exp_count += 1;
                }
                b"nbf" => view.nbf = claim(),
                b"iat" => view.iat = claim(),
                _ => {}
            }
        }
        scanner.at_end().then_some(view)
    }
}

fn time_claim(raw: &RawValue) -> TimeClaim {
    time_claim_text(raw.get())
}

fn time_claim_text(text: &str) -> TimeClaim {
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
    /// A clock at `now` (epoch seconds, floored) with `tolerance` seconds of slack; both must be finite.
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
        Clock::new(system_seconds(), tolerance)
    }
}

/// Epoch-seconds arguments at or past this (either side of 1970) can only be milliseconds: `Date.now()`
/// passed it in March 1973, while in seconds it is the year 5138.
pub(crate) const MILLISECONDS_FROM: f64 = 1e11;

/// An argument that must be seconds since the epoch (`expiresAt`, `now`, `createdAt`): refused when it can
/// only be milliseconds, which would seal a cookie that expires some 56,000 years from now.
pub fn epoch_seconds(value: f64, name: impl std::fmt::Display) -> Result<f64> {
    if value.abs() >= MILLISECONDS_FROM {
        return Err(invalid_arg_value(format!(
            "{name} must be in seconds since the epoch, and {value} can only be milliseconds \
             (Date.now()): use Math.floor(Date.now() / 1000)"
        )));
    }
    Ok(value)
}

/// The system clock in epoch seconds, fraction kept (0 before 1970, which no real clock reports).
pub fn system_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
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
    check_found(view.exp, view.nbf, view.iat, clock)
}

/// `check` on the time claims as a JSON parser found them: the own `exp`, `nbf` and `iat` members of the
/// object `JSON.parse` made of a payload (jose reads them there).
pub fn check_found(exp: TimeClaim, nbf: TimeClaim, iat: TimeClaim, clock: Clock) -> Result<()> {
    require_number(iat, "iat")?;
    if let Some(nbf) = require_number(nbf, "nbf")? {
        if nbf > clock.now + clock.tolerance {
            return Err(claim_invalid(format!(
                "\"nbf\" claim timestamp check failed: not before {nbf}, now {}",
                clock.now
            )));
        }
    }
    if let Some(exp) = require_number(exp, "exp")? {
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
pub(crate) fn js_number(value: f64) -> Result<String> {
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
pub(crate) fn append_exp(payload: &str, number: &str) -> String {
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

/// `append_exp` into the payload's own buffer: no copy when it has room for the member (the bindings copy
/// a session out of V8 with that room to spare), and no allocation for the number either.
pub(crate) fn append_exp_to(payload: &mut String, exp: f64) -> Result<()> {
    if !exp.is_finite() {
        return Err(invalid_arg_value("\"exp\" claim must be a finite number"));
    }
    let mut digits = [0u8; 16];
    let mut formatted = ryu_js::Buffer::new();
    let number = match whole_seconds(exp, &mut digits) {
        Some(number) => number,
        None => formatted.format_finite(exp),
    };
    let body = payload.trim_end().len() - 1; // drop the closing brace
    payload.truncate(body);
    let body = payload.trim_end().len();
    payload.truncate(body);
    let separator = if payload.ends_with('{') {
        "\"exp\":"
    } else {
        ",\"exp\":"
    };
    payload.reserve(separator.len() + number.len() + 1);
    payload.push_str(separator);
    payload.push_str(number);
    payload.push('}');
    Ok(())
}

/// A whole number of seconds from 0 up to 10^15 written in decimal, as JavaScript writes it (`-0` is
/// `0`), into `digits`; `None` for any other number. Every expiry is one, and this is several times
/// quicker than the shortest-round-trip formatting any number needs.
fn whole_seconds(value: f64, digits: &mut [u8; 16]) -> Option<&str> {
    if !(0.0..1e15).contains(&value) || value.fract() != 0.0 {
        return None;
    }
    let mut rest = value as u64;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    std::str::from_utf8(&digits[start..]).ok()
}

/// `set_exp` for a payload already known to be the JSON text of an object (a validated session, say): when
/// the text cannot hold a top-level `exp` member — no `"exp"` anywhere, and no `\u` escape that could spell
/// one — `exp` is appended without scanning the text; otherwise this is `set_exp`.
pub(crate) fn set_exp_on_object(payload: &str, exp: f64) -> Result<String> {
    if payload.contains("\"exp\"") || payload.contains("\\u") {
        return set_exp(payload, exp);
    }
    Ok(append_exp(payload, &js_number(exp)?))
}

#[cfg(test)]
mod tests;
