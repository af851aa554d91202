import { fileURLToPath } from 'node:url'
import { withSessionSeal } from 'session-seal/next/config'

const here = fileURLToPath(new URL('.', import.meta.url))

/** @type {import('next').NextConfig} */
const nextConfig = {
  // This app sits inside the session-seal repository: keep Next.js from taking the repository (and its
  // lockfile) for the workspace root.
  turbopack: { root: here },
  outputFileTracingRoot: here,
  // The e2e suite and `npm run bench:next` build the app several ways side by side (Turbopack, webpack,
  // standalone; with and without withSessionSeal), each into its own directory.
  distDir: process.env.SDK_APP_DIST_DIR || '.next',
  output: process.env.SDK_APP_STANDALONE === '1' ? 'standalone' : undefined,
  // The e2e suite type-checks the app in its first build and skips the identical check in the others.
  typescript: { ignoreBuildErrors: process.env.SDK_APP_SKIP_TYPECHECK === '1' },
}

// The one line this app adds to use session-seal: `export default withSessionSeal(nextConfig)`.
// SDK_APP_WITHOUT_SESSION_SEAL=1 builds the same app without it, for the side-by-side comparisons.
export default process.env.SDK_APP_WITHOUT_SESSION_SEAL === '1' ? nextConfig : withSessionSeal(nextConfig)
