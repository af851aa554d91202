import { NextResponse, type NextRequest } from 'next/server'
import { getSession, updateSession } from './lib/session'
import { auth0 } from './lib/auth0'

// Guards /dashboard and /protected and rolls the session on every request to them, as the SDK's middleware
// does: the session gets a fresh expiry (up to its absolute duration) and the browser the new cookies. The
// page and the server action behind it read the same request's session (app/dashboard). updateSession marks
// the response `Cache-Control: private, no-store`: a page prerendered for everyone (app/dashboard/about)
// comes with this user's cookie, which no shared cache may keep.
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl
  if (pathname.startsWith('/sdk-middleware')) return auth0.middleware(request)
  if (pathname.startsWith('/sdk-')) return sdkProxy(request)
  if (pathname.startsWith('/e2e/') || pathname.startsWith('/api/e2e/proxied')) return markingProxy(request)
  const session = await getSession(request)
  if (!session) {
    return pathname.startsWith('/dashboard')
      ? NextResponse.redirect(new URL('/auth/login', request.url))
      : NextResponse.json({ error: 'no valid session' }, { status: 401 })
  }
  const response = NextResponse.next()
  await updateSession(request, response, session)
  return response
}

// For the e2e: the same through the SDK's own getSession/updateSession, to compare the Set-Cookie lists
// (/sdk-protected) and to show the SDK reading the rolled request in a page and an action (/sdk-dashboard).
async function sdkProxy(request: NextRequest) {
  const session = await auth0.getSession(request)
  if (!session) return NextResponse.json({ error: 'no valid session' }, { status: 401 })
  const response = request.nextUrl.pathname.startsWith('/sdk-protected') ? NextResponse.json({ protected: true }) : NextResponse.next()
  await auth0.updateSession(request, response, session)
  return response
}

// For the e2e: an update the rest of the request must see. It writes the request's x-e2e-mark into the
// session; the server components, server action, route handler and Pages Router API route behind it report
// what they read (app/e2e/proxied, app/api/e2e/proxied, pages/api/e2e/proxied).
async function markingProxy(request: NextRequest) {
  const session = await getSession(request)
  if (!session) return NextResponse.json({ error: 'no valid session' }, { status: 401 })
  const response = NextResponse.next()
  await updateSession(request, response, { ...session, user: { ...session.user, proxied: request.headers.get('x-e2e-mark') } })
  if (request.headers.has('x-e2e-native')) {
    // For the e2e's record of what Next.js passes on by itself: the request headers updateSession forwards,
    // taken off again (the Set-Cookie lines stay).
    const forwarding = [...response.headers.keys()].filter((name) => name.startsWith('x-middleware-request-') || name === 'x-middleware-override-headers')
    for (const name of forwarding) response.headers.delete(name)
  }
  return response
}

export const config = {
  matcher: ['/dashboard/:path*', '/protected/:path*', '/sdk-protected/:path*', '/sdk-dashboard/:path*', '/sdk-middleware/:path*', '/e2e/:path*', '/api/e2e/proxied/:path*'],
}
