// Hostile cookies, part 3: the plaintext — JSON grammar near misses, prototype keys, lone surrogates,
// invalid UTF-8, random bytes — and the exp / nbf / iat claims at their boundaries, judged side by side
// by jose's jwtDecrypt and by us (the rule and the judge: helpers/hostile.mjs).

import { describe, test, expect, beforeAll, jest } from '@jest/globals';
import crypto from 'node:crypto';
import { HOSTILE_TIMEOUT_MS, NOW, utf8, seal, judge, ledger, MAIN_OBJECT_PROTOTYPE, watchSuite } from './helpers/hostile.mjs';

jest.setTimeout(HOSTILE_TIMEOUT_MS);
watchSuite();

describe('plaintext', () => {
  const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : Buffer.from(p))));
  const plaintexts = [
    ['empty', ''],
    ['blank', '   '],
    ['empty object', '{}'],
    ['whitespace around', ' \n\t{"sub":"u"}\r\n '],
    ['BOM first (TextDecoder drops it)', '\ufeff{"sub":"u"}'],
    ['two BOMs', '\ufeff\ufeff{}'],
    ['BOM last', '{}\ufeff'],
    ['NBSP first', '\u00a0{}'],
    ['array', '[]'],
    ['array of an object', '[{}]'],
    ['number', '1'],
    ['string', '"{}"'],
    ['null', 'null'],
    ['true', 'true'],
    ['open brace', '{'],
    ['unclosed string', '{"a":"'],
    ['missing value', '{"a":}'],
    ['single quotes', "{'a':1}"],
    ['trailing comma', '{"a":1,}'],
    ['leading zero', '{"a":01}'],
    ['NaN', '{"a":NaN}'],
    ['Infinity literal', '{"a":Infinity}'],
    ['.5', '{"a":.5}'],
    ['+1', '{"a":+1}'],
    ['1e', '{"a":1e}'],
    ['hex', '{"a":0x10}'],
    ['raw control character', '{"a":"\u0001"}'],
    ['raw tab in a string', '{"a":"\t"}'],
    ['raw DEL (allowed)', '{"a":"\u007f"}'],
    ['U+2028 (allowed)', '{"a":"\u2028"}'],
    ['bad escape', '{"a":"\\x"}'],
    ['short unicode escape', '{"a":"\\u12"}'],
    ['two objects', '{}{}'],
    ['trailing text', '{}x'],
    ['NUL after', '{}\u0000'],
    ['comment', '{/*x*/}'],
    ['duplicate names, last wins', '{"a":1,"a":2}'],
    ['__proto__ with an object', '{"__proto__":{"polluted":true},"sub":"u"}'],
    ['__proto__ with null', '{"__proto__":null}'],
    ['nested __proto__', '{"user":{"__proto__":{"isAdmin":true},"sub":"u"}}'],
    ["serde_json's raw-value marker as a member name", '{"user":{"$serde_json::private::RawValue":"[1","sub":"u"}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
    ['prototype', '{"prototype":{"polluted":true}}'],
    ['lone high surrogate escape in a value', '{"a":"\\ud800"}'],
    ['lone low surrogate escape in a value', '{"a":"\\udfff"}'],
    ['two high surrogate escapes', '{"a":"\\ud800\\ud800"}'],
    ['high surrogate then text', '{"a":"\\ud800x"}'],
    ['reversed pair', '{"a":"\\ude00\\ud83d"}'],
    ['surrogate pair escape', '{"a":"\\ud83d\\ude00"}'],
    ['lone surrogate escape in a name', '{"\\ud800":1}'],
    ['lone surrogate name, then exp', `{"\\udbff":1,"exp":${NOW + 3600}}`],
    ['lone surrogate name, expired exp', `{"\\udbff":1,"exp":${NOW - 3600}}`],
    ['lone surrogate names in a nested object', '{"user":{"\\ud800":{"\\udc00x":"\\udfff"}}}'],
    ['lone surrogate and U+FFFD names side by side', '{"\\ud800":1,"\\ufffd":2}'],
    ['escaped exp name', `{"\\u0065xp":${NOW - 3600}}`],
    ['escaped nbf name', `{"\\u006ebf":${NOW + 3600}}`],
    ['escaped backslash before u', '{"a":"\\\\ud800"}'],
    ['wide object (5000 members)', JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])))],
    ['long string (60 KB)', JSON.stringify({ a: 'x'.repeat(40_000) })],
    ['many small arrays', JSON.stringify({ a: Array.from({ length: 3000 }, () => []) })],
  ];
  test.each(plaintexts)('%s', async (label, text) => {
    const r = await judge(seal({ plaintext: text }), { label });
    if (r.theirs.ok && /__proto__|constructor|prototype/.test(text)) {
      const p = r.ours.open.value.payload;
      expect(Object.getPrototypeOf(p)).toBe(MAIN_OBJECT_PROTOTYPE);
      expect(Object.keys(p)).toStrictEqual(Object.keys(r.theirs.payload));
      if (text.startsWith('{"__proto__"')) {
        expect(Object.hasOwn(p, '__proto__')).toBe(true);
        expect(Object.hasOwn(r.ours.unseal.value, '__proto__')).toBe(true);
      }
      expect(p.polluted).toBeUndefined();
      expect(MAIN_OBJECT_PROTOTYPE.polluted).toBeUndefined();
      expect(MAIN_OBJECT_PROTOTYPE.isAdmin).toBeUndefined();
      if (text.includes('"user"')) expect(Object.getPrototypeOf(p.user)).toBe(MAIN_OBJECT_PROTOTYPE);
    }
  });

  // Hand-written scanners (the claims scan is one) go wrong at the edges of the grammar: every case here
  // is a near miss of valid JSON, or valid JSON that looks like a near miss.
  const LATER = NOW + 3600;
  const EARLIER = NOW - 3600;
  const grammar = [
    ...['-', '-a', '1.', '1.e5', '.1', '1e+', '1e-', '00', '-01', '1.5e', '+0', '0x1', '1_000', 'Infinity', '-Infinity', '1e5.5', '--1', '1ee5', '0.0e-0', '-0.0', '1E+2', '9'.repeat(400), `0.${'0'.repeat(400)}1`].map(
      (n) => [`number ${n.slice(0, 12)}`, `{"a":${n}}`],
    ),
    ...['tru', 'nul', 'falsey', 'True', 'NULL', 'nulll', 'f', 'true false'].map((l) => [`literal ${l}`, `{"a":${l}}`]),
    ['escape at the very end', '{"a":"\\'],
    ['short unicode escape then quote', '{"a":"\\u00"}'],
    ['non-hex unicode escape', '{"a":"\\uXYZW"}'],
    ['escaped solidus', '{"a":"\\/"}'],
    ['escaped apostrophe', `{"a":"\\'"}`],
    ['raw NUL in a string', '{"a":"\u0000"}'],
    ['raw NUL in a name', '{"a\u0000":1}'],
    ['escaped backslash then quote', `{"a":"x\\\\","exp":${LATER}}`],
    ['a string that looks like an exp member', `{"a":"\\"exp\\":1,","exp":${LATER}}`],
    ['a string that looks like an expired exp member', `{"a":"\\",\\"exp\\":1","exp":${LATER}}`],
    ['exp nested after a top-level exp', `{"exp":${EARLIER},"a":{"exp":${LATER}}}`],
    ['exp in an array of objects', `{"a":[{"exp":${EARLIER}}]}`],
    ['exp with spaces around everything', ` { "exp" : ${LATER} , "nbf" : ${NOW} } `],
    ['exp name with a trailing space', `{"exp ":${EARLIER}}`],
    ['exp name escaped in two ways', `{"\\u0065\\u0078\\u0070":${EARLIER}}`],
    ['exp name with an escaped solidus', `{"e\\/xp":${EARLIER}}`],
    ['nbf escaped, in the future', `{"\\u006e\\u0062\\u0066":${LATER + 3600}}`],
    ['exp then a duplicate in a nested object', `{"exp":${LATER},"x":{"exp":${EARLIER},"exp":"no"}}`],
    ['missing colon', '{"a" 1}'],
    ['missing comma', '{"a":1 "b":2}'],
    ['lone comma', '{,}'],
    ['double comma', '{"a":1,,"b":2}'],
    ['array trailing comma', '{"a":[1,]}'],
    ['array leading comma', '{"a":[,1]}'],
    ['array missing comma', '{"a":[1 2]}'],
    ['extra closing brace', '{"a":{}}}'],
    ['unclosed nested object', '{"a":{}'],
    ['mismatched brackets', '{"a":[}'],
    ['number as a name', '{1:2}'],
    ['form feed as whitespace', '{"a":1}\f'],
    ['vertical tab as whitespace', '\u000b{}'],
    ['U+2028 as whitespace', '{}\u2028'],
    ['carriage return as whitespace', '\r{"a":1}\r'],
    ['a comment after', '{"a":1}/**/'],
    ['nothing but whitespace inside', '{ \n\t\r }'],
    ['empty name', '{"":1}'],
    ['very long name', `{"${'n'.repeat(20_000)}":1}`],
    ['many exp members', `{${Array.from({ length: 500 }, (_, i) => `"exp":${i % 2 ? LATER : EARLIER}`).join(',')}}`],
  ];
  test.each(grammar)('grammar: %s', async (label, text) => {
    await judge(seal({ plaintext: text }), { label });
  });

  test.each([
    ['0xFF', bytes('{"a":"', [0xff], '"}')],
    ['overlong "/"', bytes('{"a":"', [0xc0, 0xaf], '"}')],
    ['encoded surrogate (CESU)', bytes('{"a":"', [0xed, 0xa0, 0x80], '"}')],
    ['truncated sequence', bytes('{"a":"', [0xe2, 0x82], '"}')],
    ['above U+10FFFF', bytes('{"a":"', [0xf4, 0x90, 0x80, 0x80], '"}')],
    ['continuation byte alone', bytes('{"a":"', [0x80], '"}')],
    ['in a name', bytes('{"', [0xfe], '":1}')],
    ['outside strings', bytes('{', [0xff], '}')],
    ['UTF-16LE', Buffer.from('{"a":1}', 'utf16le')],
    ['UTF-16BE BOM', bytes([0xfe, 0xff], Buffer.from('{}', 'utf16le'))],
    ['Latin-1', Buffer.from('{"a":"é"}', 'latin1')],
  ])('invalid UTF-8: %s', async (label, body) => {
    await judge(seal({ plaintext: body }), { label });
  });

  test('random bytes as plaintext', async () => {
    for (let i = 0; i < 40; i++) await judge(seal({ plaintext: crypto.randomBytes(1 + (i % 20)) }), { label: `random pt ${i}` });
  });
});

describe('claims', () => {
  const P = (claims) => seal({ plaintext: typeof claims === 'string' ? claims : JSON.stringify(claims) });
  const wrongTypes = ['"1"', '"now"', 'null', 'true', 'false', '{}', '[]', `[${NOW}]`, `"${NOW + 3600}"`];
  const cases = [];
  for (const claim of ['exp', 'nbf', 'iat']) {
    for (const value of wrongTypes) cases.push([`${claim} = ${value}`, `{"sub":"u","${claim}":${value}}`]);
  }
  test.each(cases)('wrong type: %s', async (label, text) => {
    await judge(P(text), { label });
  });

  const boundaries = [
    ['exp = now + 1 h', { exp: NOW + 3600 }],
    ['exp = now', { exp: NOW }],
    ['exp = now - 14', { exp: NOW - 14 }],
    ['exp = now - 14.5', { exp: NOW - 14.5 }],
    ['exp = now - 14.999', { exp: NOW - 14.999 }],
    ['exp = now - 15 (expired)', { exp: NOW - 15 }],
    ['exp = now - 15.5', { exp: NOW - 15.5 }],
    ['exp = now - 16', { exp: NOW - 16 }],
    ['exp = 0', { exp: 0 }],
    ['exp = -1', { exp: -1 }],
    ['nbf = now + 15', { nbf: NOW + 15 }],
    ['nbf = now + 15.5', { nbf: NOW + 15.5 }],
    ['nbf = now + 16', { nbf: NOW + 16 }],
    ['nbf = now', { nbf: NOW }],
    ['nbf = 0', { nbf: 0 }],
    ['iat in the future (no maxTokenAge)', { iat: NOW + 86400 }],
    ['iat negative', { iat: -5 }],
    ['exp and nbf both failing', { exp: NOW - 100, nbf: NOW + 100 }],
    ['iat wrong type and exp expired', { iat: 'x', exp: NOW - 100 }],
  ];
  test.each(boundaries)('%s', async (label, claims) => {
    await judge(P({ sub: 'u', ...claims }), { label });
  });

  test.each([
    ['exp 1e400 (Infinity)', '{"exp":1e400}'],
    ['exp -1e400', '{"exp":-1e400}'],
    ['nbf 1e400', '{"nbf":1e400}'],
    ['nbf -1e400', '{"nbf":-1e400}'],
    ['iat 1e400', '{"iat":1e400}'],
    ['exp -0', '{"exp":-0}'],
    ['exp 1e-400', '{"exp":1e-400}'],
    ['exp huge integer', '{"exp":123456789012345678901234567890}'],
    ['exp with exponent', `{"exp":${NOW + 3600}e0}`],
    ['exp 1E10', '{"exp":1E10}'],
    ['duplicate exp, last in the future', `{"exp":1,"exp":${NOW + 3600}}`],
    ['duplicate exp, last expired', `{"exp":${NOW + 3600},"exp":1}`],
    ['duplicate exp, last a string', `{"exp":${NOW + 3600},"exp":"x"}`],
    ['exp nested only', `{"a":{"exp":1}}`],
  ])('%s', async (label, text) => {
    await judge(P(text), { label });
  });
});

describe('v3 payloads (a truthy iat in the header): unsealed as the SDK converts them', () => {
  const V3_HEADER = (iat) => `{"alg":"dir","enc":"A256GCM","iat":${iat},"uat":${NOW},"exp":${NOW + 3600}}`;
  const user = '{"sub":"auth0|u","sid":"s1","name":"Ann"}';
  const cases = [
    ['a full v3 session', NOW - 60, `{"user":${user},"idToken":"i","accessToken":"a","accessTokenScope":"openid","refreshToken":"r","accessTokenExpiresAt":${NOW + 600}}`],
    ['only a user', NOW - 60, `{"user":${user}}`],
    ['tokens null (the SDK turns idToken and accessToken into undefined)', NOW - 60, `{"user":${user},"idToken":null,"accessToken":null,"refreshToken":null,"accessTokenScope":null}`],
    ['an empty idToken (`?? undefined` keeps it)', NOW - 60, `{"user":${user},"idToken":"","accessToken":""}`],
    ['tokens of other types', NOW - 60, `{"user":${user},"idToken":1,"accessToken":{},"accessTokenScope":[],"accessTokenExpiresAt":"soon"}`],
    ['a user without sid', NOW - 60, '{"user":{"sub":"u"}}'],
    ['a user that is a string', NOW - 60, '{"user":"u"}'],
    ['a user that is an array', NOW - 60, '{"user":["u"]}'],
    ['a user that is a number', NOW - 60, '{"user":0}'],
    ['a user that is null (the SDK throws)', NOW - 60, '{"user":null}'],
    ['no user (the SDK throws)', NOW - 60, '{"idToken":"i"}'],
    ['an empty payload (the SDK throws)', NOW - 60, '{}'],
    ['a v4-shaped payload', NOW - 60, `{"user":${user},"tokenSet":{"accessToken":"a","expiresAt":1},"internal":{"sid":"s","createdAt":1}}`],
    ['a user with a lone surrogate and a __proto__ member', NOW - 60, '{"user":{"sub":"\\ud800","__proto__":{"isAdmin":true},"sid":"x"}}'],
    ['extra v3 members beside the user', NOW - 60, `{"user":${user},"foo":1,"tokenSet":null}`],
    ['iat a string', '"x"', `{"user":${user}}`],
    ['iat true', 'true', `{"user":${user}}`],
    ['iat negative', -5, `{"user":${user}}`],
    ['iat tiny', '1e-300', `{"user":${user}}`],
    ['iat an object', '{}', `{"user":${user}}`],
    ['iat 0 (not a v3 cookie)', 0, `{"user":${user}}`],
  ];
  let before;
  beforeAll(() => {
    before = { ...ledger };
  });
  test.each(cases)('%s', async (label, iat, text) => {
    await judge(seal({ header: V3_HEADER(iat), plaintext: text }), { label });
  });

  test('the judge compared every v3 case with the SDK: 17 converted, 3 where its conversion throws', () => {
    const judged = { converted: ledger.legacyConverted - before.legacyConverted, unconvertible: ledger.legacyUnconvertible - before.legacyUnconvertible };
    expect(judged).toStrictEqual({ converted: 17, unconvertible: 3 });
  });
});
