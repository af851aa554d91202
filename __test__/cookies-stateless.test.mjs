// SessionCookies as the SDK's stateless session store: write, read and clear equal the store's set, get and
// delete for every store configuration, session size and prior jar; connection token sets (__FC_i); legacy
// v3 appSession cookies (shared fixtures: helpers/cookies.mjs).

import { describe, test, expect } from '@jest/globals';
import { randomInt } from 'node:crypto';
import { loadAddon, shuffle } from './helpers/fixtures.mjs';
import {
  cookieSuite,
  sdk,
  StatelessSessionStore,
  warnings,
  DAY,
  realNow,
  randomSecret,
  randomText,
  clone,
  freeze,
  makeSession,
  SIZES,
  PRIOR_JARS,
  STORE_CONFIGS,
  requestCookies,
  sdkEntries,
  browserApply,
  expectSameWrite,
  unheldSweeps,
  withoutUnheldSweeps,
  sdkStatelessWrite,
  nameOf,
} from './helpers/cookies.mjs';

const { SessionCookies, serializeSetCookie } = loadAddon();

cookieSuite();

// ---------------------------------------------------------------------------------------------------
// The stateless store: write, read, clear
// ---------------------------------------------------------------------------------------------------

describe.each(STORE_CONFIGS)('SessionCookies with %s', (_c, config) => {
  const cookieName = nameOf(config);
  const prefixed = (header) => header.replaceAll('__session', cookieName);

  describe.each(SIZES)('%s session', (_s, make) => {
    test.each(PRIOR_JARS)('write into a jar with %s equals the SDK store set', async (_j, rawPrior) => {
      const prior = prefixed(rawPrior);
      const secret = randomSecret();
      const cookies = new SessionCookies({ secret, ...config });
      const session = make();
      freeze();
      const theirs = await sdkStatelessWrite(config, secret, session, prior);
      const ours = cookies.writeWithBudget(clone(session), prior, { now: Date.now() / 1000 });

      // The SDK also deletes chunk names above __4 the request does not hold (helpers/cookies.mjs).
      await expectSameWrite(ours.cookies, withoutUnheldSweeps(theirs.entries, prior, cookieName), secret, cookieName);
      const held = (header) => requestCookies(header).getAll().map((c) => c.name);
      expect(held(browserApply(prior, ours.cookies))).toStrictEqual(held(browserApply(prior, theirs.entries)));
      expect(cookies.write(clone(session), prior, { now: Date.now() / 1000 }).map((c) => c.name)).toStrictEqual(
        ours.cookies.map((c) => c.name),
      );
      // The size budget: what setChunkedCookie returned, and the SDK's 4096-byte threshold.
      const setBytes = ours.cookies
        .filter((c) => (c.name === cookieName || c.name.startsWith(`${cookieName}__`)) && c.value)
        .reduce((sum, c) => sum + Buffer.byteLength(`${c.name}=${c.value}`), 0);
      expect(ours.bytes).toBe(setBytes);
      expect(ours.overBudget).toBe(setBytes >= 4096);
      // The request's cookies after the write: the same names in the same order, untouched values kept.
      const after = requestCookies(ours.requestCookieHeader).getAll();
      expect(after.map((c) => c.name)).toStrictEqual(theirs.req.getAll().map((c) => c.name));
      const priorValues = new Map(requestCookies(prior).getAll().map((c) => [c.name, c.value]));
      for (const c of after) if (priorValues.has(c.name) && c.value === priorValues.get(c.name)) {
        expect(theirs.req.get(c.name).value).toBe(c.value);
      }
    });

    test('the SDK store reads what we wrote, and we read what the SDK wrote', async () => {
      const secret = randomSecret();
      const cookies = new SessionCookies({ secret, ...config });
      const session = make();
      const prior = prefixed('__session__0=a; __session__1=b; appSession=old');

      const ours = cookies.write(clone(session), prior);
      const browserAfterOurs = browserApply(prior, ours);
      const sdkRead = await new StatelessSessionStore({ secret, ...config }).get(requestCookies(browserAfterOurs));
      const { exp } = sdkRead;
      expect(exp).toBeGreaterThanOrEqual(realNow());
      expect(sdkRead).toStrictEqual({ ...session, exp });
      expect(cookies.read(browserAfterOurs)).toStrictEqual(sdkRead);
      const joined = sdk.getChunkedCookie(cookieName, requestCookies(browserAfterOurs));
      expect((await sdk.decrypt(joined, secret)).payload).toStrictEqual({ ...session, exp });

      const theirs = await sdkStatelessWrite(config, secret, session, prior);
      const browserAfterTheirs = browserApply(prior, theirs.entries);
      const expected = await theirs.store.get(requestCookies(browserAfterTheirs));
      expect(expected).not.toBeNull();
      expect(cookies.read(browserAfterTheirs)).toStrictEqual(expected);
      // Every form of CookieInput reads the same.
      const req = requestCookies(browserAfterTheirs);
      expect(cookies.read(req)).toStrictEqual(expected);
      expect(cookies.read(req.getAll())).toStrictEqual(expected);
      expect(cookies.read(Object.fromEntries(req.getAll().map((c) => [c.name, c.value])))).toStrictEqual(expected);
    });
  });

  test('clear equals the SDK store delete, line for line', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret, ...config });
    for (const [, rawPrior] of PRIOR_JARS) {
      const prior = prefixed(rawPrior);
      freeze();
      const res = new sdk.ResponseCookies(new Headers());
      await new StatelessSessionStore({ secret, ...config }).delete(requestCookies(prior), res);
      const ours = cookies.clear(prior);
      const unheld = unheldSweeps(sdkEntries(res), prior, cookieName);
      const theirs = res.getAll().filter((c) => !unheld.has(c.name));
      expect(ours).toStrictEqual(sdkEntries(res).filter((c) => !unheld.has(c.name)));
      expect(browserApply(prior, ours)).toBe(browserApply(prior, sdkEntries(res)));
      expect(ours.map((c) => serializeSetCookie(c))).toStrictEqual(theirs.map((c) => new sdk.ResponseCookies(new Headers()).set(c).toString()));
    }
  });
});

describe('connection token sets (__FC_i)', () => {
  test.each([
    [0, '__FC_0=a; __FC_1=b'],
    [1, '__FC_0=a; __FC_1=b; __FC_2=c'],
    [3, '__FC_1=b'],
    [2, '__FC_01=x; __FC_5=y; __FCcustom=z; __FC_=w'],
  ])('%d sets written over %s: same cookies and stale deletions as the SDK', async (count, prior) => {
    const secret = randomSecret();
    const session = makeSession({ connections: count });
    freeze();
    const theirs = await sdkStatelessWrite({}, secret, session, prior);
    const ours = new SessionCookies({ secret }).write(clone(session), prior, { now: Date.now() / 1000 });
    await expectSameWrite(ours, theirs.entries, secret, '__session');
  });

  test('read adds the sets that open, in jar order, and skips the rest, as the SDK does', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const session = makeSession({ connections: 2 });
    const written = cookies.write(clone(session), '');
    const value = (name) => written.find((c) => c.name === name).value;
    const now = realNow();
    const extras = {
      __FC_7: 'junk',
      __FC_3: await sdk.encrypt({ accessToken: 'expired', expiresAt: 1, connection: 'x' }, secret, now - 60),
      __FC_4: await sdk.encrypt({ accessToken: 'foreign', expiresAt: 1, connection: 'x' }, randomSecret(), now + 60),
      __FC_x: await sdk.encrypt({ accessToken: 'not-numeric', expiresAt: 1, connection: 'x' }, secret, now + 60),
      __FCcustom: await sdk.encrypt({ accessToken: 'custom', expiresAt: 1, connection: 'x' }, secret, now + 60),
      __FC_9: await sdk.encrypt({ accessToken: 'extra', expiresAt: 1, connection: 'z' }, secret, now + 60),
    };
    const jar = { __FC_9: extras.__FC_9, __session: value('__session'), __FC_1: value('__FC_1'), ...extras, __FC_0: value('__FC_0') };
    delete jar.__FC_9;
    const entries = [['__FC_9', extras.__FC_9], ...Object.entries(jar)];
    const header = entries.map(([n, v]) => `${n}=${v}`).join('; ');
    const expected = await new StatelessSessionStore({ secret }).get(requestCookies(header));
    expect(expected.connectionTokenSets.map((s) => s.accessToken)).toStrictEqual([
      'extra',
      session.connectionTokenSets[1].accessToken,
      session.connectionTokenSets[0].accessToken,
    ]);
    expect(cookies.read(header)).toStrictEqual(expected);

    // No set opens: the member is omitted, not empty.
    const none = `__session=${value('__session')}; __FC_0=junk`;
    expect(cookies.read(none)).toStrictEqual(await new StatelessSessionStore({ secret }).get(requestCookies(none)));
    expect(cookies.read(none)).not.toHaveProperty('connectionTokenSets');
  });

  test('a session read back (exp members included) is written again as the SDK writes it', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const first = cookies.write(makeSession({ connections: 2, createdAt: realNow() - 7200 }), '');
    const header = browserApply('', first);
    const read = cookies.read(header);
    expect(read.exp).toStrictEqual(expect.any(Number));
    expect(read.connectionTokenSets[0].exp).toStrictEqual(expect.any(Number));
    freeze(realNow() + 5);
    const theirs = await sdkStatelessWrite({}, secret, read, header);
    const ours = cookies.write(clone(read), header, { now: Date.now() / 1000 });
    await expectSameWrite(ours, theirs.entries, secret, '__session');
  });

  test('an oversized connection cookie is reported as the SDK warns about it', async () => {
    const secret = randomSecret();
    const session = makeSession({ connections: 2 });
    session.connectionTokenSets[1].accessToken = randomText(3200);
    await sdkStatelessWrite({}, secret, session, '');
    const warned = warnings.filter((w) => w.includes('__FC_')).map((w) => /The (__FC_\d+) cookie/.exec(w)[1]);
    expect(warned).toStrictEqual(['__FC_1']);
    expect(new SessionCookies({ secret }).writeWithBudget(session, '').oversizedCookies).toStrictEqual(warned);
  });
});

describe('legacy v3 appSession cookies', () => {
  async function v3Cookie(secret, createdAt = realNow() - 3600) {
    const payload = {
      user: { sub: `auth0|${randomText(12)}`, sid: randomText(16), name: randomText(8) },
      idToken: randomText(400),
      accessToken: randomText(600),
      accessTokenScope: 'openid profile',
      accessTokenExpiresAt: realNow() + 600,
      refreshToken: randomText(40),
      blob: randomText(randomInt(6000, 9000)),
    };
    const exp = realNow() + DAY;
    return sdk.encrypt(payload, secret, exp, { iat: createdAt, uat: createdAt, exp });
  }

  const chunk = (value, size) => Array.from({ length: Math.ceil(value.length / size) }, (_, i) => value.slice(i * size, (i + 1) * size));

  test('chunks in any order are joined and converted as the SDK does', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const value = await v3Cookie(secret);
    const pieces = chunk(value, randomInt(2000, 4000)).map((v, i) => `appSession.${i}=${v}`);
    expect(pieces.length).toBeGreaterThan(2);
    const header = shuffle([...pieces, 'theme=dark']).join('; ');
    const expected = await new StatelessSessionStore({ secret }).get(requestCookies(header));
    expect(expected.tokenSet.scope).toBe('openid profile');
    expect(cookies.read(header)).toStrictEqual(expected);
  });

  test('a gap in the v3 chunks is no session; a gap in the v4 chunks falls back to v3, as in the SDK', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const pieces = chunk(await v3Cookie(secret), 3000).map((v, i) => `appSession.${i}=${v}`);
    const gap = pieces.filter((_, i) => i !== 1).join('; ');
    expect(await new StatelessSessionStore({ secret }).get(requestCookies(gap))).toBeNull();
    expect(cookies.read(gap)).toBeNull();

    const v4 = cookies.write(makeSession({ extra: 6000 }), '').filter((c) => c.value);
    const v4Gap = v4.filter((c) => c.name !== '__session__1').map((c) => `${c.name}=${c.value}`);
    const header = [...v4Gap, ...pieces].join('; ');
    const expected = await new StatelessSessionStore({ secret }).get(requestCookies(header));
    expect(expected.internal).toStrictEqual(expect.objectContaining({ createdAt: expect.any(Number) }));
    expect(expected.tokenSet.scope).toBe('openid profile'); // the v3 session
    expect(cookies.read(header)).toStrictEqual(expected);
  });

  test('writing a v4 session deletes the v3 cookie and its chunks, as the SDK does', async () => {
    const secret = randomSecret();
    const pieces = chunk(await v3Cookie(secret), 3000).map((v, i) => `appSession.${i}=${v}`);
    const prior = shuffle(pieces).join('; ');
    const session = makeSession();
    freeze();
    const theirs = await sdkStatelessWrite({}, secret, session, prior);
    const ours = new SessionCookies({ secret }).write(clone(session), prior, { now: Date.now() / 1000 });
    await expectSameWrite(ours, theirs.entries, secret, '__session');
    expect(ours.filter((c) => c.name.startsWith('appSession')).length).toBe(pieces.length + 1);
  });
});
