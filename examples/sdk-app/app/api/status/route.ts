import type { SdkCryptoStatus } from 'session-seal/next'

export const dynamic = 'force-dynamic'

// Whether the SDK's cookie crypto runs on session-seal in this server process, and how often it ran there.
//
// An app would simply `import { sdkCryptoStatus } from 'session-seal/next'`. This one loads it the way the
// rewritten SDK does, at run time and out of the bundler's sight, so that nothing but withSessionSeal puts
// session-seal into the build's output (the e2e suite's standalone build proves withSessionSeal does).
export async function GET() {
  try {
    const { sdkCryptoStatus } = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'session-seal/next')) as {
      sdkCryptoStatus: () => SdkCryptoStatus
    }
    return Response.json(sdkCryptoStatus())
  } catch (error) {
    return Response.json({ active: false, reason: 'session-seal-not-found', message: (error as Error).message })
  }
}
