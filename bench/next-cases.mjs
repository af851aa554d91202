// session-seal/next against the SDK's own Auth0Client, in the calls an app's proxy.ts makes on every request:
// `getSession(request)` and `updateSession(request, response, session)` with a NextRequest and a NextResponse,
// both configured alike (secret, domain, an https base URL) and given the same jar. Checked for agreement
// before timing.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import { sdkStore, sdk, SECRET, MAX_COOKIE_BYTES } from './peers.mjs'

const require = createRequire(import.meta.url)
const { createSessions } = require('../next/index.js')

const DOMAIN = 'tenant.example.invalid'
const BASE_URL = 'https://app.example.test'

/** Runs `fn` with the SDK's console warnings (cookie size, once per process) silenced. */
async function quietly(fn) {
  const warn = console.warn
  console.warn = () => {}
  try {
    return await fn()
  } finally {
    console.warn = warn
  }
}

/**
 * The getSession/updateSession cases for one session: the session as the SDK's store writes it (its
 * `internal.createdAt` moved to now, so a rolling update keeps a day), read and updated by both sides.
 */
export async function nextCases(session) {
  const { Auth0Client } = await import('@auth0/nextjs-auth0/server')
  const { NextRequest, NextResponse } = await import('next/server.js')
  const now = Math.floor(Date.now() / 1000)
  const fresh = { ...session, internal: { ...session.internal, createdAt: now } }
  const res = new sdk.ResponseCookies(new Headers())
  await quietly(() => new sdkStore.StatelessSessionStore({ secret: SECRET }).set(new sdk.RequestCookies(new Headers()), res, structuredClone(fresh)))
  const header = res.getAll().filter((c) => c.value).map((c) => `${c.name}=${c.value}`).join('; ')
  const request = () => new NextRequest(`${BASE_URL}/protected`, { headers: { cookie: header } })

  const ours = createSessions({ secret: SECRET, domain: DOMAIN, appBaseUrl: BASE_URL, maxCookieBytes: MAX_COOKIE_BYTES })
  const auth0 = new Auth0Client({ domain: DOMAIN, clientId: 'bench', clientSecret: 'not-used', secret: SECRET, appBaseUrl: BASE_URL })

  // Both read the same session, and an update sets the same cookies on both responses.
  const read = await ours.getSession(request())
  assert.ok(read, 'session-seal/next reads the session')
  assert.deepEqual(read, await auth0.getSession(request()), 'getSession(request) = auth0.getSession(request)')
  const [mine, theirs] = [NextResponse.next(), NextResponse.next()]
  await ours.updateSession(request(), mine, fresh)
  await quietly(() => auth0.updateSession(request(), theirs, structuredClone(fresh)))
  // As sets: the order of Set-Cookie lines naming different cookies means nothing to a browser (the SDK's
  // own order of the __FC_i cookies follows its map, e.g. __FC_3 before __FC_2).
  const names = (response) => response.cookies.getAll().map((c) => `${c.name}:${c.maxAge}`).sort()
  assert.deepEqual(names(mine), names(theirs), 'updateSession sets the cookies auth0.updateSession sets')

  // One request and response per side, reused: an update leaves the request carrying the session it wrote
  // (read-after-write), so every update is a rolling one over the same jar.
  const [getOurs, getTheirs, updateOurs, updateTheirs] = [request(), request(), request(), request()]
  const [resOurs, resTheirs] = [NextResponse.next(), NextResponse.next()]
  return [
    { id: 'next.getSession', isAsync: true, fn: () => ours.getSession(getOurs) },
    { id: 'sdk.getSession', isAsync: true, fn: () => auth0.getSession(getTheirs) },
    { id: 'next.updateSession', isAsync: true, fn: () => ours.updateSession(updateOurs, resOurs, fresh) },
    { id: 'sdk.updateSession', isAsync: true, fn: () => auth0.updateSession(updateTheirs, resTheirs, fresh) },
  ]
}
