//! The cookie layer of the SDK's session stores, in plain Rust: a request's cookie jar in, the
//! `Set-Cookie` list out — exactly as `@auth0/nextjs-auth0` v4 reads and writes them.
//!
//! The SDK's functions (`server/cookies.js`: `setChunkedCookie`, `getChunkedCookie`, `deleteChunkedCookie`,
//! `deleteCookie`; `server/session/*-session-store.js`: `get`, `set`, `delete`) are ported step for step
//! over two small models of what they touch: [`Jar`], the request's `RequestCookies` (an ordered map that
//! the SDK also writes to, for read-after-write), and [`Plan`], the response's `ResponseCookies` (an
//! ordered map in which a second `set` of a name replaces the first in place). Porting the steps rather
//! than their outcome is what keeps every corner identical: which chunk names are swept, in which order
//! deletions come, what a jar with a gap falls back to.
//!
//! One deliberate departure: the SDK sweeps stale chunks up to the highest index present in the request,
//! however large; a hostile `__session__999999999` cookie would make it emit a billion deletions. The sweep
//! here stops at [`MAX_SWEEP`] and deletes any chunk present above that by name instead.

use indexmap::IndexMap;
use rand::RngCore;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::input::Stringified;
use crate::json::parse_value;
use std::borrow::Cow;
use std::fmt::Write as _;

use crate::cipher::{CipherOptions, SessionCipher};
use crate::claims::{self, Clock};
use crate::error::{
    input_too_large, invalid_arg_type, invalid_arg_value, session_invalid, ErrorCode, Result,
};
use crate::legacy::SigningKeys;
use crate::session::{self, Validation};

/// The v4 session cookie's default name.
pub const DEFAULT_COOKIE_NAME: &str = "__session";
/// The v3 cookie name; its chunks are `appSession.0`, `appSession.1`, …
pub const LEGACY_COOKIE_NAME: &str = "appSession";
/// Connection token sets live in `__FC_0`, `__FC_1`, … (the store's `__FC` plus `_<index>`).
pub const CONNECTION_COOKIE_PREFIX: &str = "__FC_";
/// A value longer than this (in UTF-8 bytes) is split into chunks of this many characters.
pub const MAX_CHUNK_SIZE: usize = 3500;
/// The SDK's `MAX_CHUNKS`: chunk names `__0..5` are always swept, present or not.
pub const MIN_CHUNK_SWEEP: usize = 5;
/// Our cap on the sweep (see the module notes); no browser holds this many cookies for one site.
pub const MAX_SWEEP: usize = 256;
/// The SDK warns when the session cookie(s) reach this many bytes (`name=value` summed).
pub const SESSION_SIZE_WARN_BYTES: usize = 4096;
/// The SDK warns when one `__FC_i` cookie's `Set-Cookie` line reaches this many bytes.
pub const CONNECTION_COOKIE_WARN_BYTES: usize = 4096;
/// Cookie jars (a header, or the JSON of a cookie list) larger than this are refused before any work.
pub const MAX_JAR_BYTES: usize = 1 << 20;
/// The stores' default `absoluteDuration`: 3 days.
pub const DEFAULT_ABSOLUTE_DURATION: f64 = 259_200.0;
/// The stores' default `inactivityDuration`: 1 day.
pub const DEFAULT_INACTIVITY_DURATION: f64 = 86_400.0;
/// `generateSessionCookie` seals for one hour.
pub const TEST_COOKIE_MAX_AGE: f64 = 3_600.0;

// ---------------------------------------------------------------------------------------------------
// The request's cookies
// ---------------------------------------------------------------------------------------------------

/// A request's cookies as the SDK's `RequestCookies` holds them: names in first-seen order, each with its
/// last value; `set` keeps a name's place, `delete` closes the gap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jar {
    cookies: IndexMap<String, String>,
}

impl Jar {
    pub fn new() -> Self {
        Jar::default()
    }

    /// Parses a `Cookie` header as `new RequestCookies(new Headers({ cookie }))` does: the header is
    /// trimmed of HTTP whitespace, pairs are split at `;` (and the spaces after it), a pair without `=`
    /// is the name with the value `"true"`, values are `decodeURIComponent`-ed and a pair whose value
    /// does not decode is skipped. Names are taken as they are (not trimmed).
    pub fn parse_header(header: &str) -> Jar {
        let header = header.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        let mut jar = Jar::new();
        for (i, pair) in header.split(';').enumerate() {
            let pair = if i == 0 {
                pair
            } else {
                pair.trim_start_matches(' ')
            };
            if pair.is_empty() {
                continue;
            }
            match pair.find('=') {
                None => jar.set(pair, "true"),
                Some(at) => {
                    if let Some(value) = decode_uri_component(&pair[at + 1..]) {
                        jar.set(&pair[..at], &value);
                    }
                }
            }
        }
        jar
    }

    /// A jar from JSON: an array of `{ name, value }` (what `getAll()` returns) or an object of
    /// `name: value` strings. Values are taken as they are (already decoded). A repeated name keeps its
    /// first place and its last value.
    pub fn from_json(text: &str) -> Result<Jar> {
        if text.len() > MAX_JAR_BYTES {
            return Err(jar_too_large(text.len()));
        }
        let value = parse_value(text)
            .map_err(|e| invalid_arg_value(format!("cookies: not a cookie list ({e})")))?;
        let mut jar = Jar::new();
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let member = |key: &str| match item.get(key) {
                        Some(Value::String(s)) => Ok(s.as_str()),
                        _ => Err(invalid_arg_type(format!(
                            "cookies[{i}].{key} must be a string (cookies are {{ name, value }} objects)"
                        ))),
                    };
                    jar.set(member("name")?, member("value")?);
                }
            }
            Value::Object(members) => {
                for (name, value) in &members {
                    match value {
                        Value::String(value) => jar.set(name, value),
                        _ => {
                            return Err(invalid_arg_type(format!(
                                "cookies[{}] must be a string value",
                                serde_json::to_string(name).unwrap_or_default()
                            )))
                        }
                    }
                }
            }
            _ => {
                return Err(invalid_arg_type(
                    "cookies must be a Cookie header, a name → value object, a { name, value } list or \
                     an object with getAll()",
                ))
            }
        }
        Ok(jar)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }

    /// `RequestCookies.set`: a new name goes last, a known one keeps its place.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.cookies.get_mut(name) {
            Some(existing) => value.clone_into(existing),
            None => {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
    }

    /// `RequestCookies.delete`: the others keep their order.
    pub fn delete(&mut self, name: &str) {
        self.cookies.shift_remove(name);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.cookies.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// The `Cookie` header `RequestCookies` writes after a change: `name=encodeURIComponent(value)`
    /// joined by `"; "`.
    pub fn to_header(&self) -> String {
        let mut out = String::new();
        for (i, (name, value)) in self.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            out.push_str(name);
            out.push('=');
            encode_uri_component_into(value, &mut out);
        }
        out
    }
}

impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Jar {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut jar = Jar::new();
        for (name, value) in iter {
            jar.set(name.as_ref(), value.as_ref());
        }
        jar
    }
}

pub fn jar_too_large(len: usize) -> crate::Error {
    input_too_large(format!(
        "the cookies are {len} bytes, over the {MAX_JAR_BYTES}-byte limit"
    ))
}

/// Refuses a `Cookie` header (or a value to write) over `MAX_JAR_BYTES` before it is copied.
pub fn check_jar_len(len: usize) -> Result<()> {
    if len > MAX_JAR_BYTES {
        return Err(jar_too_large(len));
    }
    Ok(())
}

/// A jar argument of no kind a jar can be (`got`: JavaScript's `typeof` word).
pub fn jar_of_wrong_type(got: &str) -> crate::Error {
    invalid_arg_type(format!(
        "cookies must be a Cookie header string, a name → value object, a {{ name, value }} list \
         or an object with getAll(), got {got}"
    ))
}

/// Two mistakes that would otherwise read as a jar without cookies: a Promise (Next.js 15 made `cookies()`
/// async) and a request (`NextRequest`, `Request`, the Pages Router's `req`: an object with an object
/// `headers` and no `getAll()`; a cookie called `headers` holds a string). `is_request` is asked only of
/// what is not a Promise.
pub fn refuse_what_is_not_a_jar(
    is_promise: bool,
    is_request: impl FnOnce() -> Result<bool>,
) -> Result<()> {
    if is_promise {
        return Err(invalid_arg_type(
            "cookies is a Promise: did you forget `await cookies()`? Pass the cookie jar it resolves to",
        ));
    }
    if is_request()? {
        return Err(invalid_arg_type(
            "cookies is a request, not its cookies: pass request.cookies (NextRequest, NextApiRequest), \
             or the Cookie header (request.headers.get('cookie'), req.headers.cookie)",
        ));
    }
    Ok(())
}

/// What a jar's `getAll()` threw.
pub fn get_all_threw(message: &str) -> crate::Error {
    invalid_arg_value(format!("cookies.getAll() threw: {message}"))
}

/// A jar from what `JSON.stringify` made of a list or object jar (or of what its `getAll()` returned).
/// `looks_like_a_map` is asked only when the text is `{}`: a `Headers` or a `Map` stringifies so, and is
/// refused rather than read as a jar without cookies.
pub fn jar_from_stringified(
    json: Stringified,
    looks_like_a_map: impl FnOnce() -> Result<bool>,
) -> Result<Jar> {
    match json {
        Stringified::Text(text) if text == "{}" && looks_like_a_map()? => Err(invalid_arg_type(
            "cookies looks like a Headers or Map object: pass headers.get('cookie'), a \
             { name, value } list or an object with getAll()",
        )),
        Stringified::Text(text) => Jar::from_json(&text),
        Stringified::Undefined => Err(invalid_arg_type("cookies.getAll() must return a list")),
        Stringified::Threw(message) => Err(invalid_arg_value(format!(
            "cookies cannot be serialized to JSON: {message}"
        ))),
    }
}

/// Counts a list or object jar by the lengths of its names and values before V8 serializes it, and refuses
/// it once they pass `MAX_JAR_BYTES` (audit finding L4). Lengths in UTF-16 units are what V8 knows without
/// a scan, and never exceed the bytes of the JSON text the cap otherwise applies to.
#[derive(Debug, Default)]
pub struct JarBudget {
    total: usize,
}

impl JarBudget {
    /// Each `{ name, value }` entry adds at least `{"name":"","value":""},` (23 bytes) to the JSON.
    pub const LIST_ENTRY_BYTES: usize = 23;
    /// Each `name: value` member adds at least `"":"",` (6 bytes).
    pub const OBJECT_MEMBER_BYTES: usize = 6;

    /// Refuses `count` entries of at least `bytes_each` before any of them is read.
    pub fn entries(count: usize, bytes_each: usize) -> Result<JarBudget> {
        if count > MAX_JAR_BYTES / bytes_each {
            return Err(jar_too_large(count.saturating_mul(bytes_each)));
        }
        Ok(JarBudget::default())
    }

    /// Adds one name's or value's length.
    pub fn add(&mut self, len: usize) -> Result<()> {
        self.total = self.total.saturating_add(len);
        if self.total > MAX_JAR_BYTES {
            return Err(jar_too_large(self.total));
        }
        Ok(())
    }
}

/// JavaScript's `decodeURIComponent`, or `None` where it throws a `URIError` (a `%` not followed by two
/// hex digits, or escapes that are not the UTF-8 of one code point).
pub fn decode_uri_component(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let lead = escaped_byte(bytes, i)?;
        i += 3;
        if lead < 0x80 {
            out.push(lead);
            continue;
        }
        let len = match lead {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return None,
        };
        let start = out.len();
        out.push(lead);
        for _ in 1..len {
            let next = escaped_byte(bytes, i)?;
            if next & 0xC0 != 0x80 {
                return None;
            }
            out.push(next);
            i += 3;
        }
        // Overlong forms, surrogates and code points past U+10FFFF are refused, as the spec requires.
        std::str::from_utf8(&out[start..]).ok()?;
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

fn escaped_byte(bytes: &[u8], at: usize) -> Option<u8> {
    if bytes.get(at) != Some(&b'%') {
        return None;
    }
    let hex = |b: u8| (b as char).to_digit(16);
    let high = hex(*bytes.get(at + 1)?)?;
    let low = hex(*bytes.get(at + 2)?)?;
    Some((high * 16 + low) as u8)
}

/// JavaScript's `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` percent-encoded.
pub fn encode_uri_component_into(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Set-Cookie entries
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    Strict,
    None,
}

impl SameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "lax",
            SameSite::Strict => "strict",
            SameSite::None => "none",
        }
    }

    /// `"lax"`, `"strict"` or `"none"`, in any case.
    pub fn parse(text: &str) -> Option<SameSite> {
        match text.to_ascii_lowercase().as_str() {
            "lax" => Some(SameSite::Lax),
            "strict" => Some(SameSite::Strict),
            "none" => Some(SameSite::None),
            _ => None,
        }
    }

    /// The `sameSite` option called `name`, or a coded error naming it.
    pub fn parse_option(text: &str, name: &str) -> Result<SameSite> {
        SameSite::parse(text).ok_or_else(|| {
            invalid_arg_value(format!("{name} must be \"lax\", \"strict\" or \"none\""))
        })
    }
}

/// The attributes of one `Set-Cookie`, as the SDK passes them to `ResponseCookies.set`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetCookieOptions {
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    pub secure: bool,
    /// Empty means no `Path` attribute (only reachable with a configured `path: ""`).
    pub path: String,
    pub domain: Option<String>,
    /// `None` for a browser-session cookie (`transient`); `Some(0.0)` deletes.
    pub max_age: Option<f64>,
}

/// One entry of the `Set-Cookie` list: a value to set, or a deletion (`value` empty, `maxAge` 0).
#[derive(Debug, Clone, PartialEq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    pub options: SetCookieOptions,
}

impl SetCookie {
    pub fn is_deletion(&self) -> bool {
        self.options.max_age == Some(0.0) && self.value.is_empty()
    }

    /// The JSON the bindings hand to JavaScript:
    /// `{"name","value","options":{"httpOnly","sameSite"?,"secure","path","domain"?,"maxAge"?}}`.
    pub fn write_json(&self, out: &mut String) {
        let o = &self.options;
        out.push_str("{\"name\":");
        push_json_string(&self.name, out);
        out.push_str(",\"value\":");
        push_json_string(&self.value, out);
        out.push_str(",\"options\":{\"httpOnly\":");
        out.push_str(if o.http_only { "true" } else { "false" });
        if let Some(same_site) = o.same_site {
            out.push_str(",\"sameSite\":\"");
            out.push_str(same_site.as_str());
            out.push('"');
        }
        out.push_str(",\"secure\":");
        out.push_str(if o.secure { "true" } else { "false" });
        out.push_str(",\"path\":");
        push_json_string(&o.path, out);
        if let Some(domain) = &o.domain {
            out.push_str(",\"domain\":");
            push_json_string(domain, out);
        }
        if let Some(max_age) = o.max_age {
            out.push_str(",\"maxAge\":");
            out.push_str(&js_number(max_age));
        }
        out.push_str("}}");
    }

    /// Reads a `SetCookie` from the JSON of `{ name, value, options? }`, checking that it can be written
    /// as a header: a cookie-name token, and no `;` or control characters in `path` or `domain`.
    /// Absent options are those `ResponseCookies.set` would apply: no flags, `path` `/`.
    pub fn from_json(text: &str) -> Result<SetCookie> {
        let value = parse_value(text)
            .map_err(|e| invalid_arg_value(format!("cookie: not a SetCookie object ({e})")))?;
        let string = |v: &Value, key: &str| -> Result<Option<String>> {
            match v.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(invalid_arg_type(format!("cookie.{key} must be a string"))),
            }
        };
        let name = string(&value, "name")?
            .ok_or_else(|| invalid_arg_type("cookie.name must be a string"))?;
        check_cookie_name(&name, "cookie.name")?;
        let cookie_value = string(&value, "value")?
            .ok_or_else(|| invalid_arg_type("cookie.value must be a string"))?;
        let options = match value.get("options") {
            None | Some(Value::Null) => Value::Object(Default::default()),
            Some(o @ Value::Object(_)) => o.clone(),
            Some(_) => return Err(invalid_arg_type("cookie.options must be an object")),
        };
        let flag = |key: &str| -> Result<bool> {
            match options.get(key) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(invalid_arg_type(format!(
                    "cookie.options.{key} must be a boolean"
                ))),
            }
        };
        let same_site = match string(&options, "sameSite")? {
            None => None,
            Some(text) => Some(SameSite::parse(&text).ok_or_else(|| {
                invalid_arg_value("cookie.options.sameSite must be \"lax\", \"strict\" or \"none\"")
            })?),
        };
        let path = string(&options, "path")?.unwrap_or_else(|| "/".to_string());
        check_attribute(&path, "cookie.options.path", true)?;
        let domain = string(&options, "domain")?.filter(|d| !d.is_empty());
        if let Some(domain) = &domain {
            check_attribute(domain, "cookie.options.domain", false)?;
        }
        let max_age = match options.get("maxAge") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => {
                Some(n.as_f64().filter(|n| n.is_finite()).ok_or_else(|| {
                    invalid_arg_value("cookie.options.maxAge must be a finite number")
                })?)
            }
            Some(_) => {
                return Err(invalid_arg_type(
                    "cookie.options.maxAge must be a number of seconds",
                ))
            }
        };
        Ok(SetCookie {
            name,
            value: cookie_value,
            options: SetCookieOptions {
                http_only: flag("httpOnly")?,
                same_site,
                secure: flag("secure")?,
                path,
                domain,
                max_age,
            },
        })
    }

    /// The `Set-Cookie` header line, exactly as the SDK's `ResponseCookies` writes it (edge-runtime's
    /// `stringifyCookie` after `normalizeCookie`): `name=encodeURIComponent(value)`, then `Path`,
    /// `Expires` (now + maxAge, when maxAge is not 0), `Max-Age`, `Domain`, `Secure`, `HttpOnly`,
    /// `SameSite`. `now` is in epoch seconds.
    pub fn serialize(&self, now: f64) -> Result<String> {
        let o = &self.options;
        let mut out = String::with_capacity(self.name.len() + self.value.len() + 96);
        out.push_str(&self.name);
        out.push('=');
        encode_uri_component_into(&self.value, &mut out);
        if !o.path.is_empty() {
            out.push_str("; Path=");
            out.push_str(&o.path);
        }
        if let Some(max_age) = o.max_age {
            if max_age != 0.0 {
                let millis = (now * 1000.0).floor() + max_age * 1000.0;
                out.push_str("; Expires=");
                out.push_str(&utc_string(millis).ok_or_else(|| {
                    invalid_arg_value(format!(
                        "cookie.options.maxAge {max_age} puts Expires outside the dates JavaScript can represent"
                    ))
                })?);
            }
            out.push_str("; Max-Age=");
            out.push_str(&js_number(max_age));
        }
        if let Some(domain) = o.domain.as_deref().filter(|d| !d.is_empty()) {
            out.push_str("; Domain=");
            out.push_str(domain);
        }
        if o.secure {
            out.push_str("; Secure");
        }
        if o.http_only {
            out.push_str("; HttpOnly");
        }
        if let Some(same_site) = o.same_site {
            out.push_str("; SameSite=");
            out.push_str(same_site.as_str());
        }
        Ok(out)
    }
}

/// A list of entries as one JSON array (one `JSON.parse` on the JavaScript side).
pub fn set_cookies_json(cookies: &[SetCookie]) -> String {
    let mut out = String::with_capacity(cookies.iter().map(|c| c.value.len() + 128).sum());
    out.push('[');
    for (i, cookie) in cookies.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cookie.write_json(&mut out);
    }
    out.push(']');
    out
}

fn push_json_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(text).expect("strings serialize"));
}

/// A number as JavaScript prints it (`Max-Age=${maxAge}`, `JSON.stringify`).
fn js_number(value: f64) -> String {
    claims::js_number(value).unwrap_or_else(|_| "NaN".to_string())
}

/// `new Date(millis).toUTCString()`: `Thu, 01 Jan 1970 00:00:00 GMT`; `None` outside JavaScript's range.
pub fn utc_string(millis: f64) -> Option<String> {
    if !millis.is_finite() || millis.abs() > 8.64e15 {
        return None;
    }
    let seconds = (millis / 1000.0).floor() as i64;
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let sign = if year < 0 { "-" } else { "" };
    Some(format!(
        "{}, {day:02} {} {sign}{:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        year.abs(),
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60,
    ))
}

/// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day count from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A cookie name that can go in a header as is: visible ASCII but `;` and `=` (the `cookie` package's
/// rule for `serialize`).
pub fn check_cookie_name(name: &str, what: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| (0x21..=0x7E).contains(&b) && b != b';' && b != b'=');
    if ok {
        Ok(())
    } else {
        Err(invalid_arg_value(format!(
            "{what} must be a cookie name: visible ASCII characters other than ';' and '='"
        )))
    }
}

/// `Path` / `Domain` values: printable ASCII without `;` (spaces allowed in a path only).
fn check_attribute(value: &str, what: &str, spaces: bool) -> Result<()> {
    let ok = value
        .bytes()
        .all(|b| ((0x21..=0x7E).contains(&b) && b != b';') || (spaces && b == b' '));
    if ok {
        Ok(())
    } else {
        Err(invalid_arg_value(format!(
            "{what} must be printable ASCII without ';'"
        )))
    }
}

/// The response's cookies as the SDK's `ResponseCookies` holds them: setting a name again replaces the
/// earlier entry in its place.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    cookies: IndexMap<String, SetCookie>,
}

impl Plan {
    pub fn set(&mut self, cookie: SetCookie) {
        self.cookies.insert(cookie.name.clone(), cookie);
    }

    pub fn into_vec(self) -> Vec<SetCookie> {
        self.cookies.into_values().collect()
    }
}

// ---------------------------------------------------------------------------------------------------
// Chunks: the SDK's server/cookies.js
// ---------------------------------------------------------------------------------------------------

/// The index of a chunk of `base`: `{base}__{digits}`, or `{base}.{digits}` for v3 (`parseInt`).
pub fn chunk_index(name: &str, base: &str, legacy: bool) -> Option<f64> {
    let rest = name.strip_prefix(base)?;
    let digits = rest.strip_prefix(if legacy { "." } else { "__" })?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The positional index of a connection-token cookie `__FC_{digits}` (`Number(suffix)`).
pub fn connection_cookie_index(name: &str) -> Option<f64> {
    let digits = name.strip_prefix(CONNECTION_COOKIE_PREFIX)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `getChunkedCookie`: the cookie itself when its value is not empty, else its chunks joined in numeric
/// order; `None` when there are none, or when they are not exactly indices `0..n` (a gap).
pub fn get_chunked_cookie(name: &str, jar: &Jar, legacy: bool) -> Option<String> {
    if let Some(value) = jar.get(name).filter(|v| !v.is_empty()) {
        return Some(value.to_string());
    }
    let mut chunks: Vec<(f64, &str)> = jar
        .iter()
        .filter_map(|(n, v)| chunk_index(n, name, legacy).map(|i| (i, v)))
        .collect();
    // JavaScript's sort is stable; equal indices (`__1`, `__01`) keep the jar's order.
    chunks.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let highest = chunks.last()?.0;
    if chunks.len() as f64 != highest + 1.0 {
        return None;
    }
    Some(chunks.iter().map(|(_, v)| *v).collect())
}

/// `getClearUpTo`: chunk names `{base}__i` for `i` in `from..max(MIN_CHUNK_SWEEP, highest present + 1)`,
/// capped at [`MAX_SWEEP`], followed by any chunk present at or above the cap (by its canonical name).
fn sweep_names(jar: &Jar, base: &str, from: usize) -> Vec<String> {
    let mut highest = -1.0_f64;
    let mut beyond: Vec<u64> = Vec::new();
    for (name, _) in jar.iter() {
        if let Some(index) = chunk_index(name, base, false) {
            highest = highest.max(index);
            if index >= MAX_SWEEP as f64 && index < 9_007_199_254_740_992.0 {
                beyond.push(index as u64);
            }
        }
    }
    let up_to = (MIN_CHUNK_SWEEP as f64)
        .max(highest + 1.0)
        .min(MAX_SWEEP as f64) as usize;
    beyond.sort_unstable();
    beyond.dedup();
    (from..up_to)
        .map(|i| i as u64)
        .chain(beyond.into_iter().filter(|&i| i >= from as u64))
        .map(|i| format!("{base}__{i}"))
        .collect()
}

/// `deleteCookie`: an empty value with `maxAge: 0` and the same security attributes, so that browsers
/// match it to the cookie being removed. An empty path becomes `/` (as `ResponseCookies` does).
pub fn delete_cookie(plan: &mut Plan, name: &str, options: &SetCookieOptions) {
    plan.set(SetCookie {
        name: name.to_string(),
        value: String::new(),
        options: SetCookieOptions {
            http_only: options.http_only,
            same_site: options.same_site,
            secure: options.secure,
            path: if options.path.is_empty() {
                "/".to_string()
            } else {
                options.path.clone()
            },
            domain: options.domain.clone().filter(|d| !d.is_empty()),
            max_age: Some(0.0),
        },
    });
}

/// `setChunkedCookie`: writes `value` under `name`, or in 3500-character chunks `name__0..n` when it is
/// over 3500 UTF-8 bytes, deletes the other form and the stale chunks, mirrors every change into the
/// request jar, and returns the bytes set (`name=value` in UTF-8, summed over the chunks).
/// `transient` drops `maxAge`.
pub fn set_chunked_cookie(
    name: &str,
    value: &str,
    options: &SetCookieOptions,
    transient: bool,
    jar: &mut Jar,
    plan: &mut Plan,
) -> Result<usize> {
    let mut options = options.clone();
    if transient {
        options.max_age = None;
    }
    let size_of = |n: &str, v: &str| n.len() + 1 + v.len();
    if value.len() <= MAX_CHUNK_SIZE {
        plan.set(SetCookie {
            name: name.to_string(),
            value: value.to_string(),
            options: options.clone(),
        });
        jar.set(name, value);
        for chunk in sweep_names(jar, name, 0) {
            delete_cookie(plan, &chunk, &options);
            jar.delete(&chunk);
        }
        return Ok(size_of(name, value));
    }
    let chunks = utf16_chunks(value, MAX_CHUNK_SIZE)?;
    let mut total = 0;
    for (index, chunk) in chunks.iter().enumerate() {
        let chunk_name = format!("{name}__{index}");
        plan.set(SetCookie {
            name: chunk_name.clone(),
            value: chunk.to_string(),
            options: options.clone(),
        });
        jar.set(&chunk_name, chunk);
        total += size_of(&chunk_name, chunk);
    }
    for chunk in sweep_names(jar, name, chunks.len()) {
        delete_cookie(plan, &chunk, &options);
        jar.delete(&chunk);
    }
    delete_cookie(plan, name, &options);
    jar.delete(name);
    Ok(total)
}

/// `value.slice(i, i + size)` over JavaScript's UTF-16 units. A cut through a surrogate pair would give
/// the SDK a lone surrogate, which its header encoding then throws on; that is refused here.
fn utf16_chunks(value: &str, size: usize) -> Result<Vec<&str>> {
    let mut chunks = Vec::with_capacity(value.len() / size + 1);
    if value.is_ascii() {
        let mut start = 0;
        while start < value.len() {
            let end = (start + size).min(value.len());
            chunks.push(&value[start..end]);
            start = end;
        }
        return Ok(chunks);
    }
    let (mut start, mut units) = (0, 0);
    for (at, c) in value.char_indices() {
        let width = c.len_utf16();
        if units + width > size {
            if units != size {
                return Err(invalid_arg_value(format!(
                    "value cannot be split into {size}-unit chunks without cutting a character in two"
                )));
            }
            chunks.push(&value[start..at]);
            start = at;
            units = 0;
        }
        units += width;
    }
    if start < value.len() {
        chunks.push(&value[start..]);
    }
    Ok(chunks)
}

/// The options of `planChunkedCookie` as the caller gave them; `resolve` applies the stores' defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChunkedCookieOptions {
    pub http_only: Option<bool>,
    pub same_site: Option<String>,
    pub secure: Option<bool>,
    pub path: Option<String>,
    pub domain: Option<String>,
    pub max_age: Option<f64>,
    pub transient: Option<bool>,
}

impl ChunkedCookieOptions {
    /// The `Set-Cookie` options and `transient`, with the stores' defaults where absent (`httpOnly: true`,
    /// `sameSite: "lax"`, `secure: false`, `path: "/"`; an empty `domain` is none), checked as a configured
    /// store's are.
    pub fn resolve(self) -> Result<(SetCookieOptions, bool)> {
        let same_site = match self.same_site {
            Some(text) => SameSite::parse_option(&text, "options.sameSite")?,
            None => SameSite::Lax,
        };
        let options = SetCookieOptions {
            http_only: self.http_only.unwrap_or(true),
            same_site: Some(same_site),
            secure: self.secure.unwrap_or(false),
            path: self.path.unwrap_or_else(|| "/".to_string()),
            domain: self.domain.filter(|d| !d.is_empty()),
            max_age: self
                .max_age
                .map(|age| crate::input::finite("options.maxAge", age))
                .transpose()?,
        };
        CookieConfig {
            path: options.path.clone(),
            domain: options.domain.clone(),
            ..CookieConfig::default()
        }
        .check()?;
        Ok((options, self.transient.unwrap_or(false)))
    }
}

/// `deleteChunkedCookie`: the cookie itself, then its v3 chunks present in the request (in the jar's
/// order), or its v4 chunk names swept as `getClearUpTo` says.
pub fn delete_chunked_cookie(
    name: &str,
    jar: &Jar,
    plan: &mut Plan,
    legacy: bool,
    options: &SetCookieOptions,
) {
    delete_cookie(plan, name, options);
    if legacy {
        for (chunk, _) in jar.iter() {
            if chunk_index(chunk, name, true).is_some() {
                delete_cookie(plan, chunk, options);
            }
        }
        return;
    }
    for chunk in sweep_names(jar, name, 0) {
        delete_cookie(plan, &chunk, options);
    }
}

// ---------------------------------------------------------------------------------------------------
// The session stores
// ---------------------------------------------------------------------------------------------------

/// The stores' configuration (the SDK's `AbstractSessionStore` options and `cookieConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct CookieConfig {
    pub name: String,
    pub rolling: bool,
    /// Seconds a session may live in all (from `internal.createdAt`).
    pub absolute_duration: f64,
    /// Seconds a rolling session may sit idle.
    pub inactivity_duration: f64,
    pub same_site: SameSite,
    pub secure: bool,
    pub path: String,
    pub domain: Option<String>,
    /// Browser-session cookies: no `maxAge` on the session cookie(s).
    pub transient: bool,
}

impl Default for CookieConfig {
    fn default() -> Self {
        CookieConfig {
            name: DEFAULT_COOKIE_NAME.to_string(),
            rolling: true,
            absolute_duration: DEFAULT_ABSOLUTE_DURATION,
            inactivity_duration: DEFAULT_INACTIVITY_DURATION,
            same_site: SameSite::Lax,
            secure: false,
            path: "/".to_string(),
            domain: None,
            transient: false,
        }
    }
}

/// The options of `new SessionCookies` as the caller gave them (the SDK's store options and its
/// `cookieOptions`); `CookieConfig::new` applies the defaults and checks them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoreOptions {
    pub rolling: Option<bool>,
    pub absolute_duration: Option<f64>,
    pub inactivity_duration: Option<f64>,
    /// `cookieName`, which wins over `cookieOptions.name` (the SDK's spelling).
    pub cookie_name: Option<String>,
    pub cookie: SessionCookieOptions,
}

/// `cookieOptions` of `new SessionCookies`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionCookieOptions {
    pub name: Option<String>,
    pub same_site: Option<String>,
    pub secure: Option<bool>,
    pub path: Option<String>,
    pub domain: Option<String>,
    pub transient: Option<bool>,
}

impl CookieConfig {
    /// The configuration the options ask for, the SDK's defaults where absent, checked.
    pub fn new(options: StoreOptions) -> Result<CookieConfig> {
        let defaults = CookieConfig::default();
        let finite = |name, value: Option<f64>, default| {
            value.map_or(Ok(default), |v| crate::input::finite(name, v))
        };
        let cookie = options.cookie;
        let config = CookieConfig {
            name: options.cookie_name.or(cookie.name).unwrap_or(defaults.name),
            rolling: options.rolling.unwrap_or(defaults.rolling),
            absolute_duration: finite(
                "options.absoluteDuration",
                options.absolute_duration,
                defaults.absolute_duration,
            )?,
            inactivity_duration: finite(
                "options.inactivityDuration",
                options.inactivity_duration,
                defaults.inactivity_duration,
            )?,
            same_site: match cookie.same_site {
                Some(text) => SameSite::parse_option(&text, "options.cookieOptions.sameSite")?,
                None => defaults.same_site,
            },
            secure: cookie.secure.unwrap_or(defaults.secure),
            path: cookie.path.unwrap_or(defaults.path),
            domain: cookie.domain,
            transient: cookie.transient.unwrap_or(defaults.transient),
        };
        config.check()?;
        Ok(config)
    }

    /// Refuses what would make an invalid or injectable header, and durations that are not seconds.
    pub fn check(&self) -> Result<()> {
        check_cookie_name(&self.name, "cookieName")?;
        check_attribute(&self.path, "cookieOptions.path", true)?;
        if let Some(domain) = &self.domain {
            check_attribute(domain, "cookieOptions.domain", false)?;
        }
        for (value, what) in [
            (self.absolute_duration, "absoluteDuration"),
            (self.inactivity_duration, "inactivityDuration"),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(invalid_arg_value(format!(
                    "{what} must be a finite number of seconds, 0 or more"
                )));
            }
        }
        Ok(())
    }

    /// `{ ...cookieConfig, maxAge }`: httpOnly is always on.
    fn options(&self, max_age: Option<f64>) -> SetCookieOptions {
        SetCookieOptions {
            http_only: true,
            same_site: Some(self.same_site),
            secure: self.secure,
            path: self.path.clone(),
            domain: self.domain.clone().filter(|d| !d.is_empty()),
            max_age,
        }
    }
}

/// What a stateless write produced.
#[derive(Debug, Clone)]
pub struct WriteOutcome {
    /// The `Set-Cookie` list, in the SDK's order.
    pub cookies: Vec<SetCookie>,
    /// `name=value` bytes of the session cookie(s) set: what `setChunkedCookie` returns.
    pub bytes: usize,
    /// The SDK's warning threshold: `bytes >= 4096`.
    pub over_budget: bool,
    /// `__FC_i` cookies whose `Set-Cookie` line is 4096 bytes or more (the SDK warns for each).
    pub oversized_cookies: Vec<String>,
    /// The request's cookies after the write, as the SDK leaves them for read-after-write.
    pub jar: Jar,
}

/// A stateful write: the session id and its cookie.
#[derive(Debug, Clone)]
pub struct SessionIdWrite {
    pub id: String,
    pub cookies: Vec<SetCookie>,
}

/// The cookie layer of the stateless and stateful session stores, keys derived once.
pub struct SessionCookies {
    cipher: SessionCipher,
    signing: SigningKeys,
    config: CookieConfig,
}

impl std::fmt::Debug for SessionCookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCookies")
            .field("cipher", &self.cipher)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SessionCookies {
    pub fn new<S: AsRef<str>>(
        secrets: &[S],
        options: CipherOptions,
        config: CookieConfig,
    ) -> Result<Self> {
        config.check()?;
        let cipher = SessionCipher::new(secrets, options)?;
        Ok(SessionCookies {
            signing: SigningKeys::new(secrets),
            cipher,
            config,
        })
    }

    pub fn cipher(&self) -> &SessionCipher {
        &self.cipher
    }

    pub fn config(&self) -> &CookieConfig {
        &self.config
    }

    pub fn signing(&self) -> &SigningKeys {
        &self.signing
    }

    /// `calculateMaxAge`: `absoluteDuration` when not rolling, else
    /// `min(now + inactivityDuration, createdAt + absoluteDuration) - now`, 0 when not positive.
    /// A `createdAt` that is not a number is `NaN` here as in JavaScript, which gives 0.
    pub fn max_age(&self, created_at: f64, now: f64) -> f64 {
        let c = &self.config;
        if !c.rolling {
            return c.absolute_duration;
        }
        let idle = now + c.inactivity_duration;
        let absolute = created_at + c.absolute_duration;
        // `Math.min`: NaN when either is NaN (Rust's `f64::min` would drop it).
        let expires_at = if idle.is_nan() || absolute.is_nan() {
            f64::NAN
        } else {
            idle.min(absolute)
        };
        let max_age = expires_at - now;
        if max_age > 0.0 {
            max_age
        } else {
            0.0
        }
    }

    /// The stateless store's `get`: the session of `__session` (or its chunks, or the v3 `appSession`
    /// cookie or chunks), normalized, with the `__FC_i` connection token sets that open added as
    /// `connectionTokenSets` (omitted when none do). `None` for anything bad, and, as `getSession()`
    /// has it, past the IdP session ceiling; never an error.
    pub fn read(&self, jar: &Jar, clock: Clock) -> Option<String> {
        let value = get_chunked_cookie(&self.config.name, jar, false)
            .or_else(|| get_chunked_cookie(LEGACY_COOKIE_NAME, jar, true))?;
        if value.is_empty() {
            return None;
        }
        let session = self.cipher.unseal(&value, clock)?;
        if session_ceiling_reached(&session, clock.now) {
            return None;
        }
        let sets: Vec<String> = jar
            .iter()
            .filter(|(name, _)| connection_cookie_index(name).is_some())
            .filter_map(|(_, value)| self.cipher.open(value, clock).ok())
            .map(|opened| opened.payload)
            .collect();
        if sets.is_empty() {
            return Some(session);
        }
        let array = format!("[{}]", sets.join(","));
        set_member(&session, "connectionTokenSets", &array).ok()
    }

    /// The stateless store's `set`: the session (less `connectionTokenSets`) sealed with
    /// `exp = now + maxAge` and written with `setChunkedCookie`; one `__FC_i` cookie per connection token
    /// set, trailing stale ones deleted; v3 cookies deleted once a v4 one is written.
    pub fn write(
        &self,
        session_json: &str,
        jar: &Jar,
        now: f64,
        validation: Validation,
    ) -> Result<WriteOutcome> {
        {
            let problems = session::check(session_json, validation);
            if !problems.is_empty() {
                return Err(session_invalid(session::describe(&problems)));
            }
        }
        let parts = SessionParts::split(session_json)?;
        let now = now.floor();
        let max_age = self.max_age(parts.created_at, now);
        let jwe = self.cipher.seal_payload(&parts.rest, now + max_age, None)?;

        let mut jar = jar.clone();
        let mut plan = Plan::default();
        let options = self.config.options(Some(max_age));
        let bytes = set_chunked_cookie(
            &self.config.name,
            &jwe,
            &options,
            self.config.transient,
            &mut jar,
            &mut plan,
        )?;

        // Connection token sets, each in its own cookie (never transient: the SDK passes maxAge as is).
        let mut oversized_cookies = Vec::new();
        let fc_exp = (now + max_age).floor();
        for (index, set) in parts.connection_token_sets.iter().enumerate() {
            let name = format!("{CONNECTION_COOKIE_PREFIX}{index}");
            let value = self.cipher.seal_payload(set.get(), fc_exp, None)?;
            let cookie = SetCookie {
                name: name.clone(),
                value,
                options: options.clone(),
            };
            if cookie.serialize(now)?.len() >= CONNECTION_COOKIE_WARN_BYTES {
                oversized_cookies.push(name.clone());
            }
            jar.set(&name, &cookie.value);
            plan.set(cookie);
        }
        let count = parts.connection_token_sets.len() as f64;
        let stale: Vec<String> = jar
            .iter()
            .filter(|(name, _)| connection_cookie_index(name).is_some_and(|i| i >= count))
            .map(|(name, _)| name.to_string())
            .collect();
        let delete_options = self.config.options(None);
        for name in stale {
            delete_cookie(&mut plan, &name, &delete_options);
            jar.delete(&name);
        }

        if get_chunked_cookie(LEGACY_COOKIE_NAME, &jar, true).is_some_and(|v| !v.is_empty()) {
            delete_chunked_cookie(LEGACY_COOKIE_NAME, &jar, &mut plan, true, &delete_options);
        }
        Ok(WriteOutcome {
            cookies: plan.into_vec(),
            bytes,
            over_budget: bytes >= SESSION_SIZE_WARN_BYTES,
            oversized_cookies,
            jar,
        })
    }

    /// The stateless store's `delete`: the session cookie and its chunk names, v3 cookies when present,
    /// and every `__FC_i` cookie.
    pub fn clear(&self, jar: &Jar) -> Vec<SetCookie> {
        let options = self.config.options(None);
        let mut plan = Plan::default();
        delete_chunked_cookie(&self.config.name, jar, &mut plan, false, &options);
        if get_chunked_cookie(LEGACY_COOKIE_NAME, jar, true).is_some_and(|v| !v.is_empty()) {
            delete_chunked_cookie(LEGACY_COOKIE_NAME, jar, &mut plan, true, &options);
        }
        for (name, _) in jar.iter() {
            if connection_cookie_index(name).is_some() {
                delete_cookie(&mut plan, name, &options);
            }
        }
        plan.into_vec()
    }

    /// The stateful store's `get`, up to the store lookup: the session id in `__session` (else in
    /// `appSession`). A v4 cookie is a JWE of `{ id }`; a cookie that is not a JWE at all is tried as a v3
    /// signed cookie `id.signature`. `None` when neither gives a non-empty string id.
    pub fn read_session_id(&self, jar: &Jar, clock: Clock) -> Option<String> {
        let (name, value) = [self.config.name.as_str(), LEGACY_COOKIE_NAME]
            .into_iter()
            .find_map(|name| jar.get(name).map(|value| (name, value)))?;
        if value.is_empty() {
            return None;
        }
        match self.cipher.open(value, clock) {
            Ok(opened) => string_member(&opened.payload, "id").filter(|id| !id.is_empty()),
            Err(e) if e.code == ErrorCode::JweInvalid => self
                .signing
                .verify(name, value)
                .filter(|id| !id.is_empty())
                .map(str::to_string),
            Err(_) => None,
        }
    }

    /// The stateful store's `set`, after the store write: `{ id }` sealed with `exp = now + maxAge` into
    /// the session cookie (with `maxAge` even when transient, as the SDK does), and the v3 `appSession`
    /// cookie deleted when the request has one. A `None` id is a new one: 16 random bytes as hex.
    pub fn write_session_id(
        &self,
        id: Option<&str>,
        created_at: f64,
        jar: &Jar,
        now: f64,
    ) -> Result<SessionIdWrite> {
        check_session_id(id)?;
        let id = id.map_or_else(generate_session_id, str::to_string);
        let now = now.floor();
        let max_age = self.max_age(created_at, now);
        let payload = format!(
            "{{\"id\":{}}}",
            serde_json::to_string(&id).expect("strings")
        );
        let value = self.cipher.seal_payload(&payload, now + max_age, None)?;
        let mut plan = Plan::default();
        plan.set(SetCookie {
            name: self.config.name.clone(),
            value,
            options: self.config.options(Some(max_age)),
        });
        if self.config.name != LEGACY_COOKIE_NAME && jar.has(LEGACY_COOKIE_NAME) {
            delete_cookie(&mut plan, LEGACY_COOKIE_NAME, &self.config.options(None));
        }
        Ok(SessionIdWrite {
            id,
            cookies: plan.into_vec(),
        })
    }

    /// The stateful store's `delete`: the session cookie (and `appSession` when present) deleted, and the
    /// id to remove from the store — from a v4 `__session` cookie only, as the SDK does.
    pub fn clear_session_id(&self, jar: &Jar, clock: Clock) -> (Option<String>, Vec<SetCookie>) {
        let options = self.config.options(None);
        let mut plan = Plan::default();
        delete_cookie(&mut plan, &self.config.name, &options);
        if self.config.name != LEGACY_COOKIE_NAME && jar.has(LEGACY_COOKIE_NAME) {
            delete_cookie(&mut plan, LEGACY_COOKIE_NAME, &options);
        }
        let id = jar
            .get(&self.config.name)
            .filter(|v| !v.is_empty())
            .and_then(|value| self.cipher.open(value, clock).ok())
            .and_then(|opened| string_member(&opened.payload, "id"));
        (id, plan.into_vec())
    }
}

/// The `id` of `writeSessionId`: a non-empty string, or `None` for a new one.
pub fn check_session_id(id: Option<&str>) -> Result<()> {
    match id {
        Some("") => Err(invalid_arg_value(
            "id must be a non-empty string, or null for a new one",
        )),
        _ => Ok(()),
    }
}

/// A new stateful session id: 16 random bytes as 32 lowercase hex characters.
pub fn generate_session_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The SDK's `generateSessionCookie`: `internal` defaults to `{ sid: "auth0-sid", createdAt: now }` when
/// the session has none, and the cookie expires in one hour. The session is not validated (nor is it in
/// the SDK).
pub fn generate_session_cookie(
    cipher: &SessionCipher,
    session_json: &str,
    now: f64,
) -> Result<String> {
    let members: IndexMap<String, &RawValue> = top_level(session_json)?;
    let session: Cow<str> = if members.contains_key("internal") {
        Cow::Borrowed(session_json)
    } else {
        let internal = format!(
            "{{\"sid\":\"auth0-sid\",\"createdAt\":{}}}",
            js_number(now.floor())
        );
        Cow::Owned(set_member(session_json, "internal", &internal)?)
    };
    cipher.seal_payload(&session, (now + TEST_COOKIE_MAX_AGE).floor(), None)
}

/// The stateful counterpart: a cookie holding `{ id }` (a non-empty string) for one hour.
pub fn generate_session_id_cookie(cipher: &SessionCipher, id: &str, now: f64) -> Result<String> {
    if id.is_empty() {
        return Err(invalid_arg_value("id must be a non-empty string"));
    }
    let payload = format!("{{\"id\":{}}}", serde_json::to_string(id).expect("strings"));
    cipher.seal_payload(&payload, (now + TEST_COOKIE_MAX_AGE).floor(), None)
}

/// The current time in whole epoch seconds, or `now` floored (the SDK's `epoch()`).
pub fn epoch(now: Option<f64>) -> Result<f64> {
    match now {
        Some(now) => Ok(Clock::new(now, 0.0)?.now),
        None => Ok(Clock::system(0.0)?.now),
    }
}

/// A session taken apart as the stateless store's `set` needs it.
struct SessionParts<'a> {
    /// The session without `connectionTokenSets` (`{ connectionTokenSets, ...rest }`).
    rest: Cow<'a, str>,
    connection_token_sets: Vec<&'a RawValue>,
    /// `internal.createdAt`, NaN when it is not a number.
    created_at: f64,
}

impl<'a> SessionParts<'a> {
    fn split(session_json: &'a str) -> Result<Self> {
        let members: IndexMap<String, &'a RawValue> = top_level(session_json)?;
        let created_at = match members.get("internal").map(|raw| raw.get()) {
            Some(raw) if raw.starts_with('{') => {
                let internal: IndexMap<String, &RawValue> = top_level(raw)?;
                // A JSON number as JavaScript reads it (`1e400` is Infinity); anything else is NaN.
                internal
                    .get("createdAt")
                    .map(|raw| raw.get())
                    .filter(|text| text.starts_with(|c: char| c == '-' || c.is_ascii_digit()))
                    .and_then(|text| text.parse::<f64>().ok())
                    .unwrap_or(f64::NAN)
            }
            _ => return Err(session_invalid(
                "internal: must be an object with createdAt (the store reads internal.createdAt)",
            )),
        };
        let (rest, connection_token_sets) = match members.get("connectionTokenSets") {
            None => (Cow::Borrowed(session_json), Vec::new()),
            Some(raw) => {
                let sets = match raw.get() {
                    "null" => Vec::new(),
                    text if text.starts_with('[') => {
                        serde_json::from_str::<Vec<&RawValue>>(text)
                            .map_err(|e| session_invalid(format!("connectionTokenSets: {e}")))?
                    }
                    _ => {
                        return Err(session_invalid(
                            "connectionTokenSets: must be an array of connection token sets",
                        ))
                    }
                };
                let mut rest = String::with_capacity(session_json.len());
                rest.push('{');
                let mut first = true;
                for (key, value) in members.iter().filter(|(k, _)| *k != "connectionTokenSets") {
                    if !first {
                        rest.push(',');
                    }
                    first = false;
                    push_json_string(key, &mut rest);
                    rest.push(':');
                    rest.push_str(value.get());
                }
                rest.push('}');
                (Cow::Owned(rest), sets)
            }
        };
        Ok(SessionParts {
            rest,
            connection_token_sets,
            created_at,
        })
    }
}

/// The top-level members of a JSON object, values left as raw text. A repeated key keeps its first place
/// and its last value, as `JSON.parse` does.
fn top_level(json: &str) -> Result<IndexMap<String, &RawValue>> {
    serde_json::from_str(json).map_err(|e| invalid_arg_value(format!("not a JSON object: {e}")))
}

/// `{ ...object, [key]: value }` on JSON text: an existing member keeps its place, a new one goes last.
fn set_member(object_json: &str, key: &str, value_json: &str) -> Result<String> {
    let members = top_level(object_json)?;
    let mut out = String::with_capacity(object_json.len() + key.len() + value_json.len() + 4);
    out.push('{');
    let mut replaced = false;
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(k, &mut out);
        out.push(':');
        if k == key {
            out.push_str(value_json);
            replaced = true;
        } else {
            out.push_str(v.get());
        }
    }
    if !replaced {
        if !members.is_empty() {
            out.push(',');
        }
        push_json_string(key, &mut out);
        out.push(':');
        out.push_str(value_json);
    }
    out.push('}');
    Ok(out)
}

/// `getSession()` refuses a session once the upstream IdP's ceiling, `internal.sessionExpiresAt`, is
/// within this many seconds (the SDK's `SESSION_EXPIRY_LEEWAY_SECONDS`: never served after the ceiling).
const SESSION_CEILING_LEEWAY: f64 = 30.0;

/// The SDK's `isSessionCeilingReached`, which its `getSession()` applies on top of the store's `get`:
/// apps replace `getSession()` with `read`, so `read` applies it too. An absent or `null` ceiling is never
/// reached; other values compare as JavaScript's `now >= sessionExpiresAt - 30` coerces them.
fn session_ceiling_reached(session_json: &str, now: f64) -> bool {
    // Member names JavaScript reads but serde cannot decode (a lone surrogate escape) are swapped for
    // U+FFFD first: same structure, and no such name is `internal` or `sessionExpiresAt`. A session that
    // still cannot be read counts as past its ceiling, as the SDK would refuse it too (audit finding L1).
    let clean = crate::json::without_lone_surrogates(session_json);
    let Ok(members) = top_level(&clean) else {
        return true;
    };
    let Some(internal) = members.get("internal") else {
        return false;
    };
    if !internal.get().starts_with('{') {
        return false;
    }
    let Ok(internal) = top_level(internal.get()) else {
        return true;
    };
    internal
        .get("sessionExpiresAt")
        .map(|raw| js_to_number(raw.get()))
        .is_some_and(|ceiling| now >= ceiling - SESSION_CEILING_LEEWAY)
}

/// JavaScript's `Number(value)` for the JSON text of a value (`null` taken as absent by the caller):
/// numbers as they are, booleans 1/0, strings by their trimmed decimal text (empty is 0), `[]` 0 and a
/// one-number array that number; anything else `NaN`, which compares false.
fn js_to_number(raw: &str) -> f64 {
    let decimal = |text: &str| match text.trim() {
        "" => 0.0,
        t => t
            .parse::<f64>()
            .ok()
            .filter(|_| !t.contains(['i', 'I', 'n', 'N']))
            .unwrap_or(f64::NAN),
    };
    match raw {
        "null" => f64::NAN,
        "true" => 1.0,
        "false" => 0.0,
        "[]" => 0.0,
        text if text.starts_with('"') => {
            serde_json::from_str::<String>(text).map_or(f64::NAN, |s| decimal(&s))
        }
        text if text.starts_with('[') => {
            serde_json::from_str::<[f64; 1]>(text).map_or(f64::NAN, |[n]| n)
        }
        text => text.parse::<f64>().unwrap_or(f64::NAN),
    }
}

/// A top-level string member of a JSON object.
fn string_member(object_json: &str, key: &str) -> Option<String> {
    let members = top_level(object_json).ok()?;
    serde_json::from_str::<String>(members.get(key)?.get()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-test-secret-that-is-at-least-32-bytes-long";
    const NOW: f64 = 1_795_000_000.0;

    fn at(now: f64) -> Clock {
        Clock::new(now, 15.0).unwrap()
    }

    fn store(config: CookieConfig) -> SessionCookies {
        SessionCookies::new(&[SECRET], CipherOptions::default(), config).unwrap()
    }

    #[test]
    fn a_promise_or_a_request_is_refused_where_a_jar_belongs() {
        let e = refuse_what_is_not_a_jar(true, || panic!("not asked of a Promise")).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgType);
        assert!(e.message.contains("await cookies()"), "{}", e.message);
        let e = refuse_what_is_not_a_jar(false, || Ok(true)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgType);
        assert!(
            e.message.starts_with("cookies is a request"),
            "{}",
            e.message
        );
        assert!(refuse_what_is_not_a_jar(false, || Ok(false)).is_ok());
    }

    #[test]
    fn the_session_ceiling_is_reached_30_seconds_early_and_only_by_a_number() {
        let session = |ceiling: &str| {
            format!(
                r#"{{"user":{{"sub":"u"}},"internal":{{"sid":"s","createdAt":1,"sessionExpiresAt":{ceiling}}}}}"#
            )
        };
        assert!(session_ceiling_reached(&session("1000"), 970.0));
        assert!(!session_ceiling_reached(&session("1000"), 969.0));
        assert!(session_ceiling_reached(&session("1e3"), 2000.0));
        // As JavaScript coerces them: `now >= value - 30`.
        for reached in [
            "\"970\"",
            "\" 970 \"",
            "\"\"",
            "true",
            "false",
            "[]",
            "[970]",
        ] {
            assert!(
                session_ceiling_reached(&session(reached), 5000.0),
                "{reached}"
            );
        }
        for never in ["null", "{}", "\"soon\"", "\"Infinity\"", "[1,2]", "[\"x\"]"] {
            assert!(!session_ceiling_reached(&session(never), 5000.0), "{never}");
        }
        assert!(!session_ceiling_reached(
            r#"{"internal":{"sid":"s"}}"#,
            5000.0
        ));
        assert!(!session_ceiling_reached(r#"{"user":{}}"#, 5000.0));
    }

    #[test]
    fn a_lone_surrogate_in_a_member_name_does_not_hide_the_ceiling() {
        // Audit finding L1: `JSON.parse` reads these member names (and the SDK then refuses the session
        // at its ceiling); serde refuses to decode them, and that refusal must not read as "no ceiling".
        for session in [
            r#"{"\ud800":1,"internal":{"sid":"s","createdAt":1,"sessionExpiresAt":1000}}"#,
            r#"{"internal":{"\udc00x":1,"sid":"s","createdAt":1,"sessionExpiresAt":1000}}"#,
            r#"{"user":{"\ud83d":2},"internal":{"sessionExpiresAt":1000,"\ud800":"\udfff"}}"#,
        ] {
            assert!(session_ceiling_reached(session, 5000.0), "{session}");
            assert!(!session_ceiling_reached(session, 900.0), "{session}");
        }
    }

    fn session(created_at: f64, extra: &str) -> String {
        format!(
            r#"{{"user":{{"sub":"auth0|1"{extra}}},"tokenSet":{{"accessToken":"at","expiresAt":1}},"internal":{{"sid":"s","createdAt":{created_at}}}}}"#
        )
    }

    fn names(cookies: &[SetCookie]) -> Vec<String> {
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

    // --- header parsing -----------------------------------------------------------------------------

    #[test]
    fn headers_parse_as_request_cookies_does() {
        let jar = Jar::parse_header(
            "  a=1;b=2;   c = 3 ; flag; a=4; d=%E2%82%AC; e=%E2%82; f=%zz; =x; g=  \t",
        );
        let pairs: Vec<_> = jar.iter().collect();
        assert_eq!(
            pairs,
            vec![
                ("a", "4"),
                ("b", "2"),
                ("c ", " 3 "),
                ("flag", "true"),
                ("d", "€"),
                ("", "x"),
                ("g", ""),
            ]
        );
        assert!(Jar::parse_header("").is_empty());
        assert_eq!(Jar::parse_header("x=a=b").get("x"), Some("a=b"));
    }

    #[test]
    fn decode_uri_component_follows_the_spec() {
        assert_eq!(decode_uri_component("a%20b%2B+").unwrap(), "a b++");
        assert_eq!(decode_uri_component("%F0%9F%98%80").unwrap(), "😀");
        for bad in [
            "%",
            "%4",
            "%G0",
            "%80",
            "%C0%80",
            "%ED%A0%80",
            "%F8%80%80%80",
            "%E2%82",
            "%E2%82%41",
            "%F4%90%80%80",
        ] {
            assert!(decode_uri_component(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn encode_uri_component_keeps_the_unreserved_set() {
        let mut out = String::new();
        encode_uri_component_into("aZ09-_.!~*'() ;=%€", &mut out);
        assert_eq!(out, "aZ09-_.!~*'()%20%3B%3D%25%E2%82%AC");
    }

    #[test]
    fn json_jars_keep_first_place_and_last_value() {
        let jar = Jar::from_json(
            r#"[{"name":"a","value":"1"},{"name":"b","value":"%20"},{"name":"a","value":"3"}]"#,
        )
        .unwrap();
        assert_eq!(
            jar.iter().collect::<Vec<_>>(),
            vec![("a", "3"), ("b", "%20")]
        );
        let jar = Jar::from_json(r#"{"x":"1","y":"2"}"#).unwrap();
        assert_eq!(jar.to_header(), "x=1; y=2");
        for bad in [
            r#"[{"name":"a"}]"#,
            r#"{"a":1}"#,
            "3",
            r#"[{"name":1,"value":"x"}]"#,
        ] {
            assert_eq!(
                Jar::from_json(bad).unwrap_err().code,
                ErrorCode::InvalidArgType,
                "{bad}"
            );
        }
    }

    // --- chunks ---------------------------------------------------------------------------------------

    #[test]
    fn chunks_join_in_numeric_order_and_gaps_are_absent() {
        let jar = Jar::parse_header("__session__10=k; __session__2=c; __session__0=a; __session__1=b; __session__3=d; __session__4=e; __session__5=f; __session__6=g; __session__7=h; __session__8=i; __session__9=j");
        assert_eq!(
            get_chunked_cookie("__session", &jar, false).unwrap(),
            "abcdefghijk"
        );
        let gap = Jar::parse_header("__session__0=a; __session__2=c");
        assert_eq!(get_chunked_cookie("__session", &gap, false), None);
        let empty_main = Jar::parse_header("__session=; __session__0=a");
        assert_eq!(
            get_chunked_cookie("__session", &empty_main, false).unwrap(),
            "a"
        );
        let legacy = Jar::parse_header("appSession.1=b; appSession.0=a; appSession__2=x");
        assert_eq!(
            get_chunked_cookie("appSession", &legacy, true).unwrap(),
            "ab"
        );
        assert_eq!(chunk_index("__session__007", "__session", false), Some(7.0));
        assert_eq!(chunk_index("__session__", "__session", false), None);
        assert_eq!(chunk_index("__session__1x", "__session", false), None);
        assert_eq!(connection_cookie_index("__FC_12"), Some(12.0));
        assert_eq!(connection_cookie_index("__FCx_1"), None);
    }

    fn options(max_age: Option<f64>) -> SetCookieOptions {
        CookieConfig::default().options(max_age)
    }

    #[test]
    fn small_values_replace_chunks_and_large_ones_replace_the_cookie() {
        let mut jar = Jar::parse_header("__session__0=a; __session__1=b; other=1");
        let mut plan = Plan::default();
        let bytes = set_chunked_cookie(
            "__session",
            "v",
            &options(Some(10.0)),
            false,
            &mut jar,
            &mut plan,
        )
        .unwrap();
        assert_eq!(bytes, "__session=v".len());
        assert_eq!(
            names(&plan.into_vec()),
            [
                "__session",
                "-__session__0",
                "-__session__1",
                "-__session__2",
                "-__session__3",
                "-__session__4"
            ]
        );
        assert_eq!(jar.to_header(), "other=1; __session=v");

        let value = "x".repeat(MAX_CHUNK_SIZE * 2 + 1);
        let mut jar = Jar::parse_header("__session=old; __session__7=z");
        let mut plan = Plan::default();
        let bytes = set_chunked_cookie(
            "__session",
            &value,
            &options(Some(10.0)),
            true,
            &mut jar,
            &mut plan,
        )
        .unwrap();
        assert_eq!(bytes, value.len() + 3 * "__session__0=".len());
        let cookies = plan.into_vec();
        assert_eq!(
            names(&cookies),
            [
                "__session__0",
                "__session__1",
                "__session__2",
                "-__session__3",
                "-__session__4",
                "-__session__5",
                "-__session__6",
                "-__session__7",
                "-__session"
            ]
        );
        assert_eq!(cookies[0].options.max_age, None, "transient drops maxAge");
        assert_eq!(cookies[2].value.len(), 1);
        assert_eq!(
            jar.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            ["__session__0", "__session__1", "__session__2"]
        );
    }

    #[test]
    fn the_sweep_is_capped_but_still_deletes_what_is_present() {
        let mut jar = Jar::parse_header("__session__999999999=x; __session__300=y");
        let mut plan = Plan::default();
        set_chunked_cookie(
            "__session",
            "v",
            &options(Some(1.0)),
            false,
            &mut jar,
            &mut plan,
        )
        .unwrap();
        let cookies = plan.into_vec();
        assert_eq!(cookies.len(), 1 + MAX_SWEEP + 2);
        assert_eq!(cookies[cookies.len() - 2].name, "__session__300");
        assert_eq!(cookies[cookies.len() - 1].name, "__session__999999999");
        assert!(jar.iter().all(|(n, _)| n == "__session"));
    }

    #[test]
    fn utf16_chunking_matches_javascript_slices() {
        let value = format!("{}€{}", "a".repeat(3499), "b".repeat(10));
        assert_eq!(utf16_chunks(&value, 3500).unwrap().len(), 2);
        let pair = format!("{}😀", "a".repeat(3499));
        assert!(utf16_chunks(&pair, 3500).is_err());
        // The message names the size asked for.
        let err = utf16_chunks("a\u{1F600}", 2).unwrap_err();
        assert_eq!(
            err.message,
            "value cannot be split into 2-unit chunks without cutting a character in two"
        );
        let fits = format!("{}😀b", "a".repeat(3498));
        let chunks = utf16_chunks(&fits, 3500).unwrap();
        assert_eq!(chunks, [&fits[..fits.len() - 1], "b"]);
    }

    #[test]
    fn deletions_mirror_the_security_attributes() {
        let mut plan = Plan::default();
        let mut o = options(Some(5.0));
        o.path = String::new();
        o.domain = Some("example.com".into());
        o.secure = true;
        delete_cookie(&mut plan, "n", &o);
        let cookie = &plan.into_vec()[0];
        assert_eq!(cookie.options.path, "/");
        assert_eq!(cookie.options.max_age, Some(0.0));
        assert_eq!(
            cookie.serialize(NOW).unwrap(),
            "n=; Path=/; Max-Age=0; Domain=example.com; Secure; HttpOnly; SameSite=lax"
        );
    }

    // --- serialization ------------------------------------------------------------------------------

    #[test]
    fn set_cookie_lines_match_edge_runtime() {
        let cookie = SetCookie {
            name: "__session".into(),
            value: "a b".into(),
            options: options(Some(86400.0)),
        };
        assert_eq!(
            cookie.serialize(0.5).unwrap(),
            "__session=a%20b; Path=/; Expires=Fri, 02 Jan 1970 00:00:00 GMT; Max-Age=86400; HttpOnly; SameSite=lax"
        );
        assert_eq!(
            utc_string(951_782_400_000.0).unwrap(),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert_eq!(
            utc_string(4_102_444_799_000.0).unwrap(),
            "Thu, 31 Dec 2099 23:59:59 GMT"
        );
        assert_eq!(
            utc_string(-1000.0).unwrap(),
            "Wed, 31 Dec 1969 23:59:59 GMT"
        );
        assert_eq!(
            utc_string(-62_198_755_200_000.0).unwrap(),
            "Fri, 01 Jan -0001 00:00:00 GMT"
        );
        assert!(utc_string(8.64e15 + 1.0).is_none());
        let mut json = String::new();
        cookie.write_json(&mut json);
        assert_eq!(
            json,
            r#"{"name":"__session","value":"a b","options":{"httpOnly":true,"sameSite":"lax","secure":false,"path":"/","maxAge":86400}}"#
        );
        assert_eq!(SetCookie::from_json(&json).unwrap(), cookie);
    }

    #[test]
    fn set_cookie_input_is_checked() {
        let ok = SetCookie::from_json(r#"{"name":"a","value":"b"}"#).unwrap();
        assert_eq!(ok.serialize(0.0).unwrap(), "a=b; Path=/");
        for (bad, code) in [
            (r#"{"name":"a;b","value":"b"}"#, ErrorCode::InvalidArgValue),
            (r#"{"name":"a","value":1}"#, ErrorCode::InvalidArgType),
            (
                r#"{"name":"a","value":"b","options":{"path":"/\r\nx"}}"#,
                ErrorCode::InvalidArgValue,
            ),
            (
                r#"{"name":"a","value":"b","options":{"domain":"a b"}}"#,
                ErrorCode::InvalidArgValue,
            ),
            (
                r#"{"name":"a","value":"b","options":{"sameSite":"sometimes"}}"#,
                ErrorCode::InvalidArgValue,
            ),
            (
                r#"{"name":"a","value":"b","options":{"secure":"yes"}}"#,
                ErrorCode::InvalidArgType,
            ),
        ] {
            assert_eq!(SetCookie::from_json(bad).unwrap_err().code, code, "{bad}");
        }
    }

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

    #[test]
    fn write_then_read_round_trips_with_connection_token_sets() {
        let s = store(CookieConfig::default());
        let fc = r#""connectionTokenSets":[{"accessToken":"a","expiresAt":1,"connection":"c1"},{"accessToken":"b","expiresAt":2,"connection":"c2"}]"#;
        let full = format!(
            r#"{{"user":{{"sub":"u"}},"tokenSet":{{"accessToken":"at","expiresAt":1}},{fc},"internal":{{"sid":"s","createdAt":{NOW}}}}}"#
        );
        let prior =
            Jar::parse_header("__FC_0=old; __FC_1=old; __FC_2=old; __FCx=keep; appSession=v3");
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
            !out.over_budget
                && out.bytes == out.cookies[0].name.len() + 1 + out.cookies[0].value.len()
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
        let cookie =
            generate_session_cookie(s.cipher(), r#"{"user":{"sub":"u"}}"#, NOW + 0.5).unwrap();
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
    fn store_options_take_the_sdks_defaults_and_cookie_name_wins() {
        assert_eq!(
            CookieConfig::new(StoreOptions::default()).unwrap(),
            CookieConfig::default()
        );
        let config = CookieConfig::new(StoreOptions {
            rolling: Some(false),
            absolute_duration: Some(60.0),
            cookie_name: Some("mine".into()),
            cookie: SessionCookieOptions {
                name: Some("theirs".into()),
                same_site: Some("STRICT".into()),
                secure: Some(true),
                domain: Some("example.com".into()),
                transient: Some(true),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
        assert_eq!(config.name, "mine");
        assert!(!config.rolling && config.secure && config.transient);
        assert_eq!(config.absolute_duration, 60.0);
        assert_eq!(config.inactivity_duration, DEFAULT_INACTIVITY_DURATION);
        assert_eq!(config.same_site, SameSite::Strict);
        let only_sdk_name = StoreOptions {
            cookie: SessionCookieOptions {
                name: Some("theirs".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(CookieConfig::new(only_sdk_name).unwrap().name, "theirs");
        for (bad, message) in [
            (
                StoreOptions {
                    absolute_duration: Some(f64::NAN),
                    ..Default::default()
                },
                "options.absoluteDuration must be a finite number, got NaN",
            ),
            (
                StoreOptions {
                    cookie: SessionCookieOptions {
                        same_site: Some("maybe".into()),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                "options.cookieOptions.sameSite must be \"lax\", \"strict\" or \"none\"",
            ),
            (
                StoreOptions {
                    inactivity_duration: Some(-1.0),
                    ..Default::default()
                },
                "inactivityDuration must be a finite number of seconds, 0 or more",
            ),
        ] {
            let e = CookieConfig::new(bad).unwrap_err();
            assert_eq!(
                (e.code, e.message.as_str()),
                (ErrorCode::InvalidArgValue, message)
            );
        }
    }

    #[test]
    fn chunked_cookie_options_default_as_the_stores_and_are_checked() {
        let (options, transient) = ChunkedCookieOptions::default().resolve().unwrap();
        assert_eq!(
            options,
            SetCookieOptions {
                http_only: true,
                same_site: Some(SameSite::Lax),
                secure: false,
                path: "/".into(),
                domain: None,
                max_age: None,
            }
        );
        assert!(!transient);
        let (options, transient) = ChunkedCookieOptions {
            http_only: Some(false),
            same_site: Some("none".into()),
            secure: Some(true),
            path: Some("/app".into()),
            domain: Some(String::new()),
            max_age: Some(60.0),
            transient: Some(true),
        }
        .resolve()
        .unwrap();
        assert_eq!(
            (
                options.http_only,
                options.same_site,
                options.secure,
                options.domain,
                options.max_age
            ),
            (false, Some(SameSite::None), true, None, Some(60.0))
        );
        assert!(transient);
        for bad in [
            ChunkedCookieOptions {
                same_site: Some("x".into()),
                ..Default::default()
            },
            ChunkedCookieOptions {
                path: Some("/;x".into()),
                ..Default::default()
            },
            ChunkedCookieOptions {
                domain: Some("a b".into()),
                ..Default::default()
            },
            ChunkedCookieOptions {
                max_age: Some(f64::INFINITY),
                ..Default::default()
            },
        ] {
            assert_eq!(bad.resolve().unwrap_err().code, ErrorCode::InvalidArgValue);
        }
    }

    #[test]
    fn jars_are_refused_by_size_before_they_are_read() {
        assert!(check_jar_len(MAX_JAR_BYTES).is_ok());
        assert_eq!(
            check_jar_len(MAX_JAR_BYTES + 1).unwrap_err().code,
            ErrorCode::InputTooLarge
        );
        let most = MAX_JAR_BYTES / JarBudget::LIST_ENTRY_BYTES;
        assert!(JarBudget::entries(most, JarBudget::LIST_ENTRY_BYTES).is_ok());
        assert_eq!(
            JarBudget::entries(most + 1, JarBudget::LIST_ENTRY_BYTES)
                .unwrap_err()
                .code,
            ErrorCode::InputTooLarge
        );
        assert!(JarBudget::entries(usize::MAX, JarBudget::OBJECT_MEMBER_BYTES).is_err());
        let mut budget = JarBudget::entries(2, JarBudget::OBJECT_MEMBER_BYTES).unwrap();
        budget.add(MAX_JAR_BYTES - 1).unwrap();
        budget.add(1).unwrap();
        assert_eq!(budget.add(1).unwrap_err().code, ErrorCode::InputTooLarge);
    }

    #[test]
    fn stringified_jars_read_and_maps_are_refused() {
        let jar = jar_from_stringified(
            Stringified::Text(r#"[{"name":"a","value":"1"}]"#.into()),
            || panic!("asked only for {{}}"),
        )
        .unwrap();
        assert_eq!(jar.get("a"), Some("1"));
        assert!(
            jar_from_stringified(Stringified::Text("{}".into()), || Ok(false))
                .unwrap()
                .is_empty()
        );
        let map = jar_from_stringified(Stringified::Text("{}".into()), || Ok(true)).unwrap_err();
        assert_eq!(map.code, ErrorCode::InvalidArgType);
        assert!(map.message.contains("Headers or Map"));
        let e = jar_from_stringified(Stringified::Undefined, || Ok(false)).unwrap_err();
        assert_eq!(e.message, "cookies.getAll() must return a list");
        let e =
            jar_from_stringified(Stringified::Threw("BigInt".into()), || Ok(false)).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::InvalidArgValue,
                "cookies cannot be serialized to JSON: BigInt"
            )
        );
        assert_eq!(
            get_all_threw("boom").message,
            "cookies.getAll() threw: boom"
        );
        assert!(jar_of_wrong_type("number").message.ends_with("got number"));
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
        let text =
            std::fs::read_to_string(path).expect("the SDK vectors are part of the repository");
        let vectors: Value = serde_json::from_str(&text).unwrap();
        let mut planned = 0;
        for jar in vectors["jars"].as_array().unwrap() {
            let secret = jar["secret"].as_str().unwrap();
            let s =
                SessionCookies::new(&[secret], CipherOptions::default(), CookieConfig::default())
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
}
