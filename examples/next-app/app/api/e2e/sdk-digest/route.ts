import { auth0 } from '../../../../lib/auth0'
import { report } from '../../../../lib/digest'

// For the e2e: a digest of the session the SDK's own auth0.getSession() reads.
export async function GET() {
  return report(() => auth0.getSession())
}
