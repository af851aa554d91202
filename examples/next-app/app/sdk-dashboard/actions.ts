'use server'

import { auth0 } from '../../lib/auth0'

// For the e2e: the dashboard's server action through the SDK's own getSession/updateSession.
export async function sdkRename(form: FormData) {
  const session = await auth0.getSession()
  if (!session) throw new Error('Not signed in')
  await auth0.updateSession({ ...session, user: { ...session.user, name: String(form.get('name') ?? '') } })
}
