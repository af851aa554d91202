// Type-level test: our drop-in `encrypt`/`decrypt` can stand in for the SDK's own `server/cookies`
// functions wherever the SDK's are typed (same arguments, same results). Compiled separately
// (tsconfig.dropin.json) so that a drift here does not hide the SessionData checks.

import type * as Ours from '../../index';
import type * as SdkCookies from '../../node_modules/@auth0/nextjs-auth0/dist/server/cookies.js';
import type * as Sdk from '@auth0/nextjs-auth0/types';

declare const ours: typeof Ours;

// encrypt: assignable as a whole function.
export const encryptDropIn: typeof SdkCookies.encrypt = ours.encrypt;

// decrypt, checked in parts so that each incompatibility is reported on its own line:
type SdkDecryptArgs = Parameters<typeof SdkCookies.decrypt<Sdk.SessionData>>;
type OurDecryptArgs = Parameters<typeof Ours.decrypt<Sdk.SessionData>>;
// 1. every argument list the SDK's decrypt accepts, ours accepts (options included);
export const decryptAcceptsSdkArguments: [SdkDecryptArgs] extends [OurDecryptArgs] ? true : false = true;
// 2. what ours resolves to satisfies the SDK's declared result (payload and protectedHeader).
export const decryptResultIsSdkResult: ReturnType<typeof SdkCookies.decrypt<Sdk.SessionData>> = ours.decrypt<Sdk.SessionData>('', '');

// The SDK's own call patterns compile against ours.
export async function callPatterns(value: string, secret: string) {
  const session = await ours.decrypt<Sdk.SessionData>(value, secret);
  const exp: number | undefined = session?.payload.exp;
  const user: Sdk.User | undefined = session?.payload.user;
  const cookie: string = await ours.encrypt({ ...session?.payload }, secret, 123, { iat: 1, uat: 2, exp: 3 });
  const strict = await ours.decrypt(value, secret, { currentDate: new Date() }, true);
  return { exp, user, cookie, strict };
}
