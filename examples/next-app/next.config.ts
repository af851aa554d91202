import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // session-seal is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ['session-seal'],
  // The create-next-app default on Next.js 16: prerender what can be, stream what reads the request.
  cacheComponents: true,
  partialPrefetching: true,
  // `NEXT_OUTPUT=standalone next build` makes the self-contained server a Docker image runs
  // (`node .next/standalone/server.js`); the e2e builds it that way and serves it both ways.
  ...(process.env.NEXT_OUTPUT === 'standalone' ? { output: 'standalone' as const } : {}),
  // This app sits inside the session-seal repository: keep Next.js from taking the repository (and its
  // lockfile) for the workspace root.
  turbopack: { root: __dirname },
  outputFileTracingRoot: __dirname,
}

export default nextConfig
