import { subscribe } from 'node:diagnostics_channel'

// For the e2e: how many times session-seal/next read a session from cookies, per request. getSession()
// publishes each read on this channel with what it read from: the request's cookies() jar (one object per
// request), or the request it was given. A getSession() answered from the request's earlier read publishes
// nothing.
const reads = new WeakMap<object, number>()

subscribe('session-seal:next:read', (message) => {
  const { cookies } = message as { cookies: object }
  reads.set(cookies, (reads.get(cookies) ?? 0) + 1)
})

export const readsOf = (cookies: object): number => reads.get(cookies) ?? 0
