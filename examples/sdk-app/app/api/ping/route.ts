export const dynamic = 'force-dynamic'

// Reads no session itself: the proxy's rolling session (decrypt, then encrypt again) is all the work.
export async function GET() {
  return Response.json({ pong: true })
}
