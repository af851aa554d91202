// The SDK's constants are defined once, in the core (crates/core/src/stores/cookies/mod.rs, payload/claims.rs,
// cipher/mod.rs), and exported by the addon. They are held to the values the installed SDK's code uses (read off its store and
// modules, or probed by what its functions do); what the typings document as defaults and what the stores do
// when given nothing are held to those exports, so a change in the core that the prose misses fails.

import { describe, test, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomSecret, nowSeconds, smallSession, sdkModule } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const addon = require('../index.js');
const typings = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');

/** Every `member?: type` whose doc comment says `Default N` or `Default "text"`, as [member, default] pairs. */
function documentedDefaults(text) {
  const pairs = [];
  const pattern = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*\n\s*(\w+)\??:/g;
  for (const [, doc, member] of text.matchAll(pattern)) {
    const found = /Default (\d+|`"[^"]*"`)/.exec(doc);
    if (found) pairs.push([member, found[1].startsWith('`') ? found[1].slice(2, -2) : Number(found[1])]);
  }
  return pairs;
}

const CONSTANT_OF = {
  clockTolerance: 'DEFAULT_CLOCK_TOLERANCE',
  maxCookieBytes: 'DEFAULT_MAX_COOKIE_BYTES',
  cookieName: 'DEFAULT_COOKIE_NAME',
  absoluteDuration: 'DEFAULT_ABSOLUTE_DURATION',
  inactivityDuration: 'DEFAULT_INACTIVITY_DURATION',
};

/**
 * The values the installed @auth0/nextjs-auth0 really uses, read from its own code: the store's defaults and
 * cookie name off a store it constructs, the legacy name it exports, and the two private constants by what
 * they do (the length of the first chunk `setChunkedCookie` cuts, the first second past `exp` at which its
 * `decrypt` gives up).
 */
async function sdkConstants() {
  const cookies = await sdkModule('server/cookies.js');
  const { StatelessSessionStore } = await sdkModule('server/session/stateless-session-store.js');
  const { LEGACY_COOKIE_NAME } = await sdkModule('server/session/normalize-session.js');
  const store = new StatelessSessionStore({ secret: randomSecret() });

  const res = new cookies.ResponseCookies(new Headers());
  cookies.setChunkedCookie('c', 'x'.repeat(20_000), {}, new cookies.RequestCookies(new Headers()), res);
  const chunkSize = res.get('c__0').value.length;

  const secret = randomSecret();
  const exp = nowSeconds();
  const cookie = await cookies.encrypt({ sub: 'u' }, secret, exp);
  let tolerance = 0;
  while ((await cookies.decrypt(cookie, secret, { currentDate: new Date((exp + tolerance) * 1000) })) !== null) tolerance += 1;

  return {
    DEFAULT_COOKIE_NAME: store.sessionCookieName,
    LEGACY_COOKIE_NAME,
    MAX_CHUNK_SIZE: chunkSize,
    DEFAULT_CLOCK_TOLERANCE: tolerance,
    DEFAULT_ABSOLUTE_DURATION: store.absoluteDuration,
    DEFAULT_INACTIVITY_DURATION: store.inactivityDuration,
  };
}

describe('the SDK constants, defined once in the core', () => {
  test("they are what the installed SDK uses, read from the SDK's own code", async () => {
    const theirs = await sdkConstants();
    // Sanity of the probes themselves: each found a value where the SDK has one.
    expect(Object.values(theirs).every((value) => value !== undefined && value !== 0)).toBe(true);
    const ours = Object.fromEntries(Object.keys(theirs).map((name) => [name, addon[name]]));
    expect(ours).toStrictEqual(theirs);
  });

  test("the typings' documented defaults are the core's constants", () => {
    const pairs = documentedDefaults(typings);
    const checked = pairs.filter(([member]) => member in CONSTANT_OF);
    // Both option interfaces document clockTolerance and maxCookieBytes; SessionCookiesOptions the rest.
    expect(checked.length).toBeGreaterThanOrEqual(7);
    for (const [member, documented] of checked) {
      expect([member, documented]).toStrictEqual([member, addon[CONSTANT_OF[member]]]);
    }
  });

  test('the reader finds what it looks for', () => {
    const text = '/** Seconds. Default 86400 (1 day). */\n  inactivityDuration?: number\n/** Default `"__x"`. */\n  cookieName?: string';
    expect(documentedDefaults(text)).toStrictEqual([['inactivityDuration', 86400], ['cookieName', '__x']]);
  });

  test('a store given nothing writes the default name, chunked at the chunk size', () => {
    const store = new addon.SessionCookies({ secret: randomSecret() });
    const now = nowSeconds();
    const small = store.write(smallSession(), null, { now });
    expect(small.map((c) => c.name)).toContain(addon.DEFAULT_COOKIE_NAME);
    const big = smallSession();
    big.user.blob = 'x'.repeat(2 * addon.MAX_CHUNK_SIZE);
    const chunks = store.write(big, null, { now }).filter((c) => c.value !== '');
    expect(chunks.map((c) => c.name)).toStrictEqual([0, 1, 2].map((i) => `${addon.DEFAULT_COOKIE_NAME}__${i}`));
    expect(chunks.slice(0, -1).every((c) => c.value.length === addon.MAX_CHUNK_SIZE)).toBe(true);
  });
});
