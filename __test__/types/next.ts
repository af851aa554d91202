// Type-level test of `session-seal/next` against Next.js's and Node's own types: every call shape of the
// SDK's getSession/updateSession compiles with the objects Next.js hands an app, the results are the SDK's
// types, and what is not a request or a response does not compile (each @ts-expect-error must be needed).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextApiRequest, NextApiResponse } from 'next';
import { cookies } from 'next/headers';
import { NextRequest, NextResponse } from 'next/server';
import type * as Sdk from '@auth0/nextjs-auth0/types';
import { createSessions, type CreateSessionsOptions, type SessionsErrorCode } from '../../next/index.js';
import { SessionCookies, type CookieInput } from '../../index.js';
import type { RedisSessionStore } from '../../redis/index.js';

const { getSession, updateSession, deleteSession } = createSessions();

// Options spell the SDK's Auth0ClientOptions: an SDK options object's session settings fit.
declare const sdkOptions: { secret?: string; domain?: string; appBaseUrl?: string | string[]; session?: { rolling?: boolean; absoluteDuration?: number; inactivityDuration?: number; cookie?: { name?: string; secure?: boolean; sameSite?: 'lax' | 'strict' | 'none'; path?: string; domain?: string; transient?: boolean } } };
export const fromSdkOptions: CreateSessionsOptions = sdkOptions;

export async function appRouter() {
  const session = await getSession();
  const sdkShaped: Sdk.SessionData | null = session; // the SDK's own SessionData
  if (session) await updateSession({ ...session, user: { ...session.user, name: 'x' } });
  await deleteSession();
  return sdkShaped;
}

export async function proxy(request: NextRequest) {
  const session = await getSession(request);
  const response = NextResponse.next();
  if (session) await updateSession(request, response, session);
  await deleteSession(request, response);
  return response;
}

export async function routeHandler(request: Request) {
  const session = await getSession(request);
  const response = new Response(null);
  if (session) await updateSession(request, response, session);
  return response;
}

export async function pagesRouter(req: NextApiRequest, res: NextApiResponse) {
  const session = await getSession(req);
  if (session) await updateSession(req, res, session);
  await deleteSession(req, res);
}

export async function plainNode(req: IncomingMessage, res: ServerResponse) {
  const session = await getSession(req);
  if (session) await updateSession(req, res, session);
}

export async function mistakes(req: NextApiRequest, session: Sdk.SessionData) {
  // @ts-expect-error a forgotten await: a promise of the cookie jar is no request
  await getSession(cookies());
  // @ts-expect-error the cookie jar itself is no request either
  await getSession(await cookies());
  // @ts-expect-error a request without a response to write to
  await updateSession(req, session);
  // @ts-expect-error a response that is none of NextResponse, Response, the Pages Router's res
  await updateSession(req, {}, session);
  // @ts-expect-error a promise of a session
  await updateSession(getSession());
}

// The cookie layer's CookieInput under strict TypeScript: the Pages Router's req.cookies (F7) and the jars
// Next.js hands out are taken; a promise of a jar and a request are not.
export async function cookieInputs(req: NextApiRequest, request: NextRequest, sessions: SessionCookies) {
  const pages: CookieInput = req.cookies;
  sessions.read(req.cookies);
  sessions.read(request.cookies);
  sessions.read(await cookies());
  sessions.read(req.headers.cookie);
  // @ts-expect-error a forgotten await
  sessions.read(cookies());
  // @ts-expect-error the request, not its cookies
  sessions.read(request);
  return pages;
}

export const codes: SessionsErrorCode[] = ['ERR_NOT_AUTHENTICATED', 'session_domain_mismatch', 'ERR_SECRET_INVALID'];

// Stateful sessions: the SDK's own SessionDataStore, and session-seal/redis's store, are what sessionStore takes.
declare const sdkStore: Sdk.SessionDataStore;
export const withSdkStore = createSessions({ sessionStore: sdkStore });
export const withRedisStore = (store: RedisSessionStore) => createSessions({ sessionStore: store, session: { rolling: true } });
// @ts-expect-error a store without delete() is no SessionDataStore
export const incomplete = createSessions({ sessionStore: { get: async () => null, set: async () => {} } });
