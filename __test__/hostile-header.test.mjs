// Hostile cookies, part 2: the protected header — alg/enc/zip/crit, JSON that is not an object or not JSON,
// non-UTF-8 text, nesting and number limits, other algorithms under the same key, and claims replicated
// in the header — judged side by side by jose's jwtDecrypt and by us (the rule and the judge:
// helpers/hostile.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import zlib from 'node:zlib';
import * as jose from 'jose';
import { HOSTILE_TIMEOUT_MS, NOW, KEY, H, H_SDK, utf8, seal, payload, judge, watchSuite } from './helpers/hostile.mjs';

jest.setTimeout(HOSTILE_TIMEOUT_MS);
watchSuite();

describe('protected header', () => {
  const P = payload({ exp: NOW + 3600 });
  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  const headers = [
    // baseline and harmless variants: accepted by both
    ['baseline', H],
    ['the SDK order', H_SDK],
    ['whitespace around', ` \n\t${H}\r\n `],
    ['escaped names', '{"\\u0061lg":"\\u0064ir","enc":"A256\\u0047CM"}'],
    ['extra members', '{"alg":"dir","enc":"A256GCM","kid":"k","typ":"JWT","cty":"x","b64":false,"x5u":1}'],
    ['epk/p2s/p2c/iv/tag members are ignored for dir', '{"alg":"dir","enc":"A256GCM","epk":{},"p2s":"AAAA","p2c":1,"iv":"x","tag":"y"}'],
    ['duplicate alg, last is dir', '{"alg":"A256KW","enc":"A256GCM","alg":"dir"}'],
    ['duplicate alg, last is not dir', '{"alg":"dir","enc":"A256GCM","alg":"A256KW"}'],
    ['duplicate enc, last is A256GCM', '{"alg":"dir","enc":"A128GCM","enc":"A256GCM"}'],
    ['duplicate enc, last is not A256GCM', '{"alg":"dir","enc":"A256GCM","enc":"A128GCM"}'],
    ['__proto__ member', '{"alg":"dir","enc":"A256GCM","__proto__":{"polluted":1}}'],
    ["serde_json's raw-value marker as a member name (plain data to JSON.parse)", '{"alg":"dir","enc":"A256GCM","x":{"$serde_json::private::RawValue":"[1"}}'],
    ["serde_json's raw-value marker, escaped", '{"alg":"dir","enc":"A256GCM","x":{"\\u0024serde_json::private::RawValue":"{}"}}'],
    ['constructor member', '{"alg":"dir","enc":"A256GCM","constructor":{"prototype":{"polluted":1}}}'],
    ['BOM before the JSON (TextDecoder drops one)', '\ufeff' + H],
    ['two BOMs', '\ufeff\ufeff' + H],
    ['BOM after the JSON', H + '\ufeff'],
    ['nested 100 levels', `{"alg":"dir","enc":"A256GCM","x":${deep(100)}}`],
    ['lone surrogate escape in a value', '{"alg":"dir","enc":"A256GCM","x":"\\ud800"}'],
    ['lone surrogate escape in a name', '{"alg":"dir","enc":"A256GCM","\\udc00":1}'],
    ['surrogate pair escape', '{"alg":"dir","enc":"A256GCM","x":"\\ud83d\\ude00"}'],
    ['U+2028 in a value', '{"alg":"dir","enc":"A256GCM","x":"\u2028"}'],
    // refused by both
    ['alg none', '{"alg":"none","enc":"A256GCM"}'],
    ['alg DIR', '{"alg":"DIR","enc":"A256GCM"}'],
    ['alg "dir "', '{"alg":"dir ","enc":"A256GCM"}'],
    ['alg HS256', '{"alg":"HS256","enc":"A256GCM"}'],
    ['alg RSA-OAEP', '{"alg":"RSA-OAEP","enc":"A256GCM"}'],
    ['alg ECDH-ES', '{"alg":"ECDH-ES","enc":"A256GCM"}'],
    ['alg A256KW without an encrypted key', '{"alg":"A256KW","enc":"A256GCM"}'],
    ['alg PBES2', '{"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2s":"AAAAAAAAAAA","p2c":1000}'],
    ['alg empty', '{"alg":"","enc":"A256GCM"}'],
    ['alg null', '{"alg":null,"enc":"A256GCM"}'],
    ['alg number', '{"alg":1,"enc":"A256GCM"}'],
    ['alg array', '{"alg":["dir"],"enc":"A256GCM"}'],
    ['alg missing', '{"enc":"A256GCM"}'],
    ['enc missing', '{"alg":"dir"}'],
    ['alg none, enc missing', '{"alg":"none"}'],
    ['both missing', '{}'],
    ['enc A128GCM', '{"alg":"dir","enc":"A128GCM"}'],
    ['enc A192GCM', '{"alg":"dir","enc":"A192GCM"}'],
    ['enc A256CBC-HS512', '{"alg":"dir","enc":"A256CBC-HS512"}'],
    ['enc A128CBC-HS256 (sealed as GCM)', '{"alg":"dir","enc":"A128CBC-HS256"}'],
    ['enc lower case', '{"alg":"dir","enc":"a256gcm"}'],
    ['enc with NUL', '{"alg":"dir","enc":"A256GCM\\u0000"}'],
    ['enc empty', '{"alg":"dir","enc":""}'],
    ['enc number', '{"alg":"dir","enc":256}'],
    ['zip GZIP', '{"alg":"dir","enc":"A256GCM","zip":"GZIP"}'],
    ['zip empty', '{"alg":"dir","enc":"A256GCM","zip":""}'],
    ['zip null', '{"alg":"dir","enc":"A256GCM","zip":null}'],
    ['zip DEF on a plaintext that is not deflated', '{"alg":"dir","enc":"A256GCM","zip":"DEF"}'],
    ['crit unknown', '{"alg":"dir","enc":"A256GCM","crit":["x"],"x":1}'],
    ['crit unknown, parameter absent', '{"alg":"dir","enc":"A256GCM","crit":["x"]}'],
    ['crit b64 (a JWS extension)', '{"alg":"dir","enc":"A256GCM","crit":["b64"],"b64":false}'],
    ['crit naming a registered parameter (exp)', '{"alg":"dir","enc":"A256GCM","crit":["exp"],"exp":1}'],
    ['crit naming alg', '{"alg":"dir","enc":"A256GCM","crit":["alg"]}'],
    ['crit naming zip', '{"alg":"dir","enc":"A256GCM","crit":["zip"]}'],
    ['crit empty', '{"alg":"dir","enc":"A256GCM","crit":[]}'],
    ['crit a string', '{"alg":"dir","enc":"A256GCM","crit":"x"}'],
    ['crit with a number', '{"alg":"dir","enc":"A256GCM","crit":[1]}'],
    ['crit with an empty name', '{"alg":"dir","enc":"A256GCM","crit":[""]}'],
    ['crit with a name, then an empty one', '{"alg":"dir","enc":"A256GCM","crit":["x",""],"x":1}'],
    ['crit with a duplicate', '{"alg":"dir","enc":"A256GCM","crit":["x","x"],"x":1}'],
    ['crit null', '{"alg":"dir","enc":"A256GCM","crit":null}'],
    ['crit an object', '{"alg":"dir","enc":"A256GCM","crit":{}}'],
    ['not an object: array', '[]'],
    ['not an object: array of the header', `[${H}]`],
    ['not an object: string', '"{}"'],
    ['not an object: number', '1'],
    ['not an object: null', 'null'],
    ['not an object: true', 'true'],
    ['invalid JSON: empty', ''],
    ['invalid JSON: blank', '   '],
    ['invalid JSON: open brace', '{'],
    ['invalid JSON: trailing comma', '{"alg":"dir","enc":"A256GCM",}'],
    ['invalid JSON: single quotes', "{'alg':'dir','enc':'A256GCM'}"],
    ['invalid JSON: unquoted names', '{alg:"dir",enc:"A256GCM"}'],
    ['invalid JSON: trailing text', `${H} x`],
    ['invalid JSON: two objects', `${H}${H}`],
    ['invalid JSON: NUL after', `${H}\u0000`],
    ['invalid JSON: comment', `/*x*/${H}`],
    ['invalid JSON: raw control character in a string', '{"alg":"dir","enc":"A256GCM","x":"\u0001"}'],
    ['invalid JSON: bad escape', '{"alg":"dir","enc":"A256GCM","x":"\\x"}'],
    ['invalid JSON: NaN', '{"alg":"dir","enc":"A256GCM","x":NaN}'],
    ['invalid JSON: leading zero', '{"alg":"dir","enc":"A256GCM","x":01}'],
    ['invalid JSON: NBSP as whitespace', `\u00a0${H}`],
  ];
  test.each(headers)('%s', async (label, header) => {
    await judge(seal({ header, plaintext: P }), { label });
  });

  test.each([
    ['invalid UTF-8: 0xFF', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xff]), utf8('"}')])],
    ['invalid UTF-8: overlong "/"', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xc0, 0xaf]), utf8('"}')])],
    ['invalid UTF-8: encoded surrogate', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}')])],
    ['invalid UTF-8: truncated sequence', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xe2, 0x82]), utf8('"}')])],
    ['invalid UTF-8: above U+10FFFF', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), utf8('"}')])],
    ['invalid UTF-8: in a name', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","'), Buffer.from([0x80]), utf8('":1}')])],
    ['UTF-16LE text', Buffer.from(H, 'utf16le')],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(H, 'utf16le')])],
    ['Latin-1 é', Buffer.from('{"alg":"dir","enc":"A256GCM","x":"é"}', 'latin1')],
  ])('non-UTF-8 header: %s', async (label, bytes) => {
    await judge(seal({ header: bytes, plaintext: P }), { label });
  });

  test('header nesting of 128 levels or more (jose accepts; we stop there)', async () => {
    // The header object plus n arrays: 127 levels in all are read, 128 are not.
    for (const n of [125, 126]) {
      await judge(seal({ header: `{"alg":"dir","enc":"A256GCM","x":${deep(n)}}`, plaintext: P }), { label: `header depth ${n}` });
    }
    for (const n of [127, 128, 200, 10_000]) {
      await judge(seal({ header: `{"alg":"dir","enc":"A256GCM","x":${deep(n)}}`, plaintext: P }), {
        label: `header depth ${n}`,
        deviation: 'headerJson',
      });
    }
  });

  test('numbers beyond the range of a double in the header (jose reads Infinity)', async () => {
    for (const n of ['1e400', '-1e400']) {
      await judge(seal({ header: `{"alg":"dir","enc":"A256GCM","x":${n}}`, plaintext: P }), {
        label: `header number ${n}`,
        deviation: 'headerNumbers',
      });
    }
    await judge(seal({ header: '{"alg":"dir","enc":"A256GCM","x":1e-400}', plaintext: P }), { label: 'header 1e-400' });
  });

  test('zip DEF over a deflated plaintext (jose inflates it; we never do)', async () => {
    const header = '{"alg":"dir","enc":"A256GCM","zip":"DEF"}';
    await judge(seal({ header, plaintext: zlib.deflateRawSync(utf8(P)) }), { label: 'zip DEF', deviation: 'zip' });
  });

  test('other key management and content encryption under the same derived key', async () => {
    // jose decrypts these with the SDK's key; the SDK never writes them. We accept only dir + A256GCM.
    const algs = ['dir', 'A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW'];
    const encs = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
    const combos = algs.flatMap((alg) => encs.map((enc) => `${alg}/${enc}`)).filter((combo) => combo !== 'dir/A256GCM');
    const judged = [];
    const unmade = [];
    for (const combo of combos) {
      const [alg, enc] = combo.split('/');
      let cookie;
      try {
        cookie = await new jose.EncryptJWT({ sub: 'u' }).setProtectedHeader({ alg, enc }).setExpirationTime(NOW + 3600).encrypt(KEY);
      } catch (error) {
        unmade.push([combo, error.message]);
        continue;
      }
      await judge(cookie, { label: combo });
      judged.push(combo);
    }
    // A 256-bit key makes a cookie only where the algorithm wants 256 bits: A256KW and A256GCMKW with every enc,
    // dir with a 256-bit content key (A128CBC-HS256). Every other combination fails on its key size in jose
    // (and is covered by the hand-sealed headers above).
    const fits = (combo) => /^A256(GCM)?KW\//.test(combo) || combo === 'dir/A128CBC-HS256';
    expect(judged).toEqual(combos.filter(fits));
    expect(judged).toHaveLength(13);
    expect(unmade.filter(([, message]) => !/Key length|algorithm\.length must be/.test(message))).toEqual([]);
  });
});

describe('replicated claims in the header (jwtDecrypt compares iss/sub by ===, aud by JSON.stringify)', () => {
  const cases = [
    ['sub equal', '{"sub":"a"}', '{"sub":"a"}'],
    ['sub different', '{"sub":"a"}', '{"sub":"b"}'],
    ['sub missing from the payload', '{"sub":"a"}', '{}'],
    ['sub null in both', '{"sub":null}', '{"sub":null}'],
    ['sub null vs missing', '{"sub":null}', '{}'],
    ['sub 1 vs 1.0', '{"sub":1}', '{"sub":1.0}'],
    ['sub -0 vs 0', '{"sub":-0}', '{"sub":0}'],
    ['sub 1 vs "1"', '{"sub":1}', '{"sub":"1"}'],
    ['sub true vs true', '{"sub":true}', '{"sub":true}'],
    ['sub object vs equal object (=== is identity)', '{"sub":{}}', '{"sub":{}}'],
    ['sub array vs equal array', '{"sub":[]}', '{"sub":[]}'],
    ['sub escaped vs plain', '{"sub":"\\u0061"}', '{"sub":"a"}'],
    ['sub lone surrogate in both', '{"sub":"\\ud800"}', '{"sub":"\\ud800"}'],
    ['sub lone surrogate vs U+FFFD', '{"sub":"\\ud800"}', '{"sub":"\\ufffd"}'],
    ['sub U+FFFD vs lone surrogate', '{"sub":"\\ufffd"}', '{"sub":"\\ud800"}'],
    ['sub high vs low surrogate', '{"sub":"\\ud800"}', '{"sub":"\\udc00"}'],
    ['sub 1e400 vs 1e400', '{"sub":1e400}', '{"sub":1e400}', 'headerNumbers'],
    ['sub big integers that round alike', '{"sub":9007199254740993}', '{"sub":9007199254740992}'],
    ['sub close doubles', '{"sub":0.1}', '{"sub":0.10000000000000001}'],
    ['sub different doubles', '{"sub":0.1}', '{"sub":0.10000000000000002}'],
    ['sub texts either side of a rounding midpoint', '{"sub":0.10000000000000001248}', '{"sub":0.10000000000000001250}'],
    ['sub texts on the same side of a rounding midpoint', '{"sub":0.10000000000000001240}', '{"sub":0.10000000000000001248}'],
    ['iss equal', '{"iss":"https://x/"}', '{"iss":"https://x/"}'],
    ['iss different', '{"iss":"https://x/"}', '{"iss":"https://y/"}'],
    ['aud string equal', '{"aud":"a"}', '{"aud":"a"}'],
    ['aud string vs array', '{"aud":"a"}', '{"aud":["a"]}'],
    ['aud arrays equal', '{"aud":["a","b"]}', '{"aud":["a","b"]}'],
    ['aud arrays reordered', '{"aud":["a","b"]}', '{"aud":["b","a"]}'],
    ['aud objects equal', '{"aud":{"a":1,"b":2}}', '{"aud":{"a":1,"b":2}}'],
    ['aud objects with members reordered', '{"aud":{"b":1,"a":2}}', '{"aud":{"a":2,"b":1}}'],
    ['aud objects, integer names reordered (JS sorts them)', '{"aud":{"b":1,"1":2}}', '{"aud":{"1":2,"b":1}}'],
    ['aud objects, duplicate name', '{"aud":{"a":1,"a":2}}', '{"aud":{"a":2}}'],
    ['aud nested objects reordered', '{"aud":[{"x":{"b":1,"a":2}}]}', '{"aud":[{"x":{"a":2,"b":1}}]}'],
    ['aud numbers 1e2 vs 100', '{"aud":1e2}', '{"aud":100}'],
    ['aud numbers 1.0 vs 1 in arrays', '{"aud":[1.0]}', '{"aud":[1]}'],
    ['aud -0 vs 0', '{"aud":-0}', '{"aud":0}'],
    ['aud 1e400 vs null (both stringify to null)', '{"aud":1e400}', '{"aud":null}', 'headerNumbers'],
    ['aud 1e400 vs -1e400', '{"aud":[1e400]}', '{"aud":[-1e400]}', 'headerNumbers'],
    ['aud null vs 1e400 in the payload', '{"aud":[null]}', '{"aud":[1e400]}'],
    ['aud texts either side of a rounding midpoint', '{"aud":[0.10000000000000001248]}', '{"aud":[0.10000000000000001250]}'],
    ['aud big integers that round alike', '{"aud":12345678901234567890}', '{"aud":12345678901234567000}'],
    ['aud close doubles', '{"aud":[0.1]}', '{"aud":[0.10000000000000001]}'],
    ['aud different doubles', '{"aud":[0.1]}', '{"aud":[0.10000000000000002]}'],
    ['aud lone surrogate vs U+FFFD', '{"aud":"\\ud800"}', '{"aud":"\\ufffd"}'],
    ['aud lone surrogate names vs U+FFFD names', '{"aud":{"\\ud800":1,"\\ufffd":2}}', '{"aud":{"\\ufffd":2}}'],
    ['aud lone surrogate in both', '{"aud":["\\ud800"]}', '{"aud":["\\ud800"]}'],
    ['aud __proto__ member', '{"aud":{"__proto__":1}}', '{"aud":{"__proto__":1}}'],
    ['aud __proto__ vs none', '{"aud":{"__proto__":{}}}', '{"aud":{}}'],
    ['aud duplicate in the payload, last differs', '{"aud":"x"}', '{"aud":"x","aud":"y"}'],
    ['aud escapes vs plain', '{"aud":"\\u0061\\/"}', '{"aud":"a/"}'],
    ['aud deep in the payload', '{"aud":"a"}', `{"aud":"a","d":${'['.repeat(300)}${']'.repeat(300)}}`],
    ['sub with a lone surrogate elsewhere in the payload', '{"sub":"a"}', '{"sub":"a","x":"\\ud800"}'],
  ];
  test.each(cases.map(([label, h, p, deviation = null]) => [label, h, p, deviation]))('%s', async (label, headerExtra, payloadText, deviation) => {
    const header = `{"alg":"dir","enc":"A256GCM",${headerExtra.slice(1)}`;
    await judge(seal({ header, plaintext: payloadText }), { label, deviation: deviation ?? undefined });
  });

  test('aud nested deeper than the header allows in the payload only', async () => {
    const deepAud = `${'['.repeat(200)}${']'.repeat(200)}`;
    await judge(seal({ header: '{"alg":"dir","enc":"A256GCM","aud":[]}', plaintext: `{"aud":${deepAud}}` }), { label: 'deep aud' });
  });
});
