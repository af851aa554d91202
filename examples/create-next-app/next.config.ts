import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  /* config options here */
  cacheComponents: true,
  partialPrefetching: true,
  // The README's setup, which every other document takes as done (the README's own app replaces this file).
  serverExternalPackages: ["session-seal"],
};

export default nextConfig;
