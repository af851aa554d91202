//! How big a session's cookies are, and what they cost on the wire: the measurement behind `sizeReport`
//! and `inspect --sizes`, and the judgement of each write (a warning once per cause, or with
//! `oversize: "throw"` an `ERR_SESSION_TOO_LARGE` error).
//!
//! Everything is measured on what is really written: the session sealed and planned exactly as the
//! stateless store's `set` plans it, so the sealed length, the chunk count and the header bytes are those
//! of real cookies, never an estimate from the session's length.

use super::*;
use crate::error::session_too_large;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// A proxy's header limit: nginx's default buffers for a request header line and for an upstream
/// response's headers, and the limit of many load balancers and CDNs.
pub const PROXY_HEADER_LIMIT_BYTES: usize = 8 * 1024;
/// Node's default `--max-http-header-size`: the whole header section of a request (a 431 beyond it).
pub const NODE_HEADER_LIMIT_BYTES: usize = 16 * 1024;

/// The limits a session's cookies are held to, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// What browsers guarantee one cookie (RFC 6265: name, value and attributes): why the SDK chunks.
    Cookie,
    /// A proxy's 8 KB of headers.
    Proxy,
    /// Node's 16 KB of headers.
    Node,
}

impl Limit {
    /// Every limit, smallest first.
    pub const ALL: [Limit; 3] = [Limit::Cookie, Limit::Proxy, Limit::Node];

    /// The limit in bytes.
    pub fn bytes(self) -> usize {
        match self {
            Limit::Cookie => CONNECTION_COOKIE_WARN_BYTES,
            Limit::Proxy => PROXY_HEADER_LIMIT_BYTES,
            Limit::Node => NODE_HEADER_LIMIT_BYTES,
        }
    }

    /// Its stable name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Cookie => "cookie",
            Limit::Proxy => "proxy",
            Limit::Node => "node",
        }
    }

    /// What it is, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Limit::Cookie => "the 4096 bytes a browser guarantees one cookie",
            Limit::Proxy => "a proxy's 8 KB header limit",
            Limit::Node => "Node's 16 KB default max header size",
        }
    }
}

/// Why a write is warned about: the most severe of these it reaches. Each is warned about once per
/// process (a rolling session is written on nearly every request, and its size rarely changes), as the
/// SDK warns about its own threshold once per process; a write reaching a more severe cause than before
/// is warned about again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeCause {
    /// The session needs more than one cookie.
    Chunked,
    /// One of its cookies is over 4096 bytes (a connection token set's `__FC_i`, which is never chunked):
    /// browsers may drop it.
    CookieOverLimit,
    /// Its headers exceed a proxy's 8 KB.
    OverProxyLimit,
    /// Its headers exceed Node's 16 KB.
    OverNodeLimit,
}

/// The causes already warned about in this process, one bit each.
static WARNED: AtomicU8 = AtomicU8::new(0);

impl SizeCause {
    /// The process warning's `code`.
    pub fn warning_code(self) -> &'static str {
        match self {
            SizeCause::Chunked => "SESSION_SEAL_SESSION_CHUNKED",
            SizeCause::CookieOverLimit => "SESSION_SEAL_COOKIE_OVER_4KB",
            SizeCause::OverProxyLimit => "SESSION_SEAL_HEADERS_OVER_8KB",
            SizeCause::OverNodeLimit => "SESSION_SEAL_HEADERS_OVER_16KB",
        }
    }

    /// True the first time this cause is claimed in `warned` (the process's record, or a test's own).
    fn first_time(self, warned: &AtomicU8) -> bool {
        let bit = 1u8 << (self as u8);
        warned.fetch_or(bit, Ordering::Relaxed) & bit == 0
    }
}

/// What a session does when written over a limit (`oversize`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Oversize {
    /// A process warning, once per cause (the default).
    #[default]
    Warn,
    /// An `ERR_SESSION_TOO_LARGE` error, every time, and nothing written (for CI).
    Throw,
}

impl Oversize {
    /// The `oversize` option: `"warn"` or `"throw"`.
    pub fn parse(text: &str) -> Result<Oversize> {
        match text {
            "warn" => Ok(Oversize::Warn),
            "throw" => Ok(Oversize::Throw),
            _ => Err(invalid_arg_value(
                "options.oversize must be \"warn\" or \"throw\"",
            )),
        }
    }
}

/// A process warning to emit: its code and its text (sizes and member paths, never a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeWarning {
    /// `process.emitWarning`'s `code`.
    pub code: &'static str,
    /// The warning's text.
    pub message: String,
}

/// One member of the session, by path (`user.groups`), and its `"name":value` bytes in the session's
/// JSON as the SDK serializes it (`JSON.stringify`, UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSize {
    /// `tokenSet`, `user.email`: the member's path.
    pub path: String,
    /// Its bytes.
    pub bytes: usize,
}

/// One limit and whether the session's cookies pass it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitCheck {
    /// The limit.
    pub limit: Limit,
    /// What is held to it: the largest `Set-Cookie` line for `Cookie`, the larger of the request's
    /// `Cookie` header and the response's `Set-Cookie` headers for the header limits.
    pub measured: usize,
    /// `measured <= limit`.
    pub passes: bool,
}

/// Where a session's bytes go, and what its cookies cost on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeReport {
    /// The session's JSON bytes, as given.
    pub session_bytes: usize,
    /// Each top-level member, in the session's order.
    pub members: Vec<MemberSize>,
    /// Each claim of `user`, in its order.
    pub user_claims: Vec<MemberSize>,
    /// The three largest members by path (the members of each object member, the others whole).
    pub largest: Vec<MemberSize>,
    /// The session cookie's sealed value (the JWE), in bytes, before chunking.
    pub sealed_bytes: usize,
    /// Cookies the sealed value takes: 1, or its `__session__N` chunks.
    pub chunks: usize,
    /// `name=value` of the session cookie(s), summed: the SDK's own measure (it warns from 4096).
    pub cookie_bytes: usize,
    /// `__FC_i` cookies (connection token sets), each its own cookie.
    pub connection_cookies: usize,
    /// The largest `Set-Cookie` line of the cookies set.
    pub largest_cookie_bytes: usize,
    /// The `Cookie` request header the browser sends back with these cookies (`cookie: …\r\n`).
    pub request_header_bytes: usize,
    /// The response's `Set-Cookie` headers (`set-cookie: …\r\n` each), deletions of stale chunks included.
    pub response_header_bytes: usize,
    /// Each limit, smallest first.
    pub limits: Vec<LimitCheck>,
}

/// Room for a `Set-Cookie` line's attributes other than `Path` and `Domain` (`; Expires=…; Max-Age=…;
/// Secure; HttpOnly; SameSite=strict` takes about 120): what bounds a line without writing it.
const OTHER_ATTRIBUTES_BOUND: usize = 200;

/// The `Cookie`/`Set-Cookie` header bytes of a write: what the limits are judged on.
struct Wire {
    chunks: usize,
    sealed_bytes: usize,
    cookie_bytes: usize,
    connection_cookies: usize,
    largest_cookie_bytes: usize,
    request_header_bytes: usize,
    response_header_bytes: usize,
}

impl Wire {
    fn of(outcome: &WriteOutcome, name: &str, now: f64) -> Result<Wire> {
        let set: Vec<&SetCookie> = outcome
            .cookies
            .iter()
            .filter(|c| !c.value.is_empty())
            .collect();
        let session =
            |c: &&&SetCookie| c.name == name || chunk_index(&c.name, name, false).is_some();
        let mut wire = Wire {
            chunks: set.iter().filter(session).count(),
            sealed_bytes: set.iter().filter(session).map(|c| c.value.len()).sum(),
            cookie_bytes: outcome.bytes,
            connection_cookies: set
                .iter()
                .filter(|c| connection_cookie_index(&c.name).is_some())
                .count(),
            largest_cookie_bytes: 0,
            // `cookie: a=1; b=2\r\n`
            request_header_bytes: "cookie: ".len()
                + set
                    .iter()
                    .map(|c| c.name.len() + 1 + c.value.len())
                    .sum::<usize>()
                + "; ".len() * set.len().saturating_sub(1)
                + "\r\n".len(),
            response_header_bytes: 0,
        };
        for cookie in &outcome.cookies {
            let line = cookie.serialize(now)?.len();
            if !cookie.value.is_empty() {
                wire.largest_cookie_bytes = wire.largest_cookie_bytes.max(line);
            }
            wire.response_header_bytes += "set-cookie: ".len() + line + "\r\n".len();
        }
        Ok(wire)
    }

    /// True when the write is one session cookie and upper bounds of its lines, summed without writing one,
    /// are under the limit of a cookie each and under the smallest header limit together: no cause can be
    /// reached. Writing the lines costs as much
    /// as the seal, and nearly every write is such a one. The bound holds because a write's values are JWEs
    /// (base64url and dots, which URI encoding leaves as they are) or empty.
    fn surely_within(outcome: &WriteOutcome, config: &CookieConfig) -> bool {
        let name = config.name.as_str();
        let session_cookies = outcome
            .cookies
            .iter()
            .filter(|c| !c.value.is_empty())
            .filter(|c| c.name == name || chunk_index(&c.name, name, false).is_some())
            .count();
        let attributes = OTHER_ATTRIBUTES_BOUND
            + config.path.len()
            + config.domain.as_ref().map_or(0, String::len);
        let line = |c: &SetCookie| c.name.len() + 1 + c.value.len() + attributes;
        let headers: usize = outcome
            .cookies
            .iter()
            .map(|c| "set-cookie: ".len() + line(c) + "\r\n".len())
            .sum();
        session_cookies <= 1
            && outcome
                .cookies
                .iter()
                .all(|c| line(c) <= Limit::Cookie.bytes())
            && headers <= PROXY_HEADER_LIMIT_BYTES
    }

    fn header_bytes(&self) -> usize {
        self.request_header_bytes.max(self.response_header_bytes)
    }

    fn measured(&self, limit: Limit) -> usize {
        match limit {
            Limit::Cookie => self.largest_cookie_bytes,
            Limit::Proxy | Limit::Node => self.header_bytes(),
        }
    }

    /// The most severe cause reached, if any.
    fn cause(&self) -> Option<SizeCause> {
        let headers = self.header_bytes();
        if headers > NODE_HEADER_LIMIT_BYTES {
            Some(SizeCause::OverNodeLimit)
        } else if headers > PROXY_HEADER_LIMIT_BYTES {
            Some(SizeCause::OverProxyLimit)
        } else if self.largest_cookie_bytes > Limit::Cookie.bytes() {
            Some(SizeCause::CookieOverLimit)
        } else if self.chunks > 1 {
            Some(SizeCause::Chunked)
        } else {
            None
        }
    }
}

/// `"name":value` bytes of each member of a JSON object, in its order (`prefix.name` paths).
fn member_sizes<'a>(
    object_json: &'a str,
    prefix: Option<&str>,
) -> Result<Vec<(MemberSize, &'a RawValue)>> {
    let members = top_level(object_json)?;
    Ok(members
        .into_iter()
        .map(|(key, value)| {
            let mut quoted = String::with_capacity(key.len() + 2);
            push_json_string(&key, &mut quoted);
            let path = match prefix {
                Some(prefix) => format!("{prefix}.{key}"),
                None => key,
            };
            let bytes = quoted.len() + 1 + value.get().len();
            (MemberSize { path, bytes }, value)
        })
        .collect())
}

/// The members of an object member (`tokenSet.idToken`), the others whole: the three largest.
fn largest(top: &[(MemberSize, &RawValue)]) -> Result<Vec<MemberSize>> {
    let mut candidates = Vec::new();
    for (member, value) in top {
        let inner = if value.get().starts_with('{') {
            member_sizes(value.get(), Some(&member.path))?
        } else {
            Vec::new()
        };
        if inner.is_empty() {
            candidates.push(member.clone());
        } else {
            candidates.extend(inner.into_iter().map(|(m, _)| m));
        }
    }
    // Largest first; equal sizes keep the session's order.
    candidates.sort_by_key(|m| std::cmp::Reverse(m.bytes));
    candidates.truncate(3);
    Ok(candidates)
}

impl SizeReport {
    fn new(session_json: &str, wire: &Wire) -> Result<SizeReport> {
        let top = member_sizes(session_json, None)?;
        let user_claims = match top.iter().find(|(m, _)| m.path == "user") {
            Some((_, user)) if user.get().starts_with('{') => {
                member_sizes(user.get(), Some("user"))?
                    .into_iter()
                    .map(|(m, _)| m)
                    .collect()
            }
            _ => Vec::new(),
        };
        Ok(SizeReport {
            session_bytes: session_json.len(),
            largest: largest(&top)?,
            members: top.into_iter().map(|(m, _)| m).collect(),
            user_claims,
            sealed_bytes: wire.sealed_bytes,
            chunks: wire.chunks,
            cookie_bytes: wire.cookie_bytes,
            connection_cookies: wire.connection_cookies,
            largest_cookie_bytes: wire.largest_cookie_bytes,
            request_header_bytes: wire.request_header_bytes,
            response_header_bytes: wire.response_header_bytes,
            limits: Limit::ALL
                .iter()
                .map(|&limit| {
                    let measured = wire.measured(limit);
                    LimitCheck {
                        limit,
                        measured,
                        passes: measured <= limit.bytes(),
                    }
                })
                .collect(),
        })
    }

    /// What a write over the limits is told: the sizes, the limits it exceeds, the three largest members
    /// by path. Never a value: paths are the session's member names, sizes are counts.
    pub fn describe(&self) -> String {
        let headers = self.request_header_bytes.max(self.response_header_bytes);
        let over: Vec<&str> = self
            .limits
            .iter()
            .filter(|c| !c.passes)
            .map(|c| c.limit.describe())
            .collect();
        let over = match over.split_last() {
            None => String::new(),
            Some((last, [])) => format!(", over {last}"),
            Some((last, rest)) => format!(", over {} and {last}", rest.join(", ")),
        };
        let largest: Vec<String> = self
            .largest
            .iter()
            .map(|m| format!("{} {}", m.path, kilobytes(m.bytes)))
            .collect();
        format!(
            "session-seal: the session cookie is {} sealed ({} of session JSON) in {} cookie{}, \
             {} of headers{over}. Largest members: {}. Trim claims with the SDK's beforeSessionSaved, \
             or keep the session in a store (session-seal/redis): see session-seal's docs/cookie-size.md.",
            kilobytes(self.sealed_bytes),
            kilobytes(self.session_bytes),
            self.chunks,
            if self.chunks == 1 { "" } else { "s" },
            kilobytes(headers),
            largest.join(", "),
        )
    }
}

/// `850 B`, `2.1 KB` (1 KB = 1024 bytes, as the limits are counted).
fn kilobytes(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

impl SessionCookies {
    /// What `session_json` costs as this store writes it: sealed and planned into an empty jar at `now`.
    pub fn size_report(&self, session_json: &str, now: f64) -> Result<SizeReport> {
        let now = now.floor();
        let outcome = self.plan_write(session_json, &Jar::new(), now, Validation::default())?;
        SizeReport::new(session_json, &Wire::of(&outcome, &self.config().name, now)?)
    }

    /// Judges a planned write: an `ERR_SESSION_TOO_LARGE` error with `Oversize::Throw`, else the warning to
    /// emit the first time a cause is reached in the process.
    pub(super) fn judge_size(
        &self,
        session_json: &str,
        outcome: &WriteOutcome,
        now: f64,
    ) -> Result<Option<SizeWarning>> {
        if Wire::surely_within(outcome, self.config()) {
            return Ok(None);
        }
        self.judge_size_in(&WARNED, session_json, outcome, now)
    }

    fn judge_size_in(
        &self,
        warned: &AtomicU8,
        session_json: &str,
        outcome: &WriteOutcome,
        now: f64,
    ) -> Result<Option<SizeWarning>> {
        let wire = Wire::of(outcome, &self.config().name, now)?;
        let Some(cause) = wire.cause() else {
            return Ok(None);
        };
        if self.oversize() == Oversize::Throw {
            let report = SizeReport::new(session_json, &wire)?;
            return Err(session_too_large(report.describe()));
        }
        if !cause.first_time(warned) {
            return Ok(None);
        }
        Ok(Some(SizeWarning {
            code: cause.warning_code(),
            message: SizeReport::new(session_json, &wire)?.describe(),
        }))
    }
}

/// `sizeReport(session)` without a configured store: the SDK's default cookie settings, sealed under a
/// random key of this process (the sealed length does not depend on the key).
pub fn size_report(session_json: &str, now: f64) -> Result<SizeReport> {
    static MEASURING: OnceLock<SessionCookies> = OnceLock::new();
    let cookies = match MEASURING.get() {
        Some(cookies) => cookies,
        None => {
            let secret = [generate_session_id(), generate_session_id()].concat();
            let cookies =
                SessionCookies::new(&[secret], CipherOptions::default(), CookieConfig::default())?;
            MEASURING.get_or_init(|| cookies)
        }
    };
    cookies.size_report(session_json, now)
}

#[cfg(test)]
mod tests;
