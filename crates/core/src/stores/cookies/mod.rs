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
//! however large, so one stray `__session__250` cookie costs each write 251 deletions (and a hostile
//! `__session__999999999` a billion). Here the sweep is the SDK's fixed range (`__0` to `__4`) plus the
//! chunks the request actually holds: the same cookies end up deleted in the browser.
//!
//! For adapters, `client` and `stateful` add what the SDK's `Auth0Client` decides on top of its stores, so
//! that `getSession`/`updateSession` cross into the core once per call (twice or three times around an
//! app's asynchronous session store).

// What the submodules below share (each takes them with `use super::*`).
use indexmap::IndexMap;
use rand::RngCore;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::json::parse_value;
use std::borrow::Cow;
use std::fmt::Write as _;

use crate::cipher::legacy::SigningKeys;
use crate::cipher::{CipherOptions, SessionCipher};
use crate::error::{
    input_too_large, invalid_arg_type, invalid_arg_value, not_authenticated,
    session_domain_mismatch, session_invalid, ErrorCode, Result,
};
use crate::jose::keys::Secrets;
use crate::payload::claims::{self, Clock};
use crate::payload::session::{self, Validation};

/// The v4 session cookie's default name.
pub const DEFAULT_COOKIE_NAME: &str = "__session";
/// The v3 cookie name; its chunks are `appSession.0`, `appSession.1`, …
pub const LEGACY_COOKIE_NAME: &str = "appSession";
/// Connection token sets live in `__FC_0`, `__FC_1`, … (the store's `__FC` plus `_<index>`).
pub const CONNECTION_COOKIE_PREFIX: &str = "__FC_";
/// A value longer than this (in UTF-8 bytes) is split into chunks of this many characters.
pub const MAX_CHUNK_SIZE: usize = 3500;
/// The SDK's `MAX_CHUNKS`: chunk names `__0..5` are always swept, present or not.
pub(crate) const MIN_CHUNK_SWEEP: usize = 5;
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

// One module per concern; their public items are this module's API.
mod chunks;
mod client;
pub mod inspect;
mod jar;
mod session_cookies;
mod session_json;
mod set_cookie;
mod size;
mod stateful;
#[cfg(test)]
mod test_support;

pub use chunks::*;
pub use client::*;
pub use jar::*;
pub use session_cookies::*;
use session_json::*;
pub use set_cookie::*;
pub use size::*;
pub use stateful::*;
