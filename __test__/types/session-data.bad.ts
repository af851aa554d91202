// Deliberately wrong: __test__/types.test.mjs compiles this with tsconfig.bad.json and expects it to FAIL,
// with exactly the errors marked below — proving that the type check can fail.

import type * as Ours from '../../index';
import type * as Sdk from '@auth0/nextjs-auth0/types';

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const bad: Ours.SessionData = {
  user: { sub: 1 }, // EXPECT-ERROR: number is not a string
  tokenSet: { accessToken: 'a', expiresAt: 1 },
  internal: { sid: 's', createdAt: 1 },
};

export const missing: Ours.SessionData = { // EXPECT-ERROR: tokenSet and internal are required
  user: { sub: 'x' },
};

export const notMutual: Mutual<Ours.AccessTokenSet, Sdk.TokenSet> = true; // EXPECT-ERROR: audience is required in one only

export const nullable: Ours.SessionData = null as unknown as ReturnType<Ours.SessionCipher['unseal']>; // EXPECT-ERROR: unseal may return null
