//! `Set-Cookie` entries: their options, their header lines as the edge runtime writes them, and the
//! response's `Plan` (the SDK's `ResponseCookies`).

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// The `SameSite` attribute.
pub enum SameSite {
    /// `lax`: sent on top-level navigations from other sites.
    Lax,
    /// `strict`: sent only from the same site.
    Strict,
    /// `none`: sent everywhere (browsers require `Secure`).
    None,
}

impl SameSite {
    /// The attribute's value as the SDK writes it (lowercase).
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
    pub(crate) fn parse_option(text: &str, name: impl std::fmt::Display) -> Result<SameSite> {
        SameSite::parse(text).ok_or_else(|| {
            invalid_arg_value(format!("{name} must be \"lax\", \"strict\" or \"none\""))
        })
    }
}

/// The attributes of one `Set-Cookie`, as the SDK passes them to `ResponseCookies.set`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetCookieOptions {
    /// The `HttpOnly` flag.
    pub http_only: bool,
    /// The `SameSite` attribute, when set.
    pub same_site: Option<SameSite>,
    /// The `Secure` flag.
    pub secure: bool,
    /// Empty means no `Path` attribute (only reachable with a configured `path: ""`).
    pub path: String,
    /// The `Domain` attribute, when set.
    pub domain: Option<String>,
    /// `None` for a browser-session cookie (`transient`); `Some(0.0)` deletes.
    pub max_age: Option<f64>,
}

/// One entry of the `Set-Cookie` list: a value to set, or a deletion (`value` empty, `maxAge` 0).
#[derive(Debug, Clone, PartialEq)]
pub struct SetCookie {
    /// The cookie's name.
    pub name: String,
    /// Its value, not yet URI-encoded.
    pub value: String,
    /// Its attributes.
    pub options: SetCookieOptions,
}

impl SetCookie {
    #[cfg(test)]
    pub(crate) fn is_deletion(&self) -> bool {
        self.options.max_age == Some(0.0) && self.value.is_empty()
    }

    /// The JSON the bindings hand to JavaScript:
    /// `{"name","value","options":{"httpOnly","sameSite"?,"secure","path","domain"?,"maxAge"?}}`.
    pub(crate) fn write_json(&self, out: &mut String) {
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

pub(super) fn push_json_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(text).expect("strings serialize"));
}

/// A number as JavaScript prints it (`Max-Age=${maxAge}`, `JSON.stringify`).
pub(super) fn js_number(value: f64) -> String {
    claims::js_number(value).unwrap_or_else(|_| "NaN".to_string())
}

/// `new Date(millis).toUTCString()`: `Thu, 01 Jan 1970 00:00:00 GMT`; `None` outside JavaScript's range.
pub(crate) fn utc_string(millis: f64) -> Option<String> {
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
pub(super) fn check_attribute(value: &str, what: &str, spaces: bool) -> Result<()> {
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
    /// `ResponseCookies.set`: a name set again replaces the earlier entry in its place.
    pub fn set(&mut self, cookie: SetCookie) {
        self.cookies.insert(cookie.name.clone(), cookie);
    }

    /// The entries, in order.
    pub fn into_vec(self) -> Vec<SetCookie> {
        self.cookies.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores::cookies::test_support::*;

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
}
