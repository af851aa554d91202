import { getSession } from '../../../../lib/session'
import { report } from '../../../../lib/digest'

// For the e2e: a digest of the session getSession() reads (App Router, next/headers).
export async function GET() {
  return report(() => getSession())
}
