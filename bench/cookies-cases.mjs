// The cookie layer against the SDK's own cookie layer: `SessionCookies.read/write` against the SDK's
// `StatelessSessionStore.get/set` (chunking, `__FC_i` connection-token cookies, rolling maxAge, stale-chunk
// deletions), both given the same Next.js-style `RequestCookies` jar. Checked for agreement before timing.

import assert from 'node:assert/strict'

import { sdk, sdkStore, SECRET } from './peers.mjs'

const { RequestCookies, ResponseCookies } = sdk

/** The jar a browser sends back after a write: the cookies set, deletions dropped. */
function jarAfter(setCookies) {
  return setCookies
    .filter((c) => c.options.maxAge !== 0)
    .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
    .join('; ')
}

const requestCookies = (header) => new RequestCookies(new Headers(header ? { cookie: header } : {}))

/** A `ResponseCookies`' entries in our `SetCookie` shape, for comparing plans. */
const names = (list) => list.map((c) => `${c.name}:${c.options.maxAge}`).sort()

/**
 * The read/write cases for one session. `cookies` is a `SessionCookies` with the bench secret. The session's
 * `internal.createdAt` is moved to now so the rolling maxAge is a day (an old createdAt gives maxAge 0).
 */
export async function cookieCases(cookies, session, ctx) {
  const now = Math.floor(Date.now() / 1000)
  const fresh = { ...session, internal: { ...session.internal, createdAt: now } }
  const store = new sdkStore.StatelessSessionStore({ secret: SECRET })

  // Our write, from an empty jar; the browser's next request carries what it set.
  const header = jarAfter(cookies.write(fresh, requestCookies('')))
  const jar = requestCookies(header)

  // The SDK's write from the same empty jar: the same cookie names and maxAge (values differ only by IV).
  const sdkRes = new ResponseCookies(new Headers())
  const warn = console.warn
  console.warn = () => {} // the SDK's once-per-process "cookie is over 4096 bytes" warning
  try {
    await store.set(requestCookies(''), sdkRes, structuredClone(fresh))
  } finally {
    console.warn = warn
  }
  const sdkSet = sdkRes.getAll().map(({ name, value, maxAge }) => ({ name, value, options: { maxAge } }))
  const ours = cookies.write(fresh, requestCookies(''))
  assert.deepEqual(names(ours), names(sdkSet), 'SessionCookies.write plans the cookies the SDK store sets')

  // Each side reads the other's jar, and both agree on what the session is.
  const fromOurs = await store.get(requestCookies(header))
  const fromSdk = cookies.read(requestCookies(jarAfter(sdkSet)))
  assert.ok(fromOurs && fromSdk, 'both cookie layers open a session')
  assert.deepEqual(cookies.read(jar), fromOurs, 'SessionCookies.read = SDK store get, on our jar')
  assert.deepEqual(fromSdk, await store.get(requestCookies(jarAfter(sdkSet))), 'SessionCookies.read = SDK store get, on its jar')
  const { exp, connectionTokenSets, ...rest } = fromOurs
  const { connectionTokenSets: expectedSets, ...expected } = fresh
  assert.deepEqual(rest, expected, 'the session survives a write and a read')
  assert.equal(connectionTokenSets?.length, expectedSets?.length)

  // Rolling writes: the request already carries the session (the common case), so the plan is the
  // re-sealed cookies with no stale-chunk churn. Both sides get the same RequestCookies object.
  return [
    { id: 'cookies.read', fn: () => cookies.read(jar) },
    { id: 'cookies.write', fn: () => cookies.write(fresh, jar) },
    { id: 'sdk.store.get', isAsync: true, fn: () => store.get(jar) },
    {
      id: 'sdk.store.set',
      isAsync: true,
      // `set` writes the chunks into the request jar too (read-after-write); they are the same names each
      // time, so the jar keeps its shape. The warning fired above, once per process, so it is quiet now.
      fn: () => store.set(jar, new ResponseCookies(new Headers()), fresh),
    },
  ]
}
