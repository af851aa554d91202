import { cookies } from 'next/headers'
import { SessionCipher, SessionCookies, type SessionData } from 'session-seal'
import { getSession } from '../../../../lib/session'

// For the e2e: the mistakes TypeScript catches but JavaScript (or a cast) lets through get a clear, coded
// error in a running app instead of a silent `null`. `?case=` picks one.
const mistakes: Record<string, (request: Request) => unknown> = {
  // `cookies()` without `await` (Next.js 15+ made it async).
  'read-promise': () => new SessionCookies({ secret: secret() }).read(cookies() as never),
  // The request where its cookie jar belongs.
  'read-request': (request) => new SessionCookies({ secret: secret() }).read(request as never),
  // Milliseconds where seconds since the epoch belong.
  'seal-millis': () => new SessionCipher({ secret: secret() }).seal(session(), Date.now() + 3_600_000),
  // getSession() takes a request, not a (forgotten) promise of a cookie jar.
  'get-session-promise': () => getSession(cookies() as never),
}

const secret = () => process.env.AUTH0_SECRET ?? ''
const session = (): SessionData => ({
  user: { sub: 'auth0|misuse' },
  tokenSet: { accessToken: 'at', expiresAt: Math.floor(Date.now() / 1000) + 60 },
  internal: { sid: 'sid', createdAt: Math.floor(Date.now() / 1000) },
})

export async function GET(request: Request) {
  const which = new URL(request.url).searchParams.get('case') ?? ''
  const mistake = mistakes[which]
  if (!mistake) return Response.json({ error: `unknown case ${which}` }, { status: 404 })
  try {
    const result = await mistake(request)
    return Response.json({ threw: false, result: result === null ? null : typeof result })
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string }
    return Response.json({ threw: true, code, message })
  }
}
