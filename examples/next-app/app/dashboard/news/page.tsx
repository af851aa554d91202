import { cacheLife } from 'next/cache'

// A page regenerated in the background (ISR): prerendered at build time, then at most once a minute, behind
// the rolling proxy.ts. As on app/dashboard/about, the response that brings the user's cookie is marked
// `Cache-Control: private, no-store` by updateSession, where Next.js would send the page's own s-maxage.
export default async function News() {
  'use cache'
  cacheLife('minutes')
  return (
    <main>
      <h1>News</h1>
      <p id="news">Rendered at {new Date().toISOString()}.</p>
    </main>
  )
}
