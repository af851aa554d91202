// session-seal/redis: an encrypted-at-rest SessionDataStore for @auth0/nextjs-auth0's stateful mode.
// Hand-written, and checked against redis/*.js: `tsc --checkJs --strict` types the code with these
// declarations (__test__/redis-types.test.mjs). The SessionData family comes from the package's generated typings.

import type { SessionData } from '../index'

/** node-redis v4/v5 `createClient()`: what the store calls on it. */
export interface NodeRedisClientLike {
  sendCommand(args: Array<string>, ...rest: any[]): Promise<unknown>
}

/** node-redis v4/v5 `createCluster()`: commands are routed by their first key. */
export interface NodeRedisClusterLike {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: Array<string>, ...rest: any[]): Promise<unknown>
  getSlotMaster(slot: number): unknown
}

/** ioredis `new Redis()` or `new Cluster()`. */
export interface IORedisLike {
  call(command: string, ...args: Array<string>): Promise<unknown>
  callBuffer(command: string, ...args: Array<string>): Promise<unknown>
  /** Used with `replicas`: `WAIT` on the connection to one key's node. */
  pipeline(commands: Array<Array<string>>): { exec(): Promise<Array<[error: Error | null, result: unknown]> | null> }
}

/** The app's own client. Neither library is a dependency of session-seal. */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IORedisLike

export interface RedisSessionStoreOptions {
  /**
   * A connected node-redis (v4/v5/v6) client or cluster, or an ioredis `Redis` or `Cluster`; or a function that
   * gives one (or a promise of one), called on the first command rather than at import, so that `next build`
   * needs no Redis (again on a later command when it fails): `() => createClient({ url }).connect()`.
   */
  client: RedisClientLike | (() => RedisClientLike | Promise<RedisClientLike>)
  /**
   * The secret, or a list: the first seals, every one opens, and a value opened with an older one is sealed
   * again under the first. Default: AUTH0_SECRET, as the SDK, read on the first call (not at import, so that
   * `next build` needs no secret). The store derives keys of its own from it: a stored value is never a valid
   * session cookie, and a cookie is never a valid stored value.
   */
  secret?: string | string[]
  /** Prepended to every key (default `"sess:"`); no `{` or `}`. */
  prefix?: string
  /**
   * How many hash-tagged shards the sessions are spread over (default 16, at most 1024). A back-channel logout
   * asks each shard once. Fixed for the life of a deployment: changing it hides the sessions already stored.
   */
  shards?: number
  /** Seconds from `internal.createdAt` a session lives at most: the same as the SDK's `session.absoluteDuration` (default 259200). */
  absoluteDuration?: number
  /** Seconds of inactivity after which a rolling session ends: the SDK's `session.inactivityDuration` (default 86400). */
  inactivityDuration?: number
  /** The SDK's `session.rolling` (default `true`): each write extends the session by `inactivityDuration`. */
  rolling?: boolean
  /**
   * Milliseconds a store call waits for Redis before failing with `ERR_STORE_TIMEOUT` (default 2000): a client
   * that queues commands while Redis is away would otherwise hold the request until it returns.
   */
  timeout?: number
  /**
   * Replicas that must confirm each deletion (`delete`, `deleteByLogoutToken`) before it resolves (Redis
   * `WAIT`; default 0). With replicas and automatic failover, set it to 1 or more: a failover then cannot
   * bring a deleted session back. Fewer confirmations in time reject with `ERR_STORE_NOT_REPLICATED`.
   */
  replicas?: number
}

/** The claims the SDK passes from a verified logout token. */
export interface LogoutTokenClaims {
  sub?: string
  sid?: string
  iss?: string
}

/** One of a user's live sessions, as `listSessions` shows it: never its id (a bearer credential), never a token. */
export interface ListedSession {
  /** The IdP session (`internal.sid`): `deleteByLogoutToken({ sub, sid })` ends this one. */
  sid: string | null
  /** When the user signed in (`internal.createdAt`, epoch seconds). */
  createdAt: number | null
  /** When it ends unless used again (epoch seconds). */
  expiresAt: number
  /** When it was last written: signing in, each rolling extension, a token refresh (epoch seconds). */
  updatedAt: number | null
}

/** Satisfies `SessionDataStore` from `@auth0/nextjs-auth0/types` (checked by a type-level test). */
export interface RedisSessionStore {
  /** The session stored under `id`, or `null` when absent, expired, or not opening for this id. */
  get(id: string): Promise<SessionData | null>
  /** Upserts the session; Redis expires it when the session ends. */
  set(id: string, session: SessionData): Promise<void>
  /** Writes only if `id` is still stored (a concurrent logout wins); `true` when written. */
  update(id: string, session: SessionData): Promise<boolean>
  /** Removes the session and its index entries. */
  delete(id: string): Promise<void>
  /**
   * Back-channel logout: with `sid`, the sessions of that IdP session (and that `sub`, if given); with only `sub`,
   * all the user's sessions; with `iss`, only sessions of that issuer (or of an unknown one).
   */
  deleteByLogoutToken(logoutToken: LogoutTokenClaims): Promise<void>
  /**
   * The live sessions of the user `sub`, most recently active first (at most 1000). Sign one out with
   * `deleteByLogoutToken({ sub, sid })`, all of them with `deleteByLogoutToken({ sub })`.
   */
  listSessions(query: { sub: string }): Promise<ListedSession[]>
}

/** Error codes of the store itself; sealing errors keep session-seal's codes. */
export type RedisSessionStoreErrorCode =
  | 'ERR_STORE_TIMEOUT'
  | 'ERR_STORE_COMMAND'
  | 'ERR_STORE_NOT_REPLICATED'
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'

export declare function createRedisSessionStore(options: RedisSessionStoreOptions): RedisSessionStore
