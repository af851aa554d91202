// The SDK's constants are defined once, in the core (crates/core/src/stores/cookies/mod.rs, payload/claims.rs, cipher/mod.rs), and
// exported by the addon. What the typings document as defaults, what the CLI prints and what the stores do
// when given nothing are held to those exports here, so a change in the core that the prose misses fails.

import { describe, test, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomSecret, nowSeconds, smallSession } from './helpers/fixtures.mjs';

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

describe('the SDK constants, defined once in the core', () => {
  test('they are what the SDK uses', () => {
    expect(addon.DEFAULT_COOKIE_NAME).toBe('__session');
    expect(addon.LEGACY_COOKIE_NAME).toBe('appSession');
    expect(addon.MAX_CHUNK_SIZE).toBe(3500);
    expect(addon.DEFAULT_CLOCK_TOLERANCE).toBe(15);
    expect(addon.DEFAULT_ABSOLUTE_DURATION).toBe(3 * 86400);
    expect(addon.DEFAULT_INACTIVITY_DURATION).toBe(86400);
  });

  test("the typings' documented defaults are the core's constants", () => {
    const pairs = documentedDefaults(typings);
    const checked = pairs.filter(([member]) => member in CONSTANT_OF);
    // Both option interfaces document clockTolerance and maxCookieBytes; SessionCookiesOptions the rest.
    expect(checked.length).toBeGreaterThanOrEqual(7);
    for (const [member, documented] of checked) {
      expect([member, documented]).toEqual([member, addon[CONSTANT_OF[member]]]);
    }
  });

  test('the reader finds what it looks for', () => {
    const text = '/** Seconds. Default 86400 (1 day). */\n  inactivityDuration?: number\n/** Default `"__x"`. */\n  cookieName?: string';
    expect(documentedDefaults(text)).toEqual([['inactivityDuration', 86400], ['cookieName', '__x']]);
  });

  test('a store given nothing writes the default name, chunked at the chunk size', () => {
    const store = new addon.SessionCookies({ secret: randomSecret() });
    const now = nowSeconds();
    const small = store.write(smallSession(), null, { now });
    expect(small.map((c) => c.name)).toContain(addon.DEFAULT_COOKIE_NAME);
    const big = smallSession();
    big.user.blob = 'x'.repeat(2 * addon.MAX_CHUNK_SIZE);
    const chunks = store.write(big, null, { now }).filter((c) => c.value !== '');
    expect(chunks.map((c) => c.name)).toEqual([0, 1, 2].map((i) => `${addon.DEFAULT_COOKIE_NAME}__${i}`));
    expect(chunks.slice(0, -1).every((c) => c.value.length === addon.MAX_CHUNK_SIZE)).toBe(true);
  });
});
