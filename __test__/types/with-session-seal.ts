// withSessionSeal and sdkCryptoStatus as an app's TypeScript sees them, through the package's exports map.
import type { NextConfig } from 'next'
import { withSessionSeal } from 'session-seal/next/config'
import { sdkCryptoStatus, type SdkCryptoStatus, type SdkCryptoReason } from 'session-seal/next'

// next.config.ts, as the README shows it.
const nextConfig: NextConfig = {
  reactStrictMode: true,
}
export default withSessionSeal(nextConfig)

// A config object, options, and a config function of (phase, context).
export const wrapped: NextConfig = withSessionSeal({ serverExternalPackages: ['sharp'] }, { enabled: true, dir: '/app' })
export const fromFunction = withSessionSeal(async (phase: string) => ({ env: { PHASE: phase } }))
export const called: NextConfig | Promise<NextConfig> = fromFunction('phase-production-build', { defaultConfig: {} })

// The status an app (or a health check) reads.
const status: SdkCryptoStatus = sdkCryptoStatus()
export const active: boolean = status.active
export const reason: SdkCryptoReason = status.reason
export const served: number = status.calls.encrypt + status.calls.decrypt + status.fallbacks.decrypt
export const version: string | null = status.sdkVersion

// @ts-expect-error enabled is a boolean
withSessionSeal({}, { enabled: 'yes' })
// @ts-expect-error not a reason sdkCryptoStatus gives
export const wrong: SdkCryptoReason = 'maybe'
