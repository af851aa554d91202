'use strict'

// session-seal/next: the SDK's getSession / updateSession call shapes on session-seal's cookie layer. Every
// session decision is the addon's (one call per operation; around an app's asynchronous session store, one
// per step): this module finds a request's cookies, makes the store calls the addon plans, and applies the
// lists it returns to the response and, for read-after-write, to the request.
//
// Everything is resolved on the first call, not at import: `next build` imports route modules with no
// AUTH0_SECRET in the environment (Docker, CI), and the SDK only warns there. Settings come from the same
// environment variables as the SDK's Auth0Client (4.30.0, `server/client.js`), in the same order:
// explicit options, then AUTH0_* variables, then the SDK's defaults (the addon's, when none is given).

const { channel } = require('node:diagnostics_channel')
const { SessionCookies, serializeSetCookie, refuseArgument } = require('../index.js')
const sdkCrypto = require('./sdk-crypto.js')

/** @typedef {import('../index').SessionData} SessionData */
/** @typedef {import('../index').SetCookie} SetCookie */
/** @typedef {import('../index').SetCookieOptions} SetCookieOptions */
/** @typedef {import('../index').RequestCookie} RequestCookie */
/** @typedef {import('../index').CookieInput} CookieInput */
/** @typedef {import('../index').StoreCall} StoreCall */
/** @typedef {import('../index').SessionCookiesOptions} SessionCookiesOptions */
/** @typedef {import('../index').SessionCookieOptions} SessionCookieOptions */
/** @typedef {import('./index').CreateSessionsOptions} Options */
/** @typedef {import('./index').SessionDataStore} Store */
/** @typedef {{ cookies: SetCookie[], requestCookies: RequestCookie[], requestCookieHeader: string }} Written */
/**
 * A cookie jar that takes writes: Next.js's `cookies()` in route handlers and server actions, a
 * `NextRequest`'s `cookies`.
 * @typedef {{ getAll(): RequestCookie[], get(name: string): { value?: string } | undefined, set(name: string, value: string, options?: SetCookieOptions): unknown, delete(name: string): unknown }} CookieJar
 */

/** A coded error, as every error of this library carries one. */
function coded(/** @type {string} */ code, /** @type {string} */ message) {
  return Object.assign(new Error(message), { code })
}

let insecureWarningShown = false

/**
 * The cookie settings the SDK's Auth0Client derives from its options and the environment: `secure` from
 * AUTH0_COOKIE_SECURE, forced on when every APP_BASE_URL is https, and forced on in production when no
 * base URL is configured (where an explicit `false` is refused, as the SDK refuses it). What neither sets
 * is left to the addon's defaults, which are the SDK's.
 * @param {Options} options
 * @param {NodeJS.ProcessEnv} env
 * @returns {SessionCookieOptions}
 */
function cookieSettings(options, env) {
  const cookie = options.session?.cookie ?? {}
  const envSecure = env.AUTH0_COOKIE_SECURE
  const secureExplicit = cookie.secure ?? (envSecure !== undefined ? envSecure === 'true' : undefined)
  let secure = secureExplicit ?? false

  let appBaseUrl = options.appBaseUrl
  if (appBaseUrl === undefined && env.APP_BASE_URL !== undefined) {
    appBaseUrl = env.APP_BASE_URL.includes(',')
      ? env.APP_BASE_URL.split(',').map((u) => u.trim()).filter(Boolean)
      : env.APP_BASE_URL
  }
  const isHttps = (/** @type {string} */ url) => {
    try {
      return new URL(url).protocol === 'https:'
    } catch {
      throw coded('ERR_INVALID_ARG_VALUE', `appBaseUrl (APP_BASE_URL) is not a valid URL: ${JSON.stringify(String(url))}`)
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

  return {
    name: cookie.name,
    secure,
    sameSite: cookie.sameSite ?? /** @type {SessionCookieOptions['sameSite']} */ (env.AUTH0_COOKIE_SAME_SITE),
    path: cookie.path ?? env.AUTH0_COOKIE_PATH ?? env.NEXT_PUBLIC_BASE_PATH,
    transient: cookie.transient ?? env.AUTH0_COOKIE_TRANSIENT === 'true',
    domain: cookie.domain ?? env.AUTH0_COOKIE_DOMAIN,
  }
}

/**
 * The `SessionCookies` options `createSessions(options)` stands for, read from the environment now.
 * @param {Options} options
 * @returns {SessionCookiesOptions}
 */
function resolveOptions(options, env = process.env) {
  const secret = options.secret ?? env.AUTH0_SECRET
  if (secret === undefined || secret === '' || (Array.isArray(secret) && secret.length === 0)) {
    throw coded(
      'ERR_SECRET_INVALID',
      'session-seal/next: no secret. Set AUTH0_SECRET (the same secret as the Auth0 SDK) or pass createSessions({ secret }).',
    )
  }
  const session = options.session ?? {}
  return {
    secret,
    cookieOptions: cookieSettings(options, env),
    auth0Domain: options.domain ?? env.AUTH0_DOMAIN,
    rolling: session.rolling,
    absoluteDuration: session.absoluteDuration,
    inactivityDuration: session.inactivityDuration,
    clockTolerance: options.clockTolerance,
    maxCookieBytes: options.maxCookieBytes,
    oversize: options.oversize,
  }
}

// ---------------------------------------------------------------------------------------------------------
// What the caller passed, and where the answers go

/** @param {unknown} value @returns {value is Record<string, any>} */
const isObject = (value) => value !== null && typeof value === 'object'

/**
 * `Request` / `NextRequest` (proxy.ts, route handlers): headers with `get`.
 * @param {unknown} value
 * @returns {value is { headers: { get(name: string): string | null }, cookies?: unknown }}
 */
const isWebRequest = (value) => isObject(value) && isObject(value.headers) && typeof value.headers.get === 'function'

/**
 * `IncomingMessage` / `NextApiRequest` (Pages Router): headers as a plain object.
 * @param {unknown} value
 * @returns {value is { headers: { cookie?: string | string[] } }}
 */
const isNodeRequest = (value) => isObject(value) && isObject(value.headers) && typeof value.headers.get !== 'function'

/** @param {unknown} value @returns {value is CookieJar} */
const isCookieJar = (value) =>
  isObject(value) && ['getAll', 'get', 'set', 'delete'].every((method) => typeof value[method] === 'function')

/**
 * The request's cookies in a form `SessionCookies` reads: `NextRequest.cookies`, else the `Cookie` header.
 * @param {unknown} req
 * @param {string} call
 * @returns {CookieInput}
 */
function requestCookies(req, call) {
  if (isWebRequest(req)) {
    const { cookies } = req
    return isObject(cookies) && typeof cookies.getAll === 'function' ? /** @type {CookieJar} */ (cookies) : req.headers.get('cookie')
  }
  if (isNodeRequest(req)) {
    const header = req.headers.cookie
    return Array.isArray(header) ? header.join('; ') : header
  }
  return refuseArgument('request', call, req)
}

/**
 * Next.js's request-scoped cookie jar. Loaded on demand: outside Next.js (Pages Router, tests) it is never needed.
 * @returns {Promise<CookieJar>}
 */
async function headerCookies() {
  /** @type {typeof import('next/headers')} */
  const headers = require('next/headers')
  return headers.cookies()
}

/**
 * What a response carrying a session cookie must say to caches: a shared cache (a CDN, a reverse proxy) that
 * stored it would hand one user's session to the next. `no-store` keeps every cache from storing it; `private`
 * is for caches that heed only that.
 */
const NO_STORE = 'private, no-store'

/**
 * Applies a `Set-Cookie` list to a response: `NextResponse` (its cookie jar), a plain `Response` (headers), or
 * the Pages Router's `res` (appended to the `Set-Cookie` headers it already has); with `noStore`, the
 * response's `Cache-Control` becomes `private, no-store`, whatever it was.
 * @param {unknown} res
 * @param {SetCookie[]} list
 * @param {string} call
 * @param {boolean} noStore
 */
function applyToResponse(res, list, call, noStore) {
  if (isObject(res) && isObject(res.cookies) && typeof res.cookies.set === 'function') {
    for (const c of list) res.cookies.set(c.name, c.value, c.options)
    if (noStore && isObject(res.headers) && typeof res.headers.set === 'function') res.headers.set('cache-control', NO_STORE)
  } else if (isObject(res) && isObject(res.headers) && typeof res.headers.append === 'function') {
    for (const c of list) res.headers.append('set-cookie', serializeSetCookie(c))
    if (noStore && typeof res.headers.set === 'function') res.headers.set('cache-control', NO_STORE)
  } else if (isObject(res) && typeof res.setHeader === 'function' && typeof res.getHeader === 'function') {
    const previous = res.getHeader('set-cookie')
    const lines = previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)]
    res.setHeader('set-cookie', [...lines, ...list.map((c) => serializeSetCookie(c))])
    if (noStore) res.setHeader('cache-control', NO_STORE)
  } else {
    refuseArgument('response', call, res)
  }
}

/**
 * Read-after-write, as the SDK's stores leave `request.cookies`: the request's cookies become the addon's
 * after the write. A `NextRequest`'s jar: the names it holds that are gone deleted, the others set where
 * they changed. The Pages Router's `req`: the addon's `Cookie` header, so that a later `getSession(req)` of
 * the same handler reads the update.
 * @param {unknown} req
 * @param {Written} written
 */
function applyToRequest(req, { requestCookies: after, requestCookieHeader }) {
  if (isWebRequest(req) && isCookieJar(req.cookies)) {
    const jar = req.cookies
    const names = new Set(after.map((c) => c.name))
    for (const cookie of jar.getAll()) if (!names.has(cookie.name)) jar.delete(cookie.name)
    for (const { name, value } of after) if (jar.get(name)?.value !== value) jar.set(name, value)
  } else if (isNodeRequest(req)) {
    req.headers.cookie = requestCookieHeader
  }
}

/**
 * proxy.ts: the rest of the request (server components, route handlers, server actions, Pages Router API
 * routes) gets the request's cookie header as it is after the write, through the headers a
 * `NextResponse.next({ request: { headers } })` carries. Next.js's own forwarding of the proxy's `Set-Cookie`
 * reaches `cookies()` in pages and server actions only: route handlers, `headers()` and the Pages Router's
 * `req` would read the old cookies. Only on a response that continues to the app (`next()`, `rewrite()`):
 * any other goes to the browser as it is, and the cookie header (HttpOnly cookies included) must never be in it.
 * @param {unknown} req
 * @param {unknown} res
 */
function forwardRequestCookies(req, res) {
  if (!isWebRequest(req) || !isObject(res) || !isObject(res.headers) || typeof res.headers.set !== 'function') return
  /** @type {Headers} */
  const headers = /** @type {any} */ (res.headers)
  if (!headers.has('x-middleware-next') && !headers.has('x-middleware-rewrite')) return
  const cookie = req.headers.get('cookie') ?? ''
  const listed = headers.get('x-middleware-override-headers')
  if (listed === null) {
    // The list names every header the request keeps (one not named is dropped): all of the request's.
    const names = []
    for (const [name, value] of /** @type {Headers} */ (/** @type {unknown} */ (req.headers))) {
      headers.set(`x-middleware-request-${name}`, value)
      names.push(name)
    }
    if (!names.includes('cookie')) names.push('cookie')
    headers.set('x-middleware-override-headers', names.join(','))
  } else if (!listed.split(',').some((name) => name.trim() === 'cookie')) {
    headers.set('x-middleware-override-headers', listed === '' ? 'cookie' : `${listed},cookie`)
  }
  headers.set('x-middleware-request-cookie', cookie)
}

/**
 * Applies a `Set-Cookie` list to Next.js's `cookies()` (route handlers and server actions; a server component
 * cannot set cookies, and Next.js says so).
 * @param {CookieJar} jar
 * @param {SetCookie[]} list
 */
function applyToHeaderCookies(jar, list) {
  for (const c of list) jar.set(c.name, c.value, c.options)
}

/**
 * Makes the store calls the addon planned, in order: `set` and `update` with `session`. A background call is
 * not awaited, and a failure of it is logged after the text it carries. False when a required call found
 * nothing (the session was signed out meanwhile): the calls stop there.
 * @param {Store} store
 * @param {StoreCall[]} calls
 * @param {SessionData | null} session
 */
async function runStoreCalls(store, calls, session) {
  for (const call of calls) {
    const { background } = call
    if (background !== undefined) {
      Promise.resolve()
        .then(() => callStore(store, call, session))
        .catch((error) => console.warn(background, error))
    } else if (!(await callStore(store, call, session)) && call.required) {
      return false
    }
  }
  return true
}

/**
 * @param {Store} store
 * @param {StoreCall} call
 * @param {SessionData | null} session
 * @returns {Promise<unknown>}
 */
function callStore(store, call, session) {
  switch (call.method) {
    case 'get':
      return store.get(call.id)
    case 'delete':
      return store.delete(call.id)
    case 'set':
      return store.set(call.id, /** @type {SessionData} */ (session))
    case 'update':
      return Promise.resolve(store.update?.(call.id, /** @type {SessionData} */ (session)))
  }
}

/** `options.sessionStore`: the SDK's `SessionDataStore` (`get`, `set`, `delete`; `update` optional). @param {unknown} store */
function checkSessionStore(store) {
  if (store === undefined) return
  const method = (/** @type {string} */ name) => isObject(store) && typeof store[name] === 'function'
  if (!['get', 'set', 'delete'].every(method) || (isObject(store) && store.update !== undefined && !method('update'))) {
    refuseArgument('sessionStore', 'createSessions({ sessionStore })', store)
  }
}

/**
 * A jar's cookies as one string, to tell whether they changed since a read.
 * @param {CookieInput} jar
 */
function cookieText(jar) {
  if (jar === undefined || jar === null) return ''
  if (typeof jar === 'string') return jar
  const list = 'getAll' in jar && typeof jar.getAll === 'function' ? jar.getAll() : jar
  return JSON.stringify(Array.isArray(list) ? list.map((c) => [c.name, c.value]) : list)
}

/**
 * Told of every session `getSession` reads from cookies or a store (not of those it answers from the request's
 * earlier read), with `{ cookies }`: the `cookies()` jar or the request it read. For counting reads per
 * request; no subscriber, no cost.
 */
const readChannel = channel('session-seal:next:read')

// ---------------------------------------------------------------------------------------------------------

/**
 * `getSession`, `updateSession` and `deleteSession` with the call shapes of the SDK's `auth0.getSession()` and
 * `auth0.updateSession()`. Nothing is read until the first call.
 * @type {typeof import('./index').createSessions}
 */
function createSessions(options = {}) {
  if (!isObject(options) || Array.isArray(options)) refuseArgument('options', 'createSessions(options)', options)
  const sessionStore = options.sessionStore
  checkSessionStore(sessionStore)
  const noStore = options.noStore !== false
  /** @type {SessionCookies | null} */
  let cookieLayer = null
  /**
   * The session each request read, by what stands for the request (the `cookies()` jar, or the request
   * passed), with the cookies it was read from: a request reads it once, however many components ask, and
   * again once its cookies changed. Entries go with their request. (Not React's `cache`: this module is
   * loaded from node_modules, outside the bundle's React server build, whose request cache it cannot reach;
   * Next.js's `cookies()` is one object per request.)
   * @type {WeakMap<object, { cookies: string, session: Promise<SessionData | null> }>}
   */
  const readsByRequest = new WeakMap()

  /** The cookie layer, configured on first use. */
  function sessions() {
    return (cookieLayer ??= new SessionCookies(resolveOptions(options)))
  }

  /**
   * (Stateful) the session `store` holds for a jar: the id the addon names, fetched, and what the store gave
   * judged (two calls); the lookup is kept for an update.
   * @param {Store} store
   * @param {CookieInput} jar
   */
  async function lookUp(store, jar) {
    const lookup = sessions().lookupSession(jar)
    const id = lookup.id
    const found = lookup.getSession(id === null ? null : await store.get(id))
    await runStoreCalls(store, found.storeCalls, null)
    return { lookup, session: found.session }
  }

  /**
   * The session of a jar: from its cookie (one call), or from the store; `key` stands for its request.
   * @param {object} key
   * @param {CookieInput} jar
   */
  async function read(key, jar) {
    if (readChannel.hasSubscribers) readChannel.publish({ cookies: key })
    return sessionStore === undefined ? sessions().getSession(jar) : (await lookUp(sessionStore, jar)).session
  }

  /**
   * The session of `key`'s request: the one read before while its cookies are the same, else read now.
   * @param {object} key
   * @param {CookieInput} jar
   * @returns {Promise<SessionData | null>}
   */
  function readOnce(key, jar) {
    const cookies = cookieText(jar)
    const earlier = readsByRequest.get(key)
    if (earlier !== undefined && earlier.cookies === cookies) return earlier.session
    const entry = { cookies, session: read(key, jar) }
    readsByRequest.set(key, entry)
    // A failure (a store that did not answer) is not kept: the next call tries again.
    entry.session.catch(() => readsByRequest.get(key) === entry && readsByRequest.delete(key))
    return entry.session
  }

  /**
   * `session` written over the jar's current session (whose `internal` it keeps): what to set on the
   * response, and the request's cookies after it (one call; with a store, a third after the lookup, then the
   * store calls it plans). `null` when a stateful session was signed out meanwhile.
   * @param {CookieInput} jar
   * @param {unknown} session
   * @returns {Promise<Written | null>}
   */
  async function write(jar, session) {
    const data = /** @type {SessionData} */ (session) // the addon refuses what is none
    if (sessionStore === undefined) return sessions().updateSession(jar, data)
    const { lookup } = await lookUp(sessionStore, jar)
    const plan = lookup.updateSession(data, { storeHasUpdate: typeof sessionStore.update === 'function' })
    return (await runStoreCalls(sessionStore, plan.storeCalls, plan.session)) ? plan : null
  }

  /**
   * The sign-out deletions for `jar`; with a store, the stored session is deleted too.
   * @param {CookieInput} jar
   */
  async function remove(jar) {
    if (sessionStore === undefined) return sessions().deleteSession(jar)
    const plan = sessions().deleteStoredSession(jar)
    await runStoreCalls(sessionStore, plan.storeCalls, null)
    return plan.cookies
  }

  /** @param {unknown} [req] */
  async function getSession(req) {
    if (req !== undefined && req !== null) return readOnce(/** @type {object} */ (req), requestCookies(req, 'getSession(req)'))
    // cookies() first: while `next build` prerenders, it suspends here, before any setting is read.
    const jar = await headerCookies()
    return readOnce(jar, jar)
  }

  /**
   * @param {unknown} reqOrSession
   * @param {unknown} [res]
   * @param {unknown} [sessionData]
   */
  async function updateSession(reqOrSession, res, sessionData) {
    if (res === undefined && arguments.length < 2) {
      // Route handlers and server actions: next/headers, read once.
      const jar = await headerCookies()
      const written = await write(jar, reqOrSession)
      readsByRequest.delete(jar) // a stateful update may leave the cookie as it was
      if (written) applyToHeaderCookies(jar, written.cookies)
      return
    }
    const call = 'updateSession(req, res, session)'
    const written = await write(requestCookies(reqOrSession, call), sessionData)
    if (isObject(reqOrSession)) readsByRequest.delete(reqOrSession)
    if (!written) return
    applyToResponse(res, written.cookies, call, noStore)
    applyToRequest(reqOrSession, written)
    forwardRequestCookies(reqOrSession, res)
  }

  /**
   * @param {unknown} [req]
   * @param {unknown} [res]
   */
  async function deleteSession(req, res) {
    if ((req === undefined || req === null) && res === undefined) {
      const jar = await headerCookies()
      const deletions = await remove(jar)
      readsByRequest.delete(jar)
      applyToHeaderCookies(jar, deletions)
      return
    }
    const call = 'deleteSession(req, res)'
    const deletions = await remove(requestCookies(req, call))
    if (isObject(req)) readsByRequest.delete(req)
    applyToResponse(res, deletions, call, noStore)
    if (isWebRequest(req) && isCookieJar(req.cookies)) {
      // The request loses what the list deletes, as the browser's jar will: proxy.ts's later reads, and the
      // rest of the request, see no session.
      for (const c of deletions) req.cookies.delete(c.name)
      forwardRequestCookies(req, res)
    }
  }

  return { getSession, updateSession, deleteSession }
}

// withSessionSeal's run time lives in its own module and subpath (session-seal/next/sdk-crypto, which the
// rewritten SDK module loads): the status an app reads is exported here too, and so is the installer, for
// SDK modules rewritten by an earlier session-seal, which import it from here.
const { sdkCryptoStatus, installSdkCrypto } = sdkCrypto

// A literal of names, so that Node's ESM import finds each export (its CommonJS lexer reads this statement).
module.exports = { createSessions, sdkCryptoStatus, installSdkCrypto }

/**
 * The exports are what index.d.ts declares: no name it lacks, and each one assignable to its declaration
 * (`tsc --checkJs` fails here otherwise).
 * @type {[keyof typeof module.exports] extends [keyof typeof import('./index')] ? typeof import('./index') : never}
 */
const exportsAsDeclared = module.exports
void exportsAsDeclared
