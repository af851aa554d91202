// For the e2e: /dashboard/about (a page prerendered whole) behind the SDK's own updateSession in proxy.ts, to
// record the Cache-Control its response carries.
export default function SdkAbout() {
  return (
    <main>
      <p id="about">The same page for everyone.</p>
    </main>
  )
}
