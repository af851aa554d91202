export const dynamic = 'force-dynamic'

// Reached only through the middleware, which refuses requests without a valid session.
export async function GET() {
  return Response.json({ protected: true })
}
