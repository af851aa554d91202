// Hostile cookies, part 1: the compact JWE's structure — segment counts, base64url (alphabet, padding,
// whitespace, stray bits), the encrypted key, IV, tag and AAD — judged side by side by jose's jwtDecrypt
// and by us (the rule and the judge: helpers/hostile.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import crypto from 'node:crypto';
import { B64U_ALPHABET, withSegment } from './helpers/fixtures.mjs';
import { HOSTILE_TIMEOUT_MS, NOW, OTHER_KEY, H, H_SDK, b64u, utf8, seal, payload, judge, watchSuite } from './helpers/hostile.mjs';

jest.setTimeout(HOSTILE_TIMEOUT_MS);
watchSuite();

const c = () => seal({ plaintext: payload({ exp: NOW + 3600 }) });

describe('structure: segments', () => {
  const cases = [
    ['empty string', () => ''],
    ['one dot', () => '.'],
    ['four dots', () => '....'],
    ['five dots', () => '.....'],
    ['six dots', () => '......'],
    ['one segment', () => c().split('.')[0]],
    ['three segments (a JWS shape)', () => c().split('.').slice(0, 3).join('.')],
    ['four segments (tag dropped)', () => c().split('.').slice(0, 4).join('.')],
    ['four segments (encrypted key dropped)', () => c().split('.').filter((_, i) => i !== 1).join('.')],
    ['six segments (extra at the end)', () => `${c()}.AAAA`],
    ['six segments (trailing dot)', () => `${c()}.`],
    ['six segments (leading dot)', () => `.${c()}`],
    ['ten segments (two cookies)', () => `${c()}.${c()}`],
    ['whitespace around', () => ` ${c()} `],
    ['newline at the end', () => `${c()}\n`],
    ['a JWS', () => 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl'],
    ['a v3 signed cookie value', () => 'abc123.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2ln'],
    ...[0, 1, 2, 3, 4].map((i) => [`segment ${i + 1} empty`, () => withSegment(c(), i, '')]),
    ['all segments empty but the ciphertext', () => `....${b64u(utf8('{}'))}`.replace(/^(\.{4})/, '....')],
    ['header and ciphertext only', () => withSegment(withSegment(c(), 2, ''), 4, '')],
  ];
  test.each(cases)('%s', async (label, make) => {
    await judge(make(), { label });
  });
});

describe('structure: base64url', () => {
  const bad = ['+', '/', '=', ' ', '\n', '\t', '\r', '!', '*', '~', '%', '.', 'é', '\u0000', '€', '😀', '\ud800', '\\'];
  const cases = [];
  for (const [i, name] of ['header', 'encrypted key', 'iv', 'ciphertext', 'tag'].entries()) {
    for (const ch of bad) cases.push([`${name}: ${JSON.stringify(ch)} inserted`, i, ch]);
  }
  test.each(cases)('%s', async (label, i, ch) => {
    const cookie = c();
    await judge(withSegment(cookie, i, (s) => (s.length > 2 ? s.slice(0, 2) + ch + s.slice(2) : s + ch)), { label });
  });

  test.each([2, 3, 4])('padding on segment %i (jose: atob forgives it)', async (i) => {
    // Pick a plaintext length whose ciphertext needs padding; the tag (16 bytes) always does.
    const cookie = seal({ plaintext: payload({ exp: NOW + 3600, pad: 'x' }) });
    const segment = cookie.split('.')[i];
    const padded = segment + '='.repeat((4 - (segment.length % 4)) % 4 || 4);
    const r = await judge(withSegment(cookie, i, padded), { label: `padded ${i}` });
    if (i === 2) expect(r.theirs.ok).toBe(false); // 16 chars: "=" padding there is not base64 at all
  });

  test('padded header segment, authenticated as sent (jose accepts; strict base64url refuses)', async () => {
    for (const extra of [' ', '  ', '']) {
      const text = `{"alg":"dir","enc":"A256GCM"${extra}}`;
      const segment = b64u(utf8(text));
      const padded = segment + '='.repeat((4 - (segment.length % 4)) % 4);
      const cookie = seal({ headerSegment: padded, plaintext: payload({}) });
      await judge(cookie, { label: `padded header ${JSON.stringify(extra)}`, deviation: padded === segment ? undefined : 'base64url' });
    }
  });

  test('whitespace inside segments (atob strips it; we do not)', async () => {
    const cookie = c();
    for (const i of [2, 3, 4]) {
      for (const ws of [' ', '\n', '\t', '\r\n', '\f']) {
        await judge(withSegment(cookie, i, (s) => `${s.slice(0, 4)}${ws}${s.slice(4)}`), { label: `ws ${i}` });
      }
    }
    const header = b64u(utf8(H));
    await judge(seal({ headerSegment: `${header.slice(0, 8)}\n${header.slice(8)}` }), { label: 'ws header', deviation: 'base64url' });
  });

  test('non-zero stray bits in the last character (jose decodes the same bytes)', async () => {
    const alphabet = B64U_ALPHABET;
    const cookie = seal({ plaintext: payload({ exp: NOW + 3600, pad: 'xy' }) });
    for (const i of [3, 4]) {
      const s = cookie.split('.')[i];
      if (s.length % 4 === 0) continue;
      const last = alphabet.indexOf(s.at(-1));
      await judge(withSegment(cookie, i, s.slice(0, -1) + alphabet[last ^ 1]), { label: `stray bits ${i}` });
    }
    const h = b64u(utf8(`${H} `)); // 30 bytes: 40 chars, no stray bits; 31 bytes has them
    const h31 = b64u(utf8(`${H}  `));
    expect(h.length % 4).toBe(0);
    const last = alphabet.indexOf(h31.at(-1));
    await judge(seal({ headerSegment: h31.slice(0, -1) + alphabet[last ^ 1] }), { label: 'stray bits header', deviation: 'base64url' });
  });

  test('the standard alphabet is not base64url (both refuse)', async () => {
    let cookie;
    do cookie = c();
    while (!/[-_]/.test(cookie.split('.').slice(2).join('')));
    await judge(cookie.replace(/-/g, '+').replace(/_/g, '/'), { label: 'std alphabet' });
  });
});

describe('encrypted key, IV, tag, AAD', () => {
  const P = payload({ exp: NOW + 3600 });
  test.each([
    ['A'],
    ['AAAA'],
    ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['!!!!'],
    ['='],
  ])('encrypted key %p present', async (ek) => {
    await judge(seal({ plaintext: P, encryptedKey: ek }), { label: `ek ${ek}` });
  });

  test.each([1, 8, 11, 13, 16, 32, 64])('IV of %i bytes, authenticated', async (n) => {
    await judge(seal({ plaintext: P, iv: crypto.randomBytes(n) }), { label: `iv ${n}` });
  });

  test.each([0, 1, 4, 8, 12, 13, 14, 15])('tag truncated to %i bytes', async (n) => {
    await judge(seal({ plaintext: P, tagLength: n }), { label: `tag ${n}` });
  });

  test('tag of 17 and 32 bytes', async () => {
    const cookie = seal({ plaintext: P });
    const tag = Buffer.from(cookie.split('.')[4], 'base64url');
    await judge(withSegment(cookie, 4, b64u(Buffer.concat([tag, Buffer.from([0])]))), { label: 'tag 17' });
    await judge(withSegment(cookie, 4, b64u(Buffer.concat([tag, tag]))), { label: 'tag 32' });
  });

  test.each([
    ['empty AAD', () => Buffer.alloc(0)],
    ['AAD = decoded header bytes', () => utf8(H)],
    ['AAD = another header segment', () => utf8(b64u(utf8(H_SDK)))],
    ['AAD = segment plus a dot', () => utf8(`${b64u(utf8(H))}.`)],
  ])('%s', async (label, aad) => {
    await judge(seal({ plaintext: P, aad: aad() }), { label });
  });

  test('another key, a zero key, a swapped IV, a swapped tag', async () => {
    await judge(seal({ plaintext: P, key: OTHER_KEY }), { label: 'other key' });
    await judge(seal({ plaintext: P, key: Buffer.alloc(32) }), { label: 'zero key' });
    const a = seal({ plaintext: P });
    const b = seal({ plaintext: P });
    await judge(withSegment(a, 2, b.split('.')[2]), { label: 'swapped iv' });
    await judge(withSegment(a, 4, b.split('.')[4]), { label: 'swapped tag' });
    await judge(withSegment(a, 3, b.split('.')[3]), { label: 'swapped ciphertext' });
    await judge(withSegment(a, 0, b64u(utf8(H_SDK))), { label: 'swapped header' });
  });
});
