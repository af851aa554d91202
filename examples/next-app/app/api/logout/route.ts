import { deleteSession } from '../../../lib/session'

// Signs out locally: deletes the session cookie, its chunks, v3 cookies and connection-token cookies.
export async function POST() {
  await deleteSession()
  return new Response(null, { status: 204 })
}
