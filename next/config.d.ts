import type { NextConfig } from 'next'

export interface WithSessionSealOptions {
  /** `false` leaves the SDK on its own cookie crypto (as `SESSION_SEAL_SDK_CRYPTO=off` does). Default `true`. */
  enabled?: boolean
  /** Where the app's `node_modules` are resolved from to find @auth0/nextjs-auth0. Default `process.cwd()`. */
  dir?: string
}

type NextConfigFunction = (phase: string, context: { defaultConfig: NextConfig }) => NextConfig | Promise<NextConfig>

/**
 * Puts @auth0/nextjs-auth0's cookie `encrypt`/`decrypt` on session-seal's native drop-ins: loader rules for
 * Turbopack and webpack (Node.js runtime) merged into the config, `session-seal` added to
 * `serverExternalPackages`, the SDK to `transpilePackages`. Only for the SDK releases session-seal verified
 * (next/sdk-versions.json); any other is left alone, with a warning.
 */
export declare function withSessionSeal(nextConfig: NextConfigFunction, options?: WithSessionSealOptions): NextConfigFunction
export declare function withSessionSeal(nextConfig?: NextConfig, options?: WithSessionSealOptions): NextConfig
