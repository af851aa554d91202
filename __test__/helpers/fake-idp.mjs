// A local stand-in for an Auth0 tenant, served to the real SDK through its own `customFetch` option (no network):
// OIDC discovery, a JWKS with a fresh RS256 key, a token endpoint that issues signed ID tokens for the codes the
// test registers, a revocation endpoint, and signed back-channel logout tokens. Plus `login()`, which drives the SDK's real /auth/login
// and /auth/callback routes to create a session the way a browser would.

import crypto from 'node:crypto';
import { NextRequest } from 'next/server.js';
import * as jose from 'jose';
import { randomB64u } from './fixtures.mjs';

export const APP_BASE_URL = 'http://localhost:3000';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export async function createFakeIdp({ domain = 'tenant.example.com', clientId = `client-${randomB64u(6)}` } = {}) {
  const issuer = `https://${domain}/`;
  const kid = randomB64u(8);
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256');
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map();

  /** The tenant's endpoints, as the SDK fetches them. */
  async function customFetch(input, init) {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== new URL(issuer).origin) return new Response('unknown host', { status: 404 });
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return Response.json({
          issuer,
          jwks_uri: `${issuer}.well-known/jwks.json`,
          authorization_endpoint: `${issuer}authorize`,
          token_endpoint: `${issuer}oauth/token`,
          end_session_endpoint: `${issuer}oidc/logout`,
          revocation_endpoint: `${issuer}oauth/revoke`,
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
        });
      case '/.well-known/jwks.json':
        return Response.json({ keys: [jwk] });
      case '/oauth/token': {
        const body = new URLSearchParams(await request.text());
        const grant = codes.get(body.get('code'));
        if (!grant || body.get('client_id') !== clientId) return Response.json({ error: 'invalid_grant' }, { status: 400 });
        codes.delete(body.get('code'));
        const idToken = await new jose.SignJWT({ nonce: grant.nonce, sid: grant.sid, ...grant.claims })
          .setProtectedHeader({ alg: 'RS256', kid })
          .setIssuer(issuer)
          .setAudience(clientId)
          .setSubject(grant.sub)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
        return Response.json({
          access_token: grant.accessToken,
          id_token: idToken,
          refresh_token: grant.refreshToken,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: 'openid profile email offline_access',
        });
      }
      case '/oauth/revoke': // the SDK revokes the refresh token when the user signs out
        return new Response(null, { status: 200 });
      default:
        return new Response('not found', { status: 404 });
    }
  }

  /** A back-channel logout token, signed by this tenant (or by `signingKey`, to test refusal). */
  async function logoutToken({ sub, sid, iss = issuer, signingKey = privateKey } = {}) {
    const token = new jose.SignJWT({ ...(sid && { sid }), events: { [BACKCHANNEL_EVENT]: {} } })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(iss)
      .setAudience(clientId)
      .setIssuedAt()
      .setJti(randomB64u(12));
    if (sub) token.setSubject(sub);
    return token.sign(signingKey);
  }

  /** The SDK's own options for this tenant. */
  const clientOptions = () => ({
    domain,
    clientId,
    clientSecret: randomB64u(24),
    appBaseUrl: APP_BASE_URL,
    customFetch,
  });

  /**
   * Logs a user in through the SDK's real routes: /auth/login (transaction cookie, redirect to /authorize),
   * then /auth/callback with a code this tenant redeems for signed tokens. Returns the `__session` cookie value
   * and what the tokens carried.
   */
  async function login(auth0, { sub, sid = randomB64u(16), claims = {} } = {}) {
    const start = await auth0.middleware(new NextRequest(`${APP_BASE_URL}/auth/login`));
    const authorize = new URL(start.headers.get('location'));
    const code = randomB64u(16);
    const grant = {
      nonce: authorize.searchParams.get('nonce'),
      sub,
      sid,
      claims,
      accessToken: `at-${randomB64u(48)}`,
      refreshToken: `rt-${randomB64u(32)}`,
    };
    codes.set(code, grant);
    const transaction = start.cookies.getAll().map((c) => `${c.name}=${c.value}`).join('; ');
    const state = encodeURIComponent(authorize.searchParams.get('state'));
    const callback = await auth0.middleware(
      new NextRequest(`${APP_BASE_URL}/auth/callback?code=${code}&state=${state}`, { headers: { cookie: transaction } }),
    );
    const session = callback.cookies.get('__session');
    if (!session) throw new Error(`login failed: callback answered ${callback.status} ${await callback.text()}`);
    return { cookie: session.value, grant };
  }

  return { domain, issuer, clientId, customFetch, clientOptions, logoutToken, login, otherKey: () => jose.generateKeyPair('RS256') };
}

/** A request to the app carrying `__session`. */
export const appRequest = (path, cookie, init = {}) =>
  new NextRequest(`${APP_BASE_URL}${path}`, {
    ...init,
    headers: { ...(init.headers || {}), ...(cookie ? { cookie: `__session=${cookie}` } : {}) },
  });

/** POSTs a logout token to the SDK's back-channel logout route. */
export const backchannelLogout = (auth0, token) =>
  auth0.middleware(
    new NextRequest(`${APP_BASE_URL}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }).toString(),
    }),
  );

export const randomSub = () => `auth0|${crypto.randomBytes(8).toString('hex')}`;
