// For the e2e: a page prerendered whole behind the SDK's own auth0.middleware(), which rolls the session on
// every request, to record the Cache-Control its response carries.
export default function SdkMiddleware() {
  return (
    <main>
      <p id="about">The same page for everyone.</p>
    </main>
  )
}
