// A local OpenID Connect provider for the sdk-app e2e suite and `npm run bench:next`: panva's oidc-provider
// with one confidential client and one user who is signed in as soon as the login interaction starts (no
// forms). Run as a child process:
//
//   OIDC_CLIENT='{"client_id":…,"client_secret":…,"redirect_uris":[…],"post_logout_redirect_uris":[…]}' \
//     node scripts/lib/oidc-provider.mjs
//
// Listens on 127.0.0.1 (a free port from the kernel) and prints one JSON line, `{"issuer":"http://localhost:PORT/"}`,
// when ready; the SDK refuses IP addresses as a domain, and localhost is 127.0.0.1 here. Stops on SIGTERM.

import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const client = JSON.parse(process.env.OIDC_CLIENT ?? 'null');
if (!client?.client_id) {
  console.error('OIDC_CLIENT (JSON) is required');
  process.exit(2);
}

/** The one user; `sub` is stable so that sessions from two apps can be compared. */
const ACCOUNT = 'user-1';
const claims = () => ({
  sub: ACCOUNT,
  name: 'Ada Lovelace',
  nickname: 'ada',
  picture: 'https://example.invalid/ada.png',
  email: 'ada@example.invalid',
  email_verified: true,
});

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const issuer = `http://localhost:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/`;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(issuer, {
  clients: [
    {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post', // the SDK's (oauth4webapi ClientSecretPost)
      ...client,
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'e2e', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  findAccount: (_ctx, id) => ({ accountId: id, claims }),
  claims: { openid: ['sub'], profile: ['name', 'nickname', 'picture'], email: ['email', 'email_verified'] },
  // The SDK builds session.user from the ID token: put the profile and email claims in it.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // Consent is implied: every scope the client asks for is granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});

// The login interaction: sign the user in at once and resume the authorization request.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match || ctx.method !== 'GET') return next();
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: ACCOUNT } }, { mergeWithLastSubmission: false });
  ctx.respond = false;
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
