// Type-level test: our generated typings (index.d.ts) against the SDK's own (`@auth0/nextjs-auth0/types`).
// Compiled by __test__/types.test.mjs with `tsc -p __test__/types/tsconfig.json`; it must compile cleanly.

import type * as Ours from '../../index';
import type * as Sdk from '@auth0/nextjs-auth0/types';

/** true when A and B are assignable to each other (both directions). */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** true only when A and B are the same type (TypeScript's internal identity check). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// --- Mutual assignability of the SessionData family -------------------------------------------------------
export const userMutual: Mutual<Ours.User, Sdk.User> = true;
export const tokenSetMutual: Mutual<Ours.TokenSet, Sdk.TokenSet> = true;
export const accessTokenSetMutual: Mutual<Ours.AccessTokenSet, Sdk.AccessTokenSet> = true;
export const connectionTokenSetMutual: Mutual<Ours.ConnectionTokenSet, Sdk.ConnectionTokenSet> = true;
export const actClaimMutual: Mutual<Ours.ActClaim, Sdk.ActClaim> = true;
export const sessionDataMutual: Mutual<Ours.SessionData, Sdk.SessionData> = true;
export const mcdMutual: Mutual<Ours.MCDMetadata, Sdk.MCDMetadata> = true;

// --- Exact equality (stronger: same members, same optionality, same index signatures) --------------------
export const userEquals: Equals<Ours.User, Sdk.User> = true;
export const tokenSetEquals: Equals<Ours.TokenSet, Sdk.TokenSet> = true;
export const accessTokenSetEquals: Equals<Ours.AccessTokenSet, Sdk.AccessTokenSet> = true;
export const connectionTokenSetEquals: Equals<Ours.ConnectionTokenSet, Sdk.ConnectionTokenSet> = true;
export const actClaimEquals: Equals<Ours.ActClaim, Sdk.ActClaim> = true;
export const sessionDataEquals: Equals<Ours.SessionData, Sdk.SessionData> = true;
export const internalEquals: Equals<Ours.SessionData['internal'], Sdk.SessionData['internal']> = true;

// Member by member, so that a drift names the member that drifted.
type Keys<T> = keyof T;
export const userKeys: Equals<Keys<Ours.User>, Keys<Sdk.User>> = true;
export const tokenSetKeys: Equals<Keys<Ours.TokenSet>, Keys<Sdk.TokenSet>> = true;
export const accessTokenSetKeys: Equals<Keys<Ours.AccessTokenSet>, Keys<Sdk.AccessTokenSet>> = true;
export const sessionKeys: Equals<Keys<Ours.SessionData>, Keys<Sdk.SessionData>> = true;
export const internalKeys: Equals<Keys<Ours.SessionData['internal']>, Keys<Sdk.SessionData['internal']>> = true;

// --- The API's types ------------------------------------------------------------------------------------
type Unsealed = ReturnType<Ours.SessionCipher['unseal']>;
export const unsealIsSessionDataOrNull: Equals<Unsealed, Ours.SessionData | null> = true;
export const unsealMatchesSdk: Mutual<Unsealed, Sdk.SessionData | null> = true;
export const unsealParams: Equals<Parameters<Ours.SessionCipher['unseal']>, [cookieValue: string, options?: Ours.ReadOptions]> = true;

export const sealReturnsString: Equals<ReturnType<Ours.SessionCipher['seal']>, string> = true;
export const sealTakesSdkSession: [Sdk.SessionData] extends [Parameters<Ours.SessionCipher['seal']>[0]] ? true : false = true;
export const openReturns: Equals<ReturnType<Ours.SessionCipher['open']>, Ours.OpenResult> = true;
export const keyIndexIsNumber: Equals<Ours.OpenResult['keyIndex'], number> = true;
export const validateReturns: Equals<ReturnType<typeof Ours.validateSession>, Ours.ValidationResult> = true;
export const encryptReturns: Equals<ReturnType<typeof Ours.encrypt>, Promise<string>> = true;

type Decrypted = Awaited<ReturnType<typeof Ours.decrypt<Sdk.SessionData>>>;
export const decryptPayload: Mutual<NonNullable<Decrypted>['payload'], Sdk.SessionData & { exp?: number }> = true;
export const decryptNullable: null extends Decrypted ? true : false = true;

// Values flow both ways without casts.
declare const ourSession: Ours.SessionData;
declare const sdkSession: Sdk.SessionData;
declare const cipher: Ours.SessionCipher;
export const toSdk: Sdk.SessionData = ourSession;
export const toOurs: Ours.SessionData = sdkSession;
export const sealed: string = cipher.seal(sdkSession, 0);
export const back: Sdk.SessionData | null = cipher.unseal(sealed);

// --- The helpers are not vacuous: these must be errors --------------------------------------------------
// @ts-expect-error TokenSet is not a SessionData
export const notMutual: Mutual<Ours.SessionData, Ours.TokenSet> = true;
// @ts-expect-error an extra optional member: mutually assignable, but not identical
export const notEqual: Equals<{ a: string }, { a: string; b?: number }> = true;
// @ts-expect-error unseal can return null
export const notNonNull: Equals<Unsealed, Ours.SessionData> = true;
// @ts-expect-error sub must be a string
export const badUser: Ours.User = { sub: 1 };
