//! The session stores (stateless and stateful): their configuration, `read`, `write`, `delete`, session ids
//! and the test helpers' cookies.

use super::*;

/// The stores' configuration (the SDK's `AbstractSessionStore` options and `cookieConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct CookieConfig {
    /// The session cookie's name.
    pub name: String,
    /// Whether each write extends the session by `inactivity_duration`.
    pub rolling: bool,
    /// Seconds a session may live in all (from `internal.createdAt`).
    pub absolute_duration: f64,
    /// Seconds a rolling session may sit idle.
    pub inactivity_duration: f64,
    /// The `SameSite` attribute.
    pub same_site: SameSite,
    /// The `Secure` attribute.
    pub secure: bool,
    /// The `Path` attribute.
    pub path: String,
    /// The `Domain` attribute.
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
/// `cookieOptions`, the cipher's limits, the Auth0 domain); `SessionCookies::from_options` applies the
/// SDK's defaults and checks them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionCookiesOptions {
    /// The secrets, newest first.
    pub secret: Secrets,
    /// `cookieName`, which wins over `cookieOptions.name` (the SDK's spelling).
    pub cookie_name: Option<String>,
    /// Whether each write extends the session (default `true`).
    pub rolling: Option<bool>,
    /// Seconds a session may live in all.
    pub absolute_duration: Option<f64>,
    /// Seconds a rolling session may sit idle.
    pub inactivity_duration: Option<f64>,
    /// The session cookie's attributes.
    pub cookie_options: Option<SessionCookieOptions>,
    /// Seconds of slack for `exp` and `nbf`.
    pub clock_tolerance: Option<f64>,
    /// The largest cookie value read or written.
    pub max_cookie_bytes: Option<f64>,
    /// The app's Auth0 domain: a session created for another custom domain is refused.
    pub auth0_domain: Option<String>,
    /// `"warn"` (the default) or `"throw"`: what a write over a size limit does (`size`).
    pub oversize: Option<String>,
}

/// `cookieOptions` of `new SessionCookies`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionCookieOptions {
    /// The SDK's spelling of `cookieName`.
    pub name: Option<String>,
    /// `"lax"`, `"strict"` or `"none"`.
    pub same_site: Option<String>,
    /// The `Secure` attribute.
    pub secure: Option<bool>,
    /// The `Path` attribute.
    pub path: Option<String>,
    /// The `Domain` attribute.
    pub domain: Option<String>,
    /// Browser-session cookies: no `maxAge` on the session cookie(s).
    pub transient: Option<bool>,
}

impl CookieConfig {
    /// The configuration the options ask for, the SDK's defaults where absent, checked.
    pub fn new(options: &SessionCookiesOptions) -> Result<CookieConfig> {
        let defaults = CookieConfig::default();
        let finite = |name, value: Option<f64>, default| {
            value.map_or(Ok(default), |v| crate::input::finite(name, v))
        };
        let cookie = options.cookie_options.clone().unwrap_or_default();
        let config = CookieConfig {
            name: (options.cookie_name.clone().or(cookie.name)).unwrap_or(defaults.name),
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
    pub(super) fn options(&self, max_age: Option<f64>) -> SetCookieOptions {
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
    /// The process warning this write calls for, the first time it reaches its cause (`size`).
    pub size_warning: Option<SizeWarning>,
}

/// A stateful write: the session id and its cookie.
#[derive(Debug, Clone)]
pub struct SessionIdWrite {
    /// The session id the cookie holds.
    pub id: String,
    /// The `Set-Cookie` list.
    pub cookies: Vec<SetCookie>,
}

/// The cookie layer of the stateless and stateful session stores, keys derived once.
pub struct SessionCookies {
    cipher: SessionCipher,
    signing: SigningKeys,
    config: CookieConfig,
    /// The app's Auth0 domain, for the SDK's custom-domain rule (`client`).
    auth0_domain: Option<String>,
    /// What a write over a size limit does.
    oversize: Oversize,
}

impl std::fmt::Debug for SessionCookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCookies")
            .field("cipher", &self.cipher)
            .field("config", &self.config)
            .field("auth0_domain", &self.auth0_domain)
            .field("oversize", &self.oversize)
            .finish_non_exhaustive()
    }
}

impl SessionCookies {
    /// The cookie layer for `secrets` with a checked configuration (no Auth0 domain).
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
            auth0_domain: None,
            oversize: Oversize::default(),
        })
    }

    /// `new SessionCookies(options)`: the SDK's defaults where an option is absent, each one checked.
    pub fn from_options(options: SessionCookiesOptions) -> Result<Self> {
        let cipher = CipherOptions::new(options.clock_tolerance, options.max_cookie_bytes)?;
        let config = CookieConfig::new(&options)?;
        let oversize = options
            .oversize
            .as_deref()
            .map_or(Ok(Oversize::default()), Oversize::parse)?;
        let mut cookies = SessionCookies::new(options.secret.as_slice(), cipher, config)?;
        cookies.auth0_domain = options.auth0_domain;
        cookies.oversize = oversize;
        Ok(cookies)
    }

    /// The app's Auth0 domain, when configured.
    pub fn auth0_domain(&self) -> Option<&str> {
        self.auth0_domain.as_deref()
    }

    /// The cipher of the session cookies.
    pub fn cipher(&self) -> &SessionCipher {
        &self.cipher
    }

    /// The configuration, defaults applied.
    pub fn config(&self) -> &CookieConfig {
        &self.config
    }

    /// What a write over a size limit does.
    pub fn oversize(&self) -> Oversize {
        self.oversize
    }

    pub(crate) fn signing(&self) -> &SigningKeys {
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
        let session = self.open_session(jar, clock)?;
        if session_ceiling_reached(&session, clock.now) {
            return None;
        }
        self.with_connection_token_sets(session, jar, clock)
    }

    /// The session cookie (or its chunks, or the v3 cookie or chunks) unsealed and normalized; nothing of
    /// the session judged yet.
    pub(super) fn open_session(&self, jar: &Jar, clock: Clock) -> Option<String> {
        let value = get_chunked_cookie(&self.config.name, jar, false)
            .or_else(|| get_chunked_cookie(LEGACY_COOKIE_NAME, jar, true))?;
        if value.is_empty() {
            return None;
        }
        self.cipher.unseal(&value, clock)
    }

    /// `session` with the `__FC_i` connection token sets of `jar` that open, as `connectionTokenSets`
    /// (omitted when none do).
    pub(super) fn with_connection_token_sets(
        &self,
        session: String,
        jar: &Jar,
        clock: Clock,
    ) -> Option<String> {
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
    /// set, trailing stale ones deleted; v3 cookies deleted once a v4 one is written. A session over a size
    /// limit is judged (`size`): a warning to emit once per cause, or with `oversize: "throw"` an
    /// `ERR_SESSION_TOO_LARGE` error.
    pub fn write(
        &self,
        session_json: &str,
        jar: &Jar,
        now: f64,
        validation: Validation,
    ) -> Result<WriteOutcome> {
        let mut outcome = self.plan_write(session_json, jar, now, validation)?;
        outcome.size_warning = self.judge_size(session_json, &outcome, now.floor())?;
        Ok(outcome)
    }

    /// `write` without the size judged.
    pub(super) fn plan_write(
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
            size_warning: None,
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
        (self.v4_session_id(jar, clock), plan.into_vec())
    }

    /// The id in a v4 `{ id }` cookie under the configured name: the one the SDK's stateful `set` keeps
    /// and its `delete` removes (a v3 signed cookie's id is never carried over).
    pub(super) fn v4_session_id(&self, jar: &Jar, clock: Clock) -> Option<String> {
        jar.get(&self.config.name)
            .filter(|v| !v.is_empty())
            .and_then(|value| self.cipher.open(value, clock).ok())
            .and_then(|opened| string_member(&opened.payload, "id"))
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
pub(crate) fn generate_session_id() -> String {
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

#[cfg(test)]
mod tests;
