// A page with nothing of the request in it: prerendered whole at build time, yet behind the rolling proxy.ts,
// whose response sets the session cookie. Such a response must never be stored by a shared cache: proxy.ts's
// updateSession marks it `Cache-Control: private, no-store`.
export default function About() {
  return (
    <main>
      <h1>About the dashboard</h1>
      <p id="about">The same page for everyone; the cookies that come with it are yours alone.</p>
    </main>
  )
}
