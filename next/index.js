'use strict'

// session-seal/next: the SDK's getSession / updateSession call shapes on session-seal's cookie layer.
//
// Everything is resolved on the first call, not at import: `next build` imports route modules with no
// AUTH0_SECRET in the environment (Docker, CI), and the SDK only warns there. Settings come from the same
// environment variables as the SDK's Auth0Client (4.30.0, `server/client.js`), in the same order:
// explicit options, then AUTH0_* variables, then the SDK's defaults.

const { SessionCookies, serializeSetCookie, DEFAULT_COOKIE_NAME } = require('../index.js')

/** A coded error, as every error of this library carries one. */
function coded(code, message, Kind = Error) {
  const error = new Kind(message)
  error.code = code
  return error
}

/** The SDK's `SessionDomainMismatchError`, with its `code` and `name`, so code written for the SDK catches it. */
function domainMismatch(sessionDomain, domain) {
  const error = new Error(
    `Session was created for domain '${sessionDomain}' but the current request is for domain '${domain}'. ` +
      'This may indicate a cross-domain session reuse attempt.',
  )
  error.name = 'SessionDomainMismatchError'
  error.code = 'session_domain_mismatch'
  return error
}

let insecureWarningShown = false

/**
 * The cookie settings the SDK's Auth0Client derives from its options and the environment: `secure` from
 * AUTH0_COOKIE_SECURE, forced on when every APP_BASE_URL is https, and forced on in production when no
 * base URL is configured (where an explicit `false` is refused, as the SDK refuses it).
 */
function cookieSettings(options, env) {
  const cookie = (options.session && options.session.cookie) || {}
  const envSecure = env.AUTH0_COOKIE_SECURE
  const secureExplicit = cookie.secure ?? (envSecure !== undefined ? envSecure === 'true' : undefined)
  let secure = secureExplicit ?? false

  let appBaseUrl = options.appBaseUrl
  if (appBaseUrl === undefined && env.APP_BASE_URL !== undefined) {
    appBaseUrl = env.APP_BASE_URL.includes(',')
      ? env.APP_BASE_URL.split(',').map((u) => u.trim()).filter(Boolean)
      : env.APP_BASE_URL
  }
  const isHttps = (url) => {
    try {
      return new URL(url).protocol === 'https:'
    } catch {
      throw coded('ERR_INVALID_ARG_VALUE', `appBaseUrl (APP_BASE_URL) is not a valid URL: ${JSON.stringify(String(url))}`, TypeError)
    }
  }
  if (appBaseUrl) {
    const usesHttps = Array.isArray(appBaseUrl) ? appBaseUrl.every(isHttps) : isHttps(appBaseUrl)
    if (usesHttps) secure = true
  } else if (env.NODE_ENV === 'production') {
    if (secureExplicit === false) {
      throw coded(
        'ERR_INVALID_ARG_VALUE',
        'Session cookies must be marked secure in production when appBaseUrl is not configured. ' +
          'Set AUTH0_COOKIE_SECURE=true or session.cookie.secure=true.',
      )
    }
    secure = true
  } else if (env.NODE_ENV === 'development' && secureExplicit === false && !insecureWarningShown) {
    insecureWarningShown = true
    console.warn(
      "'appBaseUrl' is not configured and cookies are explicitly marked insecure. This is allowed in " +
        'development, but will throw in production. Configure appBaseUrl or set secure=true for session cookies.',
    )
  }

  const domain = cookie.domain ?? env.AUTH0_COOKIE_DOMAIN
  return {
    name: cookie.name ?? DEFAULT_COOKIE_NAME,
    secure,
    sameSite: cookie.sameSite ?? env.AUTH0_COOKIE_SAME_SITE ?? 'lax',
    path: cookie.path ?? env.AUTH0_COOKIE_PATH ?? env.NEXT_PUBLIC_BASE_PATH ?? '/',
    transient: cookie.transient ?? env.AUTH0_COOKIE_TRANSIENT === 'true',
    ...(domain ? { domain } : {}),
  }
}

/** The `SessionCookies` options `createSessions(options)` stands for, read from the environment now. */
function resolveOptions(options, env = process.env) {
  const secret = options.secret ?? env.AUTH0_SECRET
  if (secret === undefined || secret === '' || (Array.isArray(secret) && secret.length === 0)) {
    throw coded(
      'ERR_SECRET_INVALID',
      'session-seal/next: no secret. Set AUTH0_SECRET (the same secret as the Auth0 SDK) or pass createSessions({ secret }).',
    )
  }
  const session = options.session || {}
  const resolved = { secret, cookieOptions: cookieSettings(options, env) }
  for (const key of ['rolling', 'absoluteDuration', 'inactivityDuration']) {
    if (session[key] !== undefined) resolved[key] = session[key]
  }
  for (const key of ['clockTolerance', 'maxCookieBytes']) {
    if (options[key] !== undefined) resolved[key] = options[key]
  }
  return resolved
}

// ---------------------------------------------------------------------------------------------------------
// What the caller passed

const isThenable = (value) => value !== null && typeof value === 'object' && typeof value.then === 'function'

/** `Request` / `NextRequest` (proxy.ts, route handlers): headers with `get`. */
const isWebRequest = (value) =>
  value !== null && typeof value === 'object' && value.headers !== null && typeof value.headers === 'object' && typeof value.headers.get === 'function'

/** `IncomingMessage` / `NextApiRequest` (Pages Router): headers as a plain object. */
const isNodeRequest = (value) =>
  value !== null && typeof value === 'object' && value.headers !== null && typeof value.headers === 'object' && typeof value.headers.get !== 'function'

/** The request's cookies in a form `SessionCookies` reads: `NextRequest.cookies`, else the `Cookie` header. */
function requestCookies(req, call) {
  if (isWebRequest(req)) {
    if (req.cookies && typeof req.cookies.getAll === 'function') return req.cookies
    return req.headers.get('cookie')
  }
  if (isNodeRequest(req)) {
    const header = req.headers.cookie
    return Array.isArray(header) ? header.join('; ') : header
  }
  if (isThenable(req)) {
    throw coded(
      'ERR_INVALID_ARG_TYPE',
      `${call} was given a Promise: did you forget \`await\`? Pass the request itself (Pages Router, proxy.ts), ` +
        'or nothing in server components, route handlers and server actions.',
      TypeError,
    )
  }
  if (req !== null && typeof req === 'object' && typeof req.getAll === 'function') {
    throw coded(
      'ERR_INVALID_ARG_TYPE',
      `${call} takes a request, not a cookie jar: call it with no argument in server components, route handlers ` +
        'and server actions (it reads next/headers), or pass the request in the Pages Router and proxy.ts.',
      TypeError,
    )
  }
  throw coded(
    'ERR_INVALID_ARG_TYPE',
    `${call} takes a request (Request, NextRequest, or the Pages Router's req), got ${req === null ? 'null' : typeof req}`,
    TypeError,
  )
}

/** Next.js's request-scoped cookie jar. Loaded on demand: outside Next.js (Pages Router, tests) it is never needed. */
async function headerCookies() {
  return require('next/headers').cookies()
}

function checkSession(session, call) {
  if (!session) throw coded('ERR_INVALID_ARG_VALUE', 'The session data is missing.', TypeError)
  if (typeof session !== 'object' || Array.isArray(session) || isThenable(session)) {
    throw coded(
      'ERR_INVALID_ARG_TYPE',
      `${call}: the session must be a SessionData object${isThenable(session) ? ' (got a Promise: did you forget `await`?)' : ''}`,
      TypeError,
    )
  }
}

const notAuthenticated = () => coded('ERR_NOT_AUTHENTICATED', 'The user is not authenticated.')

/** `options.sessionStore`: the SDK's `SessionDataStore` (`get`, `set`, `delete`; `update` optional). */
function checkSessionStore(store) {
  if (store === undefined) return
  const method = (name) => store !== null && typeof store === 'object' && typeof store[name] === 'function'
  if (!['get', 'set', 'delete'].every(method) || (store.update !== undefined && !method('update'))) {
    throw coded(
      'ERR_INVALID_ARG_TYPE',
      'createSessions({ sessionStore }) takes the SDK\'s SessionDataStore: an object with get(id), set(id, session) ' +
        'and delete(id) (update(id, session) optional), e.g. session-seal/redis\'s createRedisSessionStore()',
      TypeError,
    )
  }
}

let statefulWithoutStoreWarned = false

/** Once per process: a stateful cookie met by functions that were given no store to resolve it. */
function warnStatefulWithoutStore() {
  if (statefulWithoutStoreWarned) return
  statefulWithoutStoreWarned = true
  process.emitWarning(
    'session-seal/next: the session cookie holds a stateful session id, and createSessions() was given no ' +
      'sessionStore to look it up in, so getSession() returns null. Pass the store your Auth0Client uses: ' +
      'createSessions({ sessionStore }).',
    { code: 'SESSION_SEAL_NO_SESSION_STORE' },
  )
}

// A session as a store holds it is judged here, not in the core: it never crosses into it. Both rules are the
// SDK's (`normalizeStatefulSession`, `isSessionCeilingReached`); cookie sessions get the same from `read()`.

/** A session a v3 app stored, `{ header: { iat }, data }`, in the v4 shape the SDK converts it to. */
function fromStore(stored) {
  if (!(stored.header && stored.header.iat)) return stored
  const v3 = stored.data
  return {
    user: v3.user,
    tokenSet: {
      idToken: v3.idToken ?? undefined,
      accessToken: v3.accessToken ?? undefined,
      scope: v3.accessTokenScope,
      refreshToken: v3.refreshToken,
      expiresAt: v3.accessTokenExpiresAt,
    },
    internal: { sid: v3.user.sid, createdAt: stored.header.iat },
  }
}

/** The IdP's ceiling (`internal.sessionExpiresAt`), reached 30 s early. */
const SESSION_EXPIRY_LEEWAY_SECONDS = 30
function pastCeiling(session) {
  const at = session.internal && session.internal.sessionExpiresAt
  return at != null && Math.floor(Date.now() / 1000) >= at - SESSION_EXPIRY_LEEWAY_SECONDS
}

/**
 * Applies a `Set-Cookie` list to a response: `NextResponse` (its cookie jar), a plain `Response` (headers), or
 * the Pages Router's `res` (appended to the `Set-Cookie` headers it already has).
 */
function applyToResponse(res, list, call) {
  if (res && res.cookies && typeof res.cookies.set === 'function') {
    for (const c of list) res.cookies.set(c.name, c.value, c.options)
    return
  }
  if (res && res.headers && typeof res.headers.append === 'function') {
    for (const c of list) res.headers.append('set-cookie', serializeSetCookie(c))
    return
  }
  if (res && typeof res.setHeader === 'function' && typeof res.getHeader === 'function') {
    const previous = res.getHeader('set-cookie')
    const lines = previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)]
    res.setHeader('set-cookie', [...lines, ...list.map((c) => serializeSetCookie(c))])
    return
  }
  throw coded(
    'ERR_INVALID_ARG_TYPE',
    `${call}: the response must be a NextResponse, a Response, or the Pages Router's res`,
    TypeError,
  )
}

/**
 * Read-after-write in proxy.ts, as the SDK's store leaves `req.cookies`: the request's cookies become the
 * `Cookie` header the write leaves behind.
 */
function applyToRequestCookies(jar, header) {
  if (!jar || typeof jar.getAll !== 'function' || typeof jar.set !== 'function' || typeof jar.delete !== 'function') return
  const after = new Map()
  for (const pair of header ? header.split('; ') : []) {
    const eq = pair.indexOf('=')
    after.set(eq < 0 ? pair : pair.slice(0, eq), eq < 0 ? '' : pair.slice(eq + 1))
  }
  for (const { name } of jar.getAll()) if (!after.has(name)) jar.delete(name)
  for (const [name, value] of after) {
    let decoded = value
    try {
      decoded = decodeURIComponent(value)
    } catch {
      /* kept as it is, as Next.js keeps it */
    }
    const current = jar.get(name)
    if (!current || current.value !== decoded) jar.set(name, decoded)
  }
}

// ---------------------------------------------------------------------------------------------------------

/**
 * `getSession`, `updateSession` and `deleteSession` with the call shapes of the SDK's `auth0.getSession()` and
 * `auth0.updateSession()`. Nothing is read until the first call.
 */
function createSessions(options = {}) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw coded('ERR_INVALID_ARG_TYPE', 'createSessions(options) takes an options object', TypeError)
  }
  const sessionStore = options.sessionStore
  checkSessionStore(sessionStore)
  let state = null

  /** The store and the domain check, built once, on first use. */
  function current() {
    if (state === null) {
      const resolved = resolveOptions(options)
      state = { store: new SessionCookies(resolved), domain: options.domain ?? process.env.AUTH0_DOMAIN }
    }
    return state
  }

  /** The session of a jar: from the cookie, or through the `{ id }` cookie from `sessionStore`. */
  async function read(jar) {
    const { store } = current()
    if (sessionStore === undefined) {
      const session = store.read(jar)
      // A session has a user; only a payload that has none can be a stateful id, and the core says if it is.
      if (session && (session.user === null || typeof session.user !== 'object')) {
        if (store.inspect(jar)?.format === 'stateful-id') {
          warnStatefulWithoutStore()
          return null
        }
      }
      return session
    }
    const id = store.readSessionId(jar)
    if (id === null) return null
    const stored = await sessionStore.get(id)
    if (!stored) return null
    const session = fromStore(stored)
    if (pastCeiling(session)) {
      // As the SDK does: the stored session goes too, without holding up the answer.
      Promise.resolve()
        .then(() => sessionStore.delete(id))
        .catch((error) => console.warn('[session-seal] Failed to delete session on ceiling expiry:', error))
      return null
    }
    return session
  }

  /** `read` plus getSession's multiple-custom-domain check. */
  async function readChecked(jar) {
    const session = await read(jar)
    const { domain } = current()
    if (session && session.internal && session.internal.mcd && session.internal.mcd.domain !== domain) {
      throw domainMismatch(session.internal.mcd.domain, domain)
    }
    return session
  }

  /**
   * The stateful store's `set`: the session written to `sessionStore` under the id of the v4 cookie (only if
   * it is still there: a concurrent sign-out wins), or under a new id, and the `{ id }` cookie rolled. `[]`
   * when the session was signed out meanwhile.
   */
  async function writeStateful(jar, session) {
    const { store } = current()
    const { id } = store.clearSessionId(jar) // the id of a v4 cookie: the one the SDK's set() keeps
    if (id !== null) {
      if (typeof sessionStore.update === 'function') {
        if (!(await sessionStore.update(id, session))) return []
      } else {
        if (!(await sessionStore.get(id))) return []
        await sessionStore.set(id, session)
      }
      return store.writeSessionId(id, session.internal.createdAt, jar).cookies
    }
    const written = store.writeSessionId(null, session.internal.createdAt, jar)
    await sessionStore.set(written.id, session)
    return written.cookies
  }

  async function getSession(req) {
    if (req !== undefined && req !== null) return readChecked(requestCookies(req, 'getSession(req)'))
    // cookies() first: while `next build` prerenders, it suspends here, before any setting is read.
    return readChecked(await headerCookies())
  }

  async function updateSession(reqOrSession, res, sessionData) {
    if (res === undefined && arguments.length < 2) {
      // Server actions and route handlers: next/headers.
      const existing = await getSession()
      if (!existing) throw notAuthenticated()
      checkSession(reqOrSession, 'updateSession(session)')
      const jar = await headerCookies()
      const session = { ...reqOrSession, internal: { ...existing.internal } }
      const list = sessionStore === undefined ? current().store.write(session, jar) : await writeStateful(jar, session)
      for (const c of list) jar.set(c.name, c.value, c.options)
      return
    }
    const req = reqOrSession
    const jar = requestCookies(req, 'updateSession(req, res, session)')
    if (!sessionData) throw coded('ERR_INVALID_ARG_VALUE', 'The session data is missing.', TypeError)
    checkSession(sessionData, 'updateSession(req, res, session)')
    const existing = await readChecked(jar)
    if (!existing) throw notAuthenticated()
    const session = { ...sessionData, internal: { ...existing.internal } }
    if (sessionStore !== undefined) {
      const list = await writeStateful(jar, session)
      applyToResponse(res, list, 'updateSession(req, res, session)')
      // Read-after-write, as the SDK's stateful store leaves req.cookies: the new id cookie, set.
      if (isWebRequest(req) && req.cookies && typeof req.cookies.set === 'function') {
        for (const c of list) if (c.value) req.cookies.set(c.name, c.value)
      }
      return
    }
    const written = current().store.writeWithBudget(session, jar)
    applyToResponse(res, written.cookies, 'updateSession(req, res, session)')
    if (isWebRequest(req)) applyToRequestCookies(req.cookies, written.requestCookieHeader)
  }

  /** The sign-out deletions for `jar`; with a store, the stored session is deleted too. */
  async function clear(jar) {
    const { store } = current()
    if (sessionStore === undefined) return store.clear(jar)
    const { id, cookies } = store.clearSessionId(jar)
    if (id !== null) await sessionStore.delete(id)
    return cookies
  }

  async function deleteSession(req, res) {
    if ((req === undefined || req === null) && res === undefined) {
      const jar = await headerCookies()
      for (const c of await clear(jar)) jar.set(c.name, c.value, c.options)
      return
    }
    const jar = requestCookies(req, 'deleteSession(req, res)')
    applyToResponse(res, await clear(jar), 'deleteSession(req, res)')
  }

  return { getSession, updateSession, deleteSession }
}

exports.createSessions = createSessions

// withSessionSeal's run time lives in its own module and subpath (session-seal/next/sdk-crypto, which the
// rewritten SDK module loads): the status an app reads is exported here too, and so is the installer, for
// SDK modules rewritten by an earlier session-seal, which import it from here.
const sdkCrypto = require('./sdk-crypto.js')

exports.sdkCryptoStatus = sdkCrypto.sdkCryptoStatus
exports.installSdkCrypto = sdkCrypto.installSdkCrypto
