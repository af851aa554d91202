//! The SDK's constants and this library's limits, as `session_seal_core` defines them, exported for
//! JavaScript: the CLI prints them and the tests hold the typings' documented defaults to them.

use napi_derive::napi;
use session_seal_core::stores::cookies;
use session_seal_core::{cipher, jose as keys, payload as claims};

/// The v4 session cookie's default name (`cookieName`).
#[napi]
pub const DEFAULT_COOKIE_NAME: &str = cookies::DEFAULT_COOKIE_NAME;
/// The v3 session cookie's name; its chunks are `appSession.0`, `appSession.1`, …
#[napi]
pub const LEGACY_COOKIE_NAME: &str = cookies::LEGACY_COOKIE_NAME;
/// Connection token sets live in `__FC_0`, `__FC_1`, …
#[napi]
pub const CONNECTION_COOKIE_PREFIX: &str = cookies::CONNECTION_COOKIE_PREFIX;
/// A cookie value longer than this (UTF-8 bytes) is written in chunks of this many characters.
#[napi]
pub const MAX_CHUNK_SIZE: u32 = cookies::MAX_CHUNK_SIZE as u32;
/// The SDK warns when the session cookie(s) reach this many bytes (`name=value` summed).
#[napi]
pub const SESSION_SIZE_WARN_BYTES: u32 = cookies::SESSION_SIZE_WARN_BYTES as u32;
/// The SDK warns when one `__FC_i` cookie's `Set-Cookie` line reaches this many bytes.
#[napi]
pub const CONNECTION_COOKIE_WARN_BYTES: u32 = cookies::CONNECTION_COOKIE_WARN_BYTES as u32;
/// The stores' default `absoluteDuration`, in seconds (3 days).
#[napi]
pub const DEFAULT_ABSOLUTE_DURATION: f64 = cookies::DEFAULT_ABSOLUTE_DURATION;
/// The stores' default `inactivityDuration`, in seconds (1 day).
#[napi]
pub const DEFAULT_INACTIVITY_DURATION: f64 = cookies::DEFAULT_INACTIVITY_DURATION;
/// How long the cookies of `generateSessionCookie` last, in seconds.
#[napi]
pub const TEST_COOKIE_MAX_AGE: f64 = cookies::TEST_COOKIE_MAX_AGE;
/// The SDK's slack for `exp` and `nbf`, in seconds (the default `clockTolerance`).
#[napi]
pub const DEFAULT_CLOCK_TOLERANCE: f64 = claims::DEFAULT_CLOCK_TOLERANCE;
/// Cookie values longer than this are refused before any work (the default `maxCookieBytes`).
#[napi]
pub const DEFAULT_MAX_COOKIE_BYTES: u32 = cipher::DEFAULT_MAX_COOKIE_BYTES as u32;
/// Cookie jars larger than this are refused before any work.
#[napi]
pub const MAX_JAR_BYTES: u32 = cookies::MAX_JAR_BYTES as u32;
/// The most secrets a key ring takes.
#[napi]
pub const MAX_SECRETS: u32 = keys::MAX_SECRETS as u32;
