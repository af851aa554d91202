// Type-level test: session-seal/redis against the SDK's own SessionDataStore and the real client libraries.
// Compiled by __test__/redis-types.test.mjs with `tsc -p __test__/types/tsconfig.redis.json`; it must compile.

import type * as Sdk from '@auth0/nextjs-auth0/types';
import { Auth0Client } from '@auth0/nextjs-auth0/server';
import { createRedisSessionStore, type RedisSessionStore, type LogoutTokenClaims, type ListedSession } from 'session-seal/redis';
import { createClient, createCluster } from 'redis';
import { createClient as createClientV4, createCluster as createClusterV4 } from 'redis-v4';
import { createClient as createClientV6, createCluster as createClusterV6 } from 'redis-v6';
import { Redis, Cluster } from 'ioredis';

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Every supported client is accepted as it comes from its library.
declare const v5: ReturnType<typeof createClient>;
declare const v5Cluster: ReturnType<typeof createCluster>;
declare const v4: ReturnType<typeof createClientV4>;
declare const v4Cluster: ReturnType<typeof createClusterV4>;
declare const v6: ReturnType<typeof createClientV6>;
declare const v6Cluster: ReturnType<typeof createClusterV6>;
const secret = 'a secret';
export const stores: Sdk.SessionDataStore[] = [
  createRedisSessionStore({ client: v5, secret }),
  createRedisSessionStore({ client: v5Cluster, secret: [secret, 'an older secret'] }),
  createRedisSessionStore({ client: v4, secret, prefix: 'app:', shards: 4 }),
  createRedisSessionStore({ client: v4Cluster, secret, absoluteDuration: 3600, inactivityDuration: 600, rolling: false }),
  createRedisSessionStore({ client: new Redis(), secret, timeout: 500, replicas: 1 }),
  createRedisSessionStore({ client: new Redis({ keyPrefix: 'app:' }), secret }),
  // Connected on the first command, keyed from AUTH0_SECRET on the first call: nothing at import.
  createRedisSessionStore({ client: () => createClient({ url: 'redis://localhost' }).connect() }),
  createRedisSessionStore({ client: async () => v4 }),
  createRedisSessionStore({ client: new Cluster([{ host: '127.0.0.1', port: 7000 }]), secret }),
  createRedisSessionStore({ client: v6, secret }),
  createRedisSessionStore({ client: v6Cluster, secret }),
  // Connected on the first command, keyed from AUTH0_SECRET on the first call: nothing at import.
  createRedisSessionStore({ client: () => createClient({ url: 'redis://localhost' }).connect() }),
  createRedisSessionStore({ client: () => createClientV6({ url: 'redis://localhost' }).on('error', () => {}).connect() }),
  createRedisSessionStore({ client: async () => v4 }),
];

// The store is what Auth0Client takes as `sessionStore`, the optional methods included.
export const auth0 = new Auth0Client({ sessionStore: createRedisSessionStore({ client: v5, secret }) });
export const full: Required<Sdk.SessionDataStore> = createRedisSessionStore({ client: v5, secret });

// Method by method, the same types as the SDK's interface.
type Store = RedisSessionStore;
type SdkStore = Required<Sdk.SessionDataStore>;
export const getSame: Equals<Store['get'], SdkStore['get']> = true;
export const setSame: Equals<Store['set'], SdkStore['set']> = true;
export const updateSame: Equals<Store['update'], SdkStore['update']> = true;
export const deleteSame: Equals<Store['delete'], SdkStore['delete']> = true;
export const logoutSame: Mutual<Store['deleteByLogoutToken'], SdkStore['deleteByLogoutToken']> = true;
export const logoutTokenSame: Equals<LogoutTokenClaims, Sdk.LogoutToken> = true;

// Beyond the SDK's interface: a user's sessions, listed, and what a listing entry holds.
export const listed: Promise<ListedSession[]> = createRedisSessionStore({ client: v5, secret }).listSessions({ sub: 'auth0|1' });
export const entry: Equals<ListedSession, { sid: string | null; createdAt: number | null; expiresAt: number; updatedAt: number | null }> = true;
