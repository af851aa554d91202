// Hostile cookies, part 4: whole inputs — size, depth and width limits, a real cookie cut and edited at
// every position, random input, arguments that are not strings — judged side by side by jose's jwtDecrypt
// and by us (the rule and the judge: helpers/hostile.mjs); then the verdict on all of it.

import { describe, test, expect, beforeAll, jest } from '@jest/globals';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { B64U_ALPHABET, typicalSession } from './helpers/fixtures.mjs';
import {
  HOSTILE_TIMEOUT_MS,
  addon,
  SECRET,
  NOW,
  DEFAULT_MAX,
  DEVIATIONS,
  cipher,
  roomy,
  H_SDK,
  b64u,
  utf8,
  seal,
  judge,
  ledger,
  watchSuite,
} from './helpers/hostile.mjs';

jest.setTimeout(HOSTILE_TIMEOUT_MS);
watchSuite();

let REAL; // a real cookie of a typical session, sealed by us
let REAL_SESSION;
beforeAll(() => {
  REAL_SESSION = typicalSession();
  REAL = cipher.seal(REAL_SESSION, NOW + 3600);
});

describe('size, depth and width', () => {
  const deep = (n) => `{"sub":"u","d":${'['.repeat(n)}${']'.repeat(n)}}`;

  test('deep nesting: 128, 129, 1000, 10k levels within the size limit; 100k levels beyond it', async () => {
    for (const n of [128, 129, 1000, 10_000]) await judge(seal({ plaintext: deep(n) }), { label: `depth ${n}` });
    const c100k = seal({ plaintext: deep(100_000) });
    expect(c100k.length).toBeGreaterThan(DEFAULT_MAX);
    await judge(c100k, { label: 'depth 100k', deviation: 'size' });
    await judge(c100k, { label: 'depth 100k, roomy', which: roomy, max: 16 * 1024 * 1024 });
    const objects = `{"a":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    await judge(seal({ plaintext: objects }), { label: 'object depth 100k, roomy', which: roomy, max: 16 * 1024 * 1024 });
  });

  test('wide objects: 100k members', async () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])));
    const cookie = seal({ plaintext: wide });
    await judge(cookie, { label: 'wide 100k', deviation: 'size' });
    await judge(cookie, { label: 'wide 100k, roomy', which: roomy, max: 16 * 1024 * 1024 });
  });

  test('huge inputs: 1 MiB and 8 MiB, junk and real', async () => {
    for (const size of [1 << 20, 8 << 20]) {
      const junk = 'A'.repeat(size);
      await judge(junk, { label: `junk ${size}` });
      const dotted = `${'A'.repeat(size / 2)}....${'A'.repeat(size / 2)}`;
      await judge(dotted, { label: `dotted junk ${size}` });
      const real = seal({ plaintext: JSON.stringify({ sub: 'u', pad: 'x'.repeat((size * 3) / 4 - 64) }) });
      expect(real.length).toBeGreaterThan(size - 200);
      await judge(real, { label: `real ${size}`, deviation: 'size' });
      await judge(real, { label: `real ${size}, roomy`, which: roomy, max: 16 * 1024 * 1024 });
    }
    // The limit counts UTF-8 bytes, not UTF-16 code units.
    const multibyte = 'é'.repeat(DEFAULT_MAX / 2 + 1);
    expect(cipher.unseal(multibyte)).toBeNull();
    expect(() => cipher.open(multibyte)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
  });

  test('exactly at the limit and one byte over', async () => {
    const small = new addon.SessionCipher({ secret: SECRET, maxCookieBytes: 300 });
    const fits = seal({ plaintext: JSON.stringify({ sub: 'u', p: 'x'.repeat(300) }) }).slice(0, 300);
    expect(() => small.open(fits)).toThrow(expect.objectContaining({ code: 'ERR_JWE_INVALID' }));
    expect(() => small.open(`${fits}A`)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
  });
});

describe('a real cookie, cut and edited', () => {
  test('the real cookie is accepted by both', async () => {
    const r = await judge(REAL, { label: 'real' });
    expect(r.theirs.ok).toBe(true);
    expect(r.ours.unseal.value).toStrictEqual({ ...REAL_SESSION, exp: NOW + 3600 });
  });

  test('truncated at every position', async () => {
    for (let i = 0; i < REAL.length; i++) await judge(REAL.slice(0, i), { label: `cut ${i}` });
  });

  test('the tail cut at every position too', async () => {
    for (let i = 1; i < REAL.length; i += 7) await judge(REAL.slice(i), { label: `tail ${i}` });
  });

  test('one character changed at every position (only stray-bit edits survive in jose)', async () => {
    const alphabet = B64U_ALPHABET;
    for (let i = 0; i < REAL.length; i++) {
      const ch = REAL[i];
      const replacement = ch === '.' ? 'A' : alphabet[(alphabet.indexOf(ch) + 1) % 64];
      await judge(REAL.slice(0, i) + replacement + REAL.slice(i + 1), { label: `edit ${i}` });
    }
  });

  test('a character inserted or deleted at every 5th position', async () => {
    for (let i = 0; i < REAL.length; i += 5) {
      await judge(REAL.slice(0, i) + 'A' + REAL.slice(i), { label: `insert ${i}` });
      await judge(REAL.slice(0, i) + REAL.slice(i + 1), { label: `delete ${i}` });
    }
  });
});

describe('random input', () => {
  const alphabet = B64U_ALPHABET;
  const randomB64u = (n) => Array.from({ length: n }, () => alphabet[crypto.randomInt(64)]).join('');

  test('random bytes read as latin1 and as UTF-8 text', async () => {
    for (let i = 0; i < 100; i++) {
      const bytes = crypto.randomBytes(crypto.randomInt(1, 400));
      await judge(bytes.toString('latin1'), { label: `latin1 ${i}` });
      await judge(bytes.toString('utf8'), { label: `utf8 ${i}` });
    }
  });

  test('random UTF-16 strings with lone surrogates', async () => {
    for (let i = 0; i < 50; i++) {
      const units = Array.from({ length: crypto.randomInt(1, 200) }, () => crypto.randomInt(0, 0x10000));
      await judge(String.fromCharCode(...units), { label: `utf16 ${i}` });
    }
  });

  test('five random base64url segments', async () => {
    for (let i = 0; i < 100; i++) {
      const parts = [randomB64u(crypto.randomInt(0, 60)), i % 4 ? '' : randomB64u(4), randomB64u(16), randomB64u(crypto.randomInt(0, 200)), randomB64u(22)];
      await judge(parts.join('.'), { label: `segments ${i}` });
    }
  });

  test('a valid header and IV, random ciphertext and tag (forgeries)', async () => {
    const h = b64u(utf8(H_SDK));
    for (let i = 0; i < 100; i++) {
      const forged = [h, '', b64u(crypto.randomBytes(12)), b64u(crypto.randomBytes(crypto.randomInt(0, 300))), b64u(crypto.randomBytes(16))].join('.');
      await judge(forged, { label: `forgery ${i}` });
    }
  });
});

describe('arguments that are not cookies', () => {
  test.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a bigint', 42n],
    ['a boolean', true],
    ['an object', {}],
    ['an array', ['a.b.c.d.e']],
    ['a Buffer', Buffer.from('a.b.c.d.e')],
    ['a symbol', Symbol('x')],
    ['a String object', new String('a.b.c.d.e')], // eslint-disable-line no-new-wrappers
    ['an object with toString', { toString: () => REAL }],
  ])('%s: open and unseal throw ERR_INVALID_ARG_TYPE', (_label, value) => {
    expect(() => cipher.open(value)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => cipher.unseal(value)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  test('bad options: coded errors', () => {
    expect(() => cipher.open(REAL, { now: 'soon' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => cipher.open(REAL, { now: NaN })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => cipher.unseal(REAL, { now: Infinity })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => cipher.open(REAL, 5)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    const hostile = {
      get now() {
        throw new Error('getter exploded');
      },
    };
    const err = (() => {
      try {
        cipher.open(REAL, hostile);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeDefined();
    expect(typeof err.code === 'string' || err.message === 'getter exploded').toBe(true);
  });
});

describe('the verdict', () => {
  test('every documented deviation is in SECURITY.md', () => {
    const security = fs.readFileSync(path.join(repoRoot, 'SECURITY.md'), 'utf8');
    for (const [name, { readme: phrase }] of Object.entries(DEVIATIONS)) {
      expect({ name, listed: phrase.test(security) }).toStrictEqual({ name, listed: true });
    }
  });

  test('the addon still works after all of it', () => {
    const cookie = cipher.sealPayload({ id: 'after' }, NOW + 60);
    expect(cipher.unseal(cookie, { now: NOW })).toStrictEqual({ id: 'after', exp: NOW + 60 });
    expect(ledger.cases).toBeGreaterThan(300);
  });
});
