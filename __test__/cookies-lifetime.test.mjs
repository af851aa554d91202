// How long a session cookie lives, as the SDK decides it: the IdP session ceiling
// (internal.sessionExpiresAt) that its getSession applies, and the rolling maxAge and exp its stateless and
// stateful stores write (shared fixtures: helpers/cookies.mjs).

import { describe, test, expect, beforeAll } from '@jest/globals';
import { loadAddon, sdkModule } from './helpers/fixtures.mjs';
import {
  cookieSuite,
  sdk,
  StatefulSessionStore,
  DAY,
  randomSecret,
  clone,
  freeze,
  makeSession,
  requestCookies,
  sdkEntries,
  sdkStatelessWrite,
} from './helpers/cookies.mjs';

const { SessionCookies, SessionCipher } = loadAddon();

cookieSuite();

// ---------------------------------------------------------------------------------------------------
// Rolling maxAge
// ---------------------------------------------------------------------------------------------------

describe("the IdP session ceiling (internal.sessionExpiresAt), as the SDK's getSession applies it", () => {
  let isSessionCeilingReached;
  beforeAll(async () => {
    ({ isSessionCeilingReached } = await sdkModule('utils/session-helpers.js'));
  });

  test.each([
    ['60 s past', -60],
    ['now', 0],
    ['20 s ahead (inside the 30 s leeway)', 20],
    ['30 s ahead (the leeway boundary)', 30],
    ['31 s ahead', 31],
    ['an hour ahead', 3600],
    ['absent', undefined],
    ['null', null],
    ['a numeric string 60 s past', 'string'],
  ])('%s: read gives null exactly when the SDK says the ceiling is reached', (_label, offset) => {
    const now = freeze();
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const session = makeSession();
    session.internal.createdAt = now;
    const ceiling = offset === 'string' ? String(now - 60) : offset == null ? offset : now + offset;
    if (offset !== undefined) session.internal.sessionExpiresAt = ceiling;
    const jar = Object.fromEntries(
      cookies.write(session, '', { now, validate: typeof offset === 'number' || offset === undefined }).map((c) => [c.name, c.value]),
    );
    const reached = isSessionCeilingReached(session.internal.sessionExpiresAt);
    expect(typeof reached).toBe('boolean');
    const read = cookies.read(jar, { now });
    if (reached) expect(read).toBeNull();
    else {
      expect(read).not.toBeNull();
      expect(read.user).toStrictEqual(session.user);
      expect(read.internal).toStrictEqual(JSON.parse(JSON.stringify(session.internal)));
    }
  });
});

describe('rolling maxAge at the boundaries', () => {
  const cases = [
    ['a new session', 0],
    ['idle and absolute limits tie', -2 * DAY],
    ['one second past the tie', -2 * DAY - 1],
    ['one second left', -3 * DAY + 1],
    ['exactly expired', -3 * DAY],
    ['long expired', -10 * DAY],
    ['created in the future', 3600],
  ];
  test.each(cases)('%s: the same maxAge and exp as the SDK stores', async (_label, offset) => {
    for (const config of [{}, { rolling: false }, { absoluteDuration: 1000, inactivityDuration: 300 }]) {
      const secret = randomSecret();
      const now = freeze();
      const session = makeSession({ createdAt: now + offset });
      const theirs = await sdkStatelessWrite(config, secret, session, '');
      const ours = new SessionCookies({ secret, ...config }).write(clone(session), '', { now });
      const maxAge = theirs.entries[0].options.maxAge;
      expect(ours[0].options.maxAge).toBe(maxAge);
      const rolling = config.rolling ?? true;
      const absolute = config.absoluteDuration ?? 3 * DAY;
      const idle = config.inactivityDuration ?? DAY;
      const formula = rolling ? Math.max(0, Math.min(now + idle, now + offset + absolute) - now) : absolute;
      expect(maxAge).toBe(formula);
      // exp = now + maxAge; read it back through the JWE header-less payload (tolerance does not matter here).
      const opened = new SessionCipher({ secret }).open(ours[0].value, { now });
      expect(opened.payload.exp).toBe(now + maxAge);

      // Stateful: the same rule for the { id } cookie.
      const store = { get: async () => ({}), set: async () => {}, delete: async () => {} };
      const res = new sdk.ResponseCookies(new Headers());
      await new StatefulSessionStore({ secret, store, ...config }).set(requestCookies(''), res, clone(session));
      const { id, cookies } = new SessionCookies({ secret, ...config }).writeSessionId(null, now + offset, '', { now });
      expect(cookies[0].options.maxAge).toBe(sdkEntries(res)[0].options.maxAge);
      expect(id).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});
