// Stateful session ids (readSessionId, writeSessionId, clearSessionId, v3 signed cookies) against the SDK's
// stateful session store, and the test-cookie helpers (generateSessionCookie,
// generateStatefulSessionCookie) against the SDK's own (shared fixtures: helpers/cookies.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { B64U_ALPHABET, loadAddon } from './helpers/fixtures.mjs';
import {
  cookieSuite,
  sdk,
  StatelessSessionStore,
  StatefulSessionStore,
  sdkGenerateSessionCookie,
  realNow,
  randomSecret,
  clone,
  freeze,
  makeSession,
  STORE_CONFIGS,
  requestCookies,
  sdkEntries,
  nameOf,
} from './helpers/cookies.mjs';

const { SessionCookies, generateSessionCookie, generateStatefulSessionCookie } = loadAddon();

cookieSuite();

// ---------------------------------------------------------------------------------------------------
// Stateful sessions
// ---------------------------------------------------------------------------------------------------

describe('stateful session ids', () => {
  /** The id the SDK's stateful store looks up for a request (or null when it does not get that far). */
  async function sdkSessionId(secret, header, config = {}) {
    let asked = null;
    const store = { get: async (id) => ((asked = id), {}), set: async () => {}, delete: async () => {} };
    await new StatefulSessionStore({ secret, store, ...config }).get(requestCookies(header));
    return asked;
  }

  test('readSessionId finds the id the SDK finds, v3 signed cookies included', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const id = randomBytes(16).toString('hex');
    const now = realNow();
    const ours = cookies.writeSessionId(id, now, '').cookies[0].value;
    const sdkCookie = await sdk.encrypt({ id }, secret, now + 60);
    const cases = [
      `__session=${ours}`,
      `__session=${sdkCookie}`,
      `appSession=${ours}`,
      `appSession=${await sdk.sign('appSession', id, secret)}`,
      `__session=${await sdk.sign('__session', id, secret)}`,
      `__session=${await sdk.sign('appSession', id, secret)}`, // signed for another name
      `appSession=${await sdk.sign('appSession', id, randomSecret())}`,
      `__session=; appSession=${await sdk.sign('appSession', id, secret)}`,
      `__session=junk; appSession=${ours}`,
      `__session=${await sdk.encrypt({ id }, secret, now - 60)}`, // expired
      `__session=${await sdk.encrypt({ id: '' }, secret, now + 60)}`,
      `__session=${await sdk.encrypt({ id }, randomSecret(), now + 60)}`,
      `appSession=${id}`,
      '',
    ];
    for (const header of cases) {
      expect([header, cookies.readSessionId(header)]).toStrictEqual([header, await sdkSessionId(secret, header)]);
    }
    expect(cookies.readSessionId(`__session=${ours}`)).toBe(id);
    expect(cookies.readSessionId(`appSession=${await sdk.sign('appSession', id, secret)}`)).toBe(id);
  });

  // The SDK's verifySigned decodes the signature with jose's forgiving base64url (Node's atob): `=` padding,
  // whitespace and non-zero stray bits in the last character still verify, so a strict reader would log out
  // users whose cookies the SDK reads. The MAC must
  // still be the exact 32 bytes, so these spell the same signature; session-seal accepts what the SDK does.
  test('v3 signed cookies: every spelling of the signature the SDK accepts, and only those', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const id = randomBytes(16).toString('hex');
    const signed = await sdk.sign('appSession', id, secret);
    const [value, signature] = signed.split('.');
    const alphabet = B64U_ALPHABET;
    const last = signature.at(-1);
    // 43 characters hold 258 bits: the last character's low 2 bits are stray.
    const stray = alphabet[(alphabet.indexOf(last) & ~3) | ((alphabet.indexOf(last) + 1) & 3)];
    const spellings = [
      signature,
      `${signature}=`,
      `${signature}==`,
      `${signature.slice(0, -1)}${stray}`,
      `${signature.slice(0, 10)}\t${signature.slice(10)}`,
      `${signature.slice(0, 10)} ${signature.slice(10)}`,
      `${signature}.trailing.segments`,
      signature.replace(/-/g, '+').replace(/_/g, '/'),
      `${signature}===`,
      `=${signature}`,
      signature.slice(0, -1),
      `${signature}A`,
      '',
    ];
    let accepted = 0;
    for (const spelling of spellings) {
      const cookieValue = `${value}.${spelling}`;
      const theirs = (await sdk.verifySigned('appSession', cookieValue, secret)) ?? null;
      const expected = theirs === null ? null : theirs;
      expect([spelling, cookies.readSessionId({ appSession: cookieValue })]).toStrictEqual([spelling, expected]);
      if (expected !== null) accepted++;
    }
    // The spellings above are chosen so that both answers occur.
    expect(accepted).toBeGreaterThanOrEqual(6);
    expect(accepted).toBeLessThan(spellings.length - 3);
  });

  // Serializing a list or object jar before measuring it lets one huge value cost its whole size in time and
  // memory (a 100 MB value: 660 ms and 120 MB), so jars over the 1 MiB cap are refused by their summed lengths
  // first: a toJSON on the jar (which JSON.stringify would call) shows whether it was serialized at all.
  test('oversized list and object jars are refused before they are serialized', () => {
    const thrown = (fn) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return { code: 'no error' };
    };
    const cookies = new SessionCookies({ secret: randomSecret() });
    const big = 'x'.repeat(1 << 20);
    const surrogates = '\ud800'.repeat(1 << 20);
    const jars = {
      'a list with a huge value': [{ name: 'a', value: big }],
      'a list with a huge name': [{ name: big, value: 'v' }],
      'a list of many small cookies': Array.from({ length: 50_000 }, (_, i) => ({ name: `c${i}`, value: 'v'.repeat(20) })),
      'a list of lone surrogates': [{ name: 'a', value: surrogates }],
      'an object with a huge value': { a: big },
      'an object with a huge name': { [big]: 'v' },
      'an object of lone surrogates': { a: surrogates },
    };
    for (const [label, jar] of Object.entries(jars)) {
      let serialized = false;
      Object.defineProperty(jar, 'toJSON', {
        value() {
          serialized = true;
          return Array.isArray(this) ? [...this] : { ...this };
        },
        enumerable: false,
      });
      expect([label, cookies.read(jar)]).toStrictEqual([label, null]);
      expect([label, thrown(() => cookies.clear(jar)).code]).toStrictEqual([label, 'ERR_INPUT_TOO_LARGE']);
      expect([label, serialized]).toStrictEqual([label, false]);
      // Through getAll() too.
      serialized = false;
      expect([label, thrown(() => cookies.clear({ getAll: () => jar })).code]).toStrictEqual([label, 'ERR_INPUT_TOO_LARGE']);
      expect([label, serialized]).toStrictEqual([label, false]);
    }
    // Just under the cap is read as before.
    expect(cookies.clear([{ name: 'a', value: 'x'.repeat(1000) }]).length).toBeGreaterThan(0);
    expect(cookies.clear({ a: 'x'.repeat(1000) }).length).toBeGreaterThan(0);
  });

  test('writeSessionId equals the SDK stateful store set; clearSessionId its delete', async () => {
    for (const [, config] of STORE_CONFIGS) {
      const secret = randomSecret();
      const cookies = new SessionCookies({ secret, ...config });
      const cookieName = nameOf(config);
      const id = randomBytes(16).toString('hex');
      const session = makeSession({ createdAt: realNow() - 5000 });
      const now = freeze();
      const existing = cookies.writeSessionId(id, session.internal.createdAt, '', { now }).cookies[0].value;
      const prior = `${cookieName}=${existing}; appSession=legacy; theme=dark`;

      const store = { get: async () => ({}), set: jest.fn(async () => {}), delete: jest.fn(async () => {}) };
      const sdkStore = new StatefulSessionStore({ secret, store, ...config });
      const res = new sdk.ResponseCookies(new Headers());
      await sdkStore.set(requestCookies(prior), res, clone(session));
      const written = cookies.writeSessionId(id, session.internal.createdAt, prior, { now });
      expect(written.id).toBe(id);
      const theirs = sdkEntries(res);
      expect(written.cookies.map((c) => c.name)).toStrictEqual(theirs.map((c) => c.name));
      expect(written.cookies.map((c) => c.options)).toStrictEqual(theirs.map((c) => c.options));
      expect((await sdk.decrypt(written.cookies[0].value, secret)).payload).toStrictEqual(
        (await sdk.decrypt(theirs[0].value, secret)).payload,
      );

      const deleted = new sdk.ResponseCookies(new Headers());
      await sdkStore.delete(requestCookies(prior), deleted);
      const cleared = cookies.clearSessionId(prior);
      expect(cleared.cookies).toStrictEqual(sdkEntries(deleted));
      expect(cleared.id).toBe(store.delete.mock.calls[0][0]);
      expect(cleared.id).toBe(id);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Test helpers
// ---------------------------------------------------------------------------------------------------

describe('generateSessionCookie', () => {
  test.each([
    ['without internal', () => { const { internal, ...rest } = makeSession(); return rest; }],
    ['with internal', () => makeSession({ createdAt: realNow() - 100 })],
    ['a large session', () => { const { internal, ...rest } = makeSession({ extra: 3000 }); return rest; }],
  ])('%s: the same payload as the SDK helper', async (_label, make) => {
    const secret = randomSecret();
    const session = make();
    freeze();
    const theirs = await sdkGenerateSessionCookie(clone(session), { secret });
    const ours = generateSessionCookie(clone(session), { secret, now: Date.now() / 1000 });
    expect(typeof ours.then).toBe('function'); // a Promise, like the SDK helper (from the addon's realm)
    const [a, b] = [(await sdk.decrypt(await ours, secret)).payload, (await sdk.decrypt(theirs, secret)).payload];
    expect(a).toStrictEqual(b);
    expect(a.exp).toBe(Math.floor(Date.now() / 1000) + 3600);
    // And the stores read it.
    const header = `__session=${await ours}`;
    expect(new SessionCookies({ secret }).read(header)).toStrictEqual(
      await new StatelessSessionStore({ secret }).get(requestCookies(header)),
    );
  });

  test('the stateful variant is found by the SDK stateful store', async () => {
    const secret = randomSecret();
    const id = randomBytes(16).toString('hex');
    const before = realNow();
    const cookie = await generateStatefulSessionCookie(id, { secret });
    const after = realNow();
    let asked;
    const store = { get: async (x) => ((asked = x), {}), set: async () => {}, delete: async () => {} };
    await new StatefulSessionStore({ secret, store }).get(requestCookies(`__session=${cookie}`));
    expect(asked).toBe(id);
    const { payload } = await sdk.decrypt(cookie, secret);
    // An hour from when it was made (bracketed by the clock around the call).
    expect(payload.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(payload.exp).toBeLessThanOrEqual(after + 3600);
    await expect(generateStatefulSessionCookie('', { secret })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(generateSessionCookie({}, {})).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
  });
});
