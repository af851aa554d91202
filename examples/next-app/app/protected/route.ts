// Reached only through proxy.ts, which refuses requests without a valid session.
export async function GET() {
  return Response.json({ protected: true })
}
