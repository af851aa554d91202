//! Chunks, as the SDK's `server/cookies.js` writes, reads and sweeps them.

use super::*;

/// The index of a chunk of `base`: `{base}__{digits}`, or `{base}.{digits}` for v3 (`parseInt`).
pub(crate) fn chunk_index(name: &str, base: &str, legacy: bool) -> Option<f64> {
    let rest = name.strip_prefix(base)?;
    let digits = rest.strip_prefix(if legacy { "." } else { "__" })?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The positional index of a connection-token cookie `__FC_{digits}` (`Number(suffix)`).
pub(crate) fn connection_cookie_index(name: &str) -> Option<f64> {
    let digits = name.strip_prefix(CONNECTION_COOKIE_PREFIX)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `getChunkedCookie`: the cookie itself when its value is not empty, else its chunks joined in numeric
/// order; `None` when there are none, or when they are not exactly indices `0..n` (a gap).
pub(crate) fn get_chunked_cookie(name: &str, jar: &Jar, legacy: bool) -> Option<String> {
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

/// `getClearUpTo`, bounded by what the request holds: the SDK's fixed range of chunk names `{base}__i` for
/// `i` in `from..MIN_CHUNK_SWEEP`, then each chunk the request holds at `from` or above (by its canonical
/// name, in index order). The SDK deletes every index up to the highest present, so one stray
/// `__session__250` cookie made each of its writes emit 251 deletions; the names in between that the
/// request does not hold are absent in the browser too, so deleting them changed nothing.
fn sweep_names(jar: &Jar, base: &str, from: usize) -> Vec<String> {
    let mut present: Vec<u64> = jar
        .iter()
        .filter_map(|(name, _)| chunk_index(name, base, false))
        // Past 2^53 an index has no canonical name (the SDK's loop would never reach it either).
        .filter(|&index| {
            index >= from.max(MIN_CHUNK_SWEEP) as f64 && index < 9_007_199_254_740_992.0
        })
        .map(|index| index as u64)
        .collect();
    present.sort_unstable();
    present.dedup();
    (from as u64..MIN_CHUNK_SWEEP as u64)
        .chain(present)
        .map(|i| format!("{base}__{i}"))
        .collect()
}

/// `deleteCookie`: an empty value with `maxAge: 0` and the same security attributes, so that browsers
/// match it to the cookie being removed. An empty path becomes `/` (as `ResponseCookies` does).
pub(crate) fn delete_cookie(plan: &mut Plan, name: &str, options: &SetCookieOptions) {
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
    /// Default `true`.
    pub http_only: Option<bool>,
    /// Default `"lax"`.
    pub same_site: Option<String>,
    /// Default `false`.
    pub secure: Option<bool>,
    /// Default `"/"`.
    pub path: Option<String>,
    /// An empty domain is none.
    pub domain: Option<String>,
    /// Seconds; none for a browser-session cookie.
    pub max_age: Option<f64>,
    /// Drops `max_age`.
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
pub(crate) fn delete_chunked_cookie(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores::cookies::test_support::*;

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
                // Not __5 and __6, which the request does not hold (the SDK deletes them too).
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
    fn a_stray_high_chunk_costs_one_deletion_not_a_sweep_up_to_it() {
        // A request holding one cookie named `__session__250` (a stale chunk, or one planted by a hostile
        // subdomain) must not make every write delete 251 names: the fixed range, then what is present.
        let mut jar = Jar::parse_header("__session=old; __session__250=x; __session__7=y");
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
        let swept = [
            "-__session__0",
            "-__session__1",
            "-__session__2",
            "-__session__3",
            "-__session__4",
            "-__session__7",
            "-__session__250",
        ];
        assert_eq!(
            names(&plan.into_vec()),
            [&["__session"][..], &swept].concat()
        );
        assert!(jar.iter().all(|(n, _)| n == "__session"));
        let mut plan = Plan::default();
        let jar = Jar::parse_header("__session__250=x; __session__7=y");
        delete_chunked_cookie("__session", &jar, &mut plan, false, &options(None));
        assert_eq!(
            names(&plan.into_vec()),
            [&["-__session"][..], &swept].concat()
        );
        // Indices past 2^53 have no canonical name (nor a loop bound in the SDK): left alone.
        let mut plan = Plan::default();
        let jar = Jar::parse_header("__session__99999999999999999999=x");
        delete_chunked_cookie("__session", &jar, &mut plan, false, &options(None));
        assert_eq!(plan.into_vec().len(), 1 + MIN_CHUNK_SWEEP);
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
}
