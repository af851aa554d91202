//! `sizeReport` and `SessionCookies.sizeReport` for JavaScript, and the process warnings of oversized
//! writes: thin glue over `session_seal_core::stores::cookies`' size module, which measures and decides.

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::args::{self, ReadOptions};
use crate::cookies::SessionCookies;
use crate::{emit_warning, guard, Code};
use session_seal_core::stores::cookies::{self, SizeWarning};
use session_seal_core::Error;

/// One member of a session and its bytes.
#[napi(object, object_from_js = false)]
pub struct MemberSize {
    /// `tokenSet`, `user.groups`: where the member is.
    pub path: String,
    /// Its `"name":value` bytes in the session's JSON as the SDK serializes it (`JSON.stringify`, UTF-8).
    pub bytes: u32,
}

/// One limit, and whether the session's cookies pass it.
#[napi(object, object_from_js = false)]
pub struct LimitCheck {
    /// `"cookie"`: 4096 bytes per cookie (what browsers guarantee; why the SDK chunks). `"proxy"`: a
    /// proxy's 8 KB header limit. `"node"`: Node's 16 KB default max header size.
    #[napi(ts_type = "'cookie' | 'proxy' | 'node'")]
    pub name: String,
    /// The limit in bytes.
    pub limit: u32,
    /// What is held to it: the largest `Set-Cookie` line for `"cookie"`; for the header limits the larger
    /// of the request's `Cookie` header and the response's `Set-Cookie` headers.
    pub measured: u32,
    /// `measured <= limit`.
    pub passes: bool,
    /// The limit in words.
    pub description: String,
}

/// Where a session's bytes go and what its cookies cost on the wire, measured on a real seal and the
/// `Set-Cookie` list the SDK's stateless store would write for it.
#[napi(object, object_from_js = false)]
pub struct SizeReport {
    /// The session's JSON bytes.
    pub session_bytes: u32,
    /// Each top-level member (`user`, `tokenSet`, `internal`, …), in the session's order.
    pub members: Vec<MemberSize>,
    /// Each claim of `user` (`user.sub`, `user.groups`, …), in its order.
    pub user_claims: Vec<MemberSize>,
    /// The three largest members by path: the members of each object member, the others whole.
    pub largest: Vec<MemberSize>,
    /// The sealed session cookie's length (the JWE), before chunking.
    pub sealed_bytes: u32,
    /// The cookies it takes: 1, or its `__session__N` chunks (3500 characters each).
    pub chunks: u32,
    /// `name=value` of the session cookie(s) summed: the SDK's measure (it warns from 4096).
    pub cookie_bytes: u32,
    /// `__FC_i` cookies (connection token sets).
    pub connection_cookies: u32,
    /// The largest `Set-Cookie` line among the cookies set.
    pub largest_cookie_bytes: u32,
    /// The `Cookie` header the browser sends back with these cookies (`cookie: …\r\n`).
    pub request_header_bytes: u32,
    /// The response's `Set-Cookie` headers (`set-cookie: …\r\n` each), deletions of stale chunks included.
    pub response_header_bytes: u32,
    /// Each limit, smallest first.
    pub limits: Vec<LimitCheck>,
}

fn member(m: cookies::MemberSize) -> MemberSize {
    MemberSize {
        path: m.path,
        bytes: m.bytes as u32,
    }
}

impl From<cookies::SizeReport> for SizeReport {
    fn from(r: cookies::SizeReport) -> Self {
        SizeReport {
            session_bytes: r.session_bytes as u32,
            members: r.members.into_iter().map(member).collect(),
            user_claims: r.user_claims.into_iter().map(member).collect(),
            largest: r.largest.into_iter().map(member).collect(),
            sealed_bytes: r.sealed_bytes as u32,
            chunks: r.chunks as u32,
            cookie_bytes: r.cookie_bytes as u32,
            connection_cookies: r.connection_cookies as u32,
            largest_cookie_bytes: r.largest_cookie_bytes as u32,
            request_header_bytes: r.request_header_bytes as u32,
            response_header_bytes: r.response_header_bytes as u32,
            limits: r
                .limits
                .into_iter()
                .map(|c| LimitCheck {
                    name: c.limit.name().to_string(),
                    limit: c.limit.bytes() as u32,
                    measured: c.measured as u32,
                    passes: c.passes,
                    description: c.limit.describe().to_string(),
                })
                .collect(),
        }
    }
}

fn session_and_now(
    session: Unknown,
    options: &Option<ReadOptions>,
) -> Result<(String, f64), Error> {
    let now = cookies::epoch(ReadOptions::now(options))?;
    Ok((args::object_json(session, "session")?, now))
}

/// What `session` costs as the SDK's stateless store writes it with its default cookie settings: bytes
/// per member and per `user` claim, the sealed cookie's length, the chunks, and the limits it passes.
/// Needs no secret (the length of a seal does not depend on the key); the session must be one the store
/// writes (`ERR_SESSION_INVALID` otherwise).
#[napi]
pub fn size_report(
    #[napi(ts_arg_type = "SessionData")] session: Unknown,
    #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
) -> napi::Result<SizeReport, Code> {
    guard(|| {
        let (session, now) = session_and_now(session, &options)?;
        Ok(cookies::size_report(&session, now)?.into())
    })
}

#[napi]
impl SessionCookies {
    /// `sizeReport` with this store's cookie name and attributes.
    #[napi(js_name = "sizeReport")]
    pub fn size_report_of(
        &self,
        #[napi(ts_arg_type = "SessionData")] session: Unknown,
        #[napi(ts_arg_type = "ReadOptions")] options: Option<ReadOptions>,
    ) -> napi::Result<SizeReport, Code> {
        guard(|| {
            let (session, now) = session_and_now(session, &options)?;
            Ok(self.inner.size_report(&session, now)?.into())
        })
    }
}

/// The warning a write's size called for, as a process warning with its code.
pub fn warn_about(env: &Env, warning: &Option<SizeWarning>) -> Result<(), Error> {
    match warning {
        Some(warning) => emit_warning(env, &warning.message, warning.code),
        None => Ok(()),
    }
}
