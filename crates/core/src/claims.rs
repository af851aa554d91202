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
use crate::session::scan::Scanner;

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
#[derive(Debug, Clone, Copy, PartialEq)]
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
pub const MILLISECONDS_FROM: f64 = 1e11;

/// An argument that must be seconds since the epoch (`expiresAt`, `now`, `createdAt`): refused when it can
/// only be milliseconds, which would seal a cookie that expires some 56,000 years from now.
pub fn epoch_seconds(value: f64, name: &str) -> Result<f64> {
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

/// `set_exp` for a payload already known to be the JSON text of an object (a validated session, say): when
/// the text cannot hold a top-level `exp` member — no `"exp"` anywhere, and no `\u` escape that could spell
/// one — `exp` is appended without scanning the text; otherwise this is `set_exp`.
pub fn set_exp_on_object(payload: &str, exp: f64) -> Result<String> {
    if payload.contains("\"exp\"") || payload.contains("\\u") {
        return set_exp(payload, exp);
    }
    Ok(append_exp(payload, &js_number(exp)?))
}

/// jose's `jwtDecrypt` check of the claims a protected header replicates: a header `iss` or `sub` must be
/// `===` the payload's, a header `aud` must `JSON.stringify` to the same text as the payload's.
///
/// Both sides are read from their original JSON text as JavaScript reads it — strings as UTF-16 code units
/// (lone surrogates kept apart from U+FFFD), numbers as correctly rounded doubles, object members with
/// integer-like names first — so nothing is equal here that JavaScript would tell apart.
pub fn check_replicated(header_json: &str, payload: &str) -> Result<()> {
    let header = replicated_members(header_json)
        .map_err(|e| jwt_invalid(format!("JWE Protected Header: {e}")))?;
    if header.iter().all(Option::is_none) {
        return Ok(());
    }
    let claims = replicated_members(payload).map_err(|e| jwt_invalid(format!("payload: {e}")))?;
    for ((name, in_header), in_payload) in REPLICATED.iter().zip(header).zip(claims) {
        let Some(in_header) = in_header else { continue };
        let equal = in_payload.is_some_and(|in_payload| {
            if *name == "aud" {
                let limit = MAX_COMPARED_DEPTH;
                matches!((JsValue::read(in_header, limit), JsValue::read(in_payload, limit)),
                    (Some(a), Some(b)) if a.stringifies_like(&b))
            } else {
                matches!((JsValue::read(in_header, 0), JsValue::read(in_payload, 0)),
                    (Some(a), Some(b)) if a.strictly_equals(&b))
            }
        });
        if !equal {
            return Err(claim_invalid(format!(
                "replicated \"{name}\" claim header parameter mismatch"
            )));
        }
    }
    Ok(())
}

const REPLICATED: [&str; 3] = ["iss", "sub", "aud"];

/// Deeper than any header can be (serde refuses a header nested 128 levels), so a payload `aud` nested
/// beyond it cannot equal the header's anyway.
const MAX_COMPARED_DEPTH: usize = 128;

/// The raw text of the last top-level `iss`, `sub` and `aud` members of a JSON object.
fn replicated_members(text: &str) -> std::result::Result<[Option<&str>; 3], serde_json::Error> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = [Option<&'de str>; 3];
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut found = [None; 3];
            while let Some(key) = map.next_key::<&'de RawValue>()? {
                let name = js_string(key.get());
                match REPLICATED.iter().position(|r| {
                    name.as_deref()
                        .is_some_and(|n| n.iter().copied().eq(r.encode_utf16()))
                }) {
                    Some(i) => found[i] = Some(map.next_value::<&'de RawValue>()?.get()),
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(found)
        }
    }
    serde_json::Deserializer::from_str(text).deserialize_map(Members)
}

/// A JSON value as `JSON.parse` builds it, for comparing as JavaScript compares.
#[derive(Debug, PartialEq)]
enum JsValue {
    Null,
    Bool(bool),
    Number(f64),
    /// UTF-16 code units, lone surrogates included.
    String(Vec<u16>),
    Array(Vec<JsValue>),
    /// Members in JavaScript's own-key order: array-index names ascending, then the rest as first seen;
    /// a repeated name keeps its first place and its last value.
    Object(Vec<(Vec<u16>, JsValue)>),
}

impl JsValue {
    /// Reads a JSON text already known to be valid, nesting at most `depth` containers.
    fn read(raw: &str, depth: usize) -> Option<JsValue> {
        let raw = raw.trim_matches([' ', '\t', '\n', '\r']);
        Some(match raw.as_bytes().first()? {
            b'n' => JsValue::Null,
            b't' => JsValue::Bool(true),
            b'f' => JsValue::Bool(false),
            b'"' => JsValue::String(js_string(raw)?),
            b'[' => {
                let items: Vec<&RawValue> = serde_json::from_str(raw).ok()?;
                let depth = depth.checked_sub(1)?;
                JsValue::Array(
                    items
                        .into_iter()
                        .map(|item| JsValue::read(item.get(), depth))
                        .collect::<Option<_>>()?,
                )
            }
            b'{' => {
                let depth = depth.checked_sub(1)?;
                let pairs: Pairs = serde_json::from_str(raw).ok()?;
                let mut members: Vec<(Vec<u16>, JsValue)> = Vec::with_capacity(pairs.0.len());
                for (key, value) in pairs.0 {
                    let key = js_string(key.get())?;
                    let value = JsValue::read(value.get(), depth)?;
                    match members.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => members.push((key, value)),
                    }
                }
                members.sort_by_key(|(key, _)| array_index(key).map_or((1, 0), |i| (0, i)));
                JsValue::Object(members)
            }
            // JSON's number grammar is a subset of Rust's; Rust rounds correctly, overflow is ±inf.
            _ => JsValue::Number(raw.parse().ok()?),
        })
    }

    /// `a === b` (objects are never `===` a value from another parse).
    fn strictly_equals(&self, other: &JsValue) -> bool {
        match (self, other) {
            (JsValue::Array(_) | JsValue::Object(_), _) => false,
            (JsValue::Number(a), JsValue::Number(b)) => a == b,
            (a, b) => a == b,
        }
    }

    /// `JSON.stringify(a) === JSON.stringify(b)`: non-finite numbers print as `null`, `-0` as `0`.
    fn stringifies_like(&self, other: &JsValue) -> bool {
        match (self, other) {
            (JsValue::Number(a), JsValue::Number(b)) if a.is_finite() && b.is_finite() => a == b,
            (JsValue::Number(n), JsValue::Null) | (JsValue::Null, JsValue::Number(n)) => {
                !n.is_finite()
            }
            (JsValue::Number(a), JsValue::Number(b)) => !a.is_finite() && !b.is_finite(),
            (JsValue::Array(a), JsValue::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.stringifies_like(y))
            }
            (JsValue::Object(a), JsValue::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.stringifies_like(vb))
            }
            (a, b) => a == b,
        }
    }
}

/// The members of a JSON object in order, names and values as raw text.
struct Pairs<'a>(Vec<(&'a RawValue, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Pairs<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct PairsVisitor;
        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = Pairs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor)
    }
}

/// The UTF-16 code units of a JSON string literal (quotes included), escapes decoded as `JSON.parse`
/// decodes them: a lone surrogate escape stays a lone surrogate.
fn js_string(literal: &str) -> Option<Vec<u16>> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut units = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buffer = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buffer));
            continue;
        }
        let unit = match chars.next()? {
            '"' => 0x22,
            '\\' => 0x5c,
            '/' => 0x2f,
            'b' => 0x08,
            'f' => 0x0c,
            'n' => 0x0a,
            'r' => 0x0d,
            't' => 0x09,
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                if hex.len() != 4 {
                    return None;
                }
                u16::from_str_radix(&hex, 16).ok()?
            }
            _ => return None,
        };
        units.push(unit);
    }
    Some(units)
}

/// JavaScript's "array index" names (canonical integers below 2^32 - 1), which objects list first.
fn array_index(name: &[u16]) -> Option<u32> {
    let canonical = name == [u16::from(b'0')] || (!name.is_empty() && name[0] != u16::from(b'0'));
    if !canonical || name.len() > 10 || !name.iter().all(|u| (0x30..=0x39).contains(u)) {
        return None;
    }
    let value = name.iter().fold(0u64, |n, u| n * 10 + u64::from(u - 0x30));
    u32::try_from(value).ok().filter(|&i| i != u32::MAX)
}

#[cfg(test)]
mod tests {
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
}
