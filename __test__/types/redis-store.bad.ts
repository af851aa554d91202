// Deliberately wrong: __test__/redis-types.test.mjs compiles this with tsconfig.redis-bad.json and expects it
// to FAIL, with exactly the errors marked below — proving that the type check of redis-store.ts can fail.

import type * as Sdk from '@auth0/nextjs-auth0/types';
import { createRedisSessionStore, type RedisSessionStore } from '../../redis/index';
import { createClient } from 'redis';

declare const v5: ReturnType<typeof createClient>;

export const numberSecret = createRedisSessionStore({ client: v5, secret: 42 }); // EXPECT-ERROR: a secret is a string or a list
export const notAClient = createRedisSessionStore({ client: { get() {} }, secret: 's' }); // EXPECT-ERROR: not a client
export const wrongGet: Sdk.SessionDataStore = { ...createRedisSessionStore({ client: v5, secret: 's' }), get: async (id: string) => id }; // EXPECT-ERROR: get returns a string
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const notSame: Equals<RedisSessionStore['update'], Required<Sdk.SessionDataStore>['set']> = true; // EXPECT-ERROR: update is not set
export const noSub = createRedisSessionStore({ client: v5, secret: 's' }).listSessions({ sid: 'x' }); // EXPECT-ERROR: listSessions takes a sub
