import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/** @type {import('next').NextConfig} */
const nextConfig = {
  // session-seal is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ['session-seal'],
  // This app sits inside the session-seal repository: keep Next.js from taking the repository (and its
  // lockfile) for the workspace root.
  turbopack: { root: here },
  outputFileTracingRoot: here,
}

export default nextConfig
