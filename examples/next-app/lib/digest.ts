import { createHash } from 'node:crypto'

// For the e2e only: proves two readers saw the same session without sending its tokens to the client.
// SHA-256 of the session's JSON with object keys sorted.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

export const digest = (session: unknown): string =>
  createHash('sha256').update(JSON.stringify(canonical(session))).digest('hex')

/** What a reader answers: the digest, or the code of the error it threw (e.g. session_domain_mismatch). */
export async function report(read: () => Promise<unknown>): Promise<Response> {
  try {
    const session = await read()
    return session
      ? Response.json({ digest: digest(session) })
      : Response.json({ digest: null }, { status: 401 })
  } catch (error) {
    return Response.json({ error: (error as { code?: string }).code ?? 'error' }, { status: 401 })
  }
}
