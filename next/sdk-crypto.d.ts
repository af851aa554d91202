/** Why the SDK's cookie crypto runs where it does in this process. */
export type SdkCryptoReason =
  /** The SDK's cookies module was rewritten, the addon loaded, and no self-test has failed. */
  | 'native'
  /** No rewritten SDK module has loaded in this process (no withSessionSeal, or one of its guards refused). */
  | 'not-installed'
  /** The kill-switch `SESSION_SEAL_SDK_CRYPTO=off` is set. */
  | 'disabled'
  /** The native addon could not be loaded on this platform. */
  | 'addon-unavailable'
  /** A secret's self-test failed: calls with that secret run on the SDK's JavaScript. */
  | 'self-test-failed'
  /** The rewritten SDK module names a shape of the SDK this session-seal does not know (another version of it built the app). */
  | 'unknown-sdk'

export interface SdkCryptoCounts {
  encrypt: number
  decrypt: number
}

export interface SdkCryptoStatus {
  /** The SDK's cookie `encrypt`/`decrypt` run on session-seal (`reason === 'native'`). */
  active: boolean
  reason: SdkCryptoReason
  /** The version of the rewritten @auth0/nextjs-auth0, or `null` when none is installed. */
  sdkVersion: string | null
  /** How many secrets passed the self-test (run on first use of each secret). */
  selfTestsPassed: number
  /** SDK calls session-seal answered natively. */
  calls: SdkCryptoCounts
  /** SDK calls handed to the SDK's own JavaScript (self-test failed, or an input session-seal leaves to it). */
  fallbacks: SdkCryptoCounts
}

/** Whether withSessionSeal's native path serves the SDK's cookie crypto in this process, and how often it did. */
export declare function sdkCryptoStatus(): SdkCryptoStatus

/** The environment variable that switches withSessionSeal off, at build and at run time: `off`, `0` or `false`. */
export declare const KILL_SWITCH: 'SESSION_SEAL_SDK_CRYPTO'

/** Whether the kill-switch is set in `env` (default `process.env`). */
export declare function killSwitchOn(env?: Record<string, string | undefined>): boolean

/** The SDK's `encrypt`/`decrypt` pair (`dist/server/cookies.js`). */
export interface SdkCookieCrypto {
  encrypt(payload: Record<string, unknown>, secret: string, expiration: number | string | Date, additionalHeaders?: Record<string, unknown>): Promise<string>
  decrypt(cookieValue: string, secret: string, options?: Record<string, unknown>, throwOnJWEErrors?: boolean): Promise<unknown>
}

/**
 * Internal: called by the SDK module withSessionSeal rewrites, with the SDK's own functions; returns the pair
 * that module exports. Apps use `withSessionSeal` in next.config instead.
 */
export declare function installSdkCrypto(originals: SdkCookieCrypto, meta?: { sdkVersion?: string; variant?: string }): SdkCookieCrypto
