import { NextResponse, type NextRequest } from 'next/server'
import { getSession, updateSession } from './lib/session'
import { auth0 } from './lib/auth0'

// Guards /dashboard and /protected and rolls the session on every request to them, as the SDK's middleware
// does: the session gets a fresh expiry (up to its absolute duration) and the browser the new cookies. The
// page and the server action behind it read the same request's session (app/dashboard).
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl
  if (pathname.startsWith('/sdk-')) return sdkProxy(request)
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

export const config = { matcher: ['/dashboard/:path*', '/protected/:path*', '/sdk-protected/:path*', '/sdk-dashboard/:path*'] }
