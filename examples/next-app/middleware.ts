import { NextResponse, type NextRequest } from 'next/server'
import { readSession } from './lib/session'

// Native addons need the Node.js runtime; session-seal guards /protected with one synchronous read.
// (Next.js 16 calls this file convention deprecated in favour of proxy.ts, and still runs it.)
export const config = { runtime: 'nodejs', matcher: ['/protected/:path*'] }

export function middleware(request: NextRequest) {
  const session = readSession(request.cookies.getAll())
  if (!session) return NextResponse.json({ error: 'no valid session' }, { status: 401 })
  return NextResponse.next()
}
