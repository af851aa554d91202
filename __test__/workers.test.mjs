// The addon under worker_threads: several workers sealing and unsealing at once (100k operations each),
// zero errors, every worker's cookies cross-checked by the main thread and by another worker; the drop-in
// key cache shared under contention; a fresh process where the main thread and the workers load the addon
// at the same moment; a worker terminated in the middle of its work, once it says it is there.

import { describe, test, expect } from '@jest/globals';
import crypto from 'node:crypto';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const ADDON = path.join(here, '..', 'index.js');
const addon = require(ADDON);

const WORKERS = 4;
const OPERATIONS = 100_000; // per worker: 50k seals and 50k unseals, alternating
const NOW = Math.floor(Date.now() / 1000);

// Four workers × 100k operations take a few seconds on two idle cores, several times that on busy ones. No
// test here measures speed; the limits only bound a hang (a deadlock would otherwise stall the run).
const LIMIT_MS = 180_000;

/** Runs as a CommonJS worker (eval): seals and unseals, keeps a sample, reports counts. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { SessionCipher, encrypt, decrypt } = require(workerData.addon);
const { id, secret, operations, now, check, signalAt } = workerData;

async function main() {
  const cipher = new SessionCipher({ secret });
  if (check) {
    // Phase two: open another worker's cookies.
    const results = check.map(({ cookie }) => cipher.unseal(cookie, { now }));
    parentPort.postMessage({ checked: results });
    return;
  }
  let errors = 0;
  let mismatches = 0;
  const sample = [];
  for (let i = 0; i < operations / 2; i++) {
    // Tells the main thread it is mid-work (the loop goes on: the message leaves without waiting for it).
    if (i === signalAt) parentPort.postMessage({ working: i });
    const payload = { id, i, user: { sub: 'auth0|' + id + '-' + i }, tokenSet: { accessToken: 'at' + i, expiresAt: now + 60 } };
    try {
      const cookie = cipher.sealPayload(payload, now + 3600);
      const back = cipher.unseal(cookie, { now });
      if (!back || back.i !== i || back.id !== id || back.user.sub !== payload.user.sub || back.exp !== now + 3600) mismatches++;
      if (i % 1000 === 0) sample.push({ cookie, payload: { ...payload, exp: now + 3600 } });
    } catch (e) {
      errors++;
    }
  }
  // The drop-in API shares one key cache across threads: hammer it with a few secrets.
  for (let i = 0; i < 2000; i++) {
    const s = secret + '-' + (i % 20);
    try {
      const cookie = await encrypt({ i }, s, now + 60);
      const result = await decrypt(cookie, s, { currentDate: new Date(now * 1000) });
      if (!result || result.payload.i !== i) mismatches++;
    } catch (e) {
      errors++;
    }
  }
  parentPort.postMessage({ errors, mismatches, sample });
}
main().catch((e) => parentPort.postMessage({ fatal: String(e && e.stack || e) }));
`;

function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { addon: ADDON, now: NOW, ...workerData } });
    let message;
    worker.once('message', (m) => {
      message = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 && message ? resolve(message) : reject(new Error(`worker exited ${code}: ${JSON.stringify(message)}`))));
  });
}

describe('worker_threads', () => {
  test(`${WORKERS} workers × ${OPERATIONS.toLocaleString('en')} operations, zero errors, cookies cross-checked`, async () => {
    const secret = crypto.randomBytes(32).toString('hex');
    const results = await Promise.all(
      Array.from({ length: WORKERS }, (_, id) => runWorker({ id, secret, operations: OPERATIONS })),
    );
    for (const r of results) {
      expect(r.fatal).toBeUndefined();
      expect({ errors: r.errors, mismatches: r.mismatches }).toStrictEqual({ errors: 0, mismatches: 0 });
      expect(r.sample).toHaveLength(OPERATIONS / 2 / 1000);
    }

    // The main thread opens every worker's sample.
    const cipher = new addon.SessionCipher({ secret });
    for (const r of results) {
      for (const { cookie, payload } of r.sample) expect(cipher.unseal(cookie, { now: NOW })).toStrictEqual(payload);
    }

    // Each worker opens the next worker's sample.
    const checked = await Promise.all(
      results.map((_, id) => runWorker({ id, secret, operations: 0, check: results[(id + 1) % WORKERS].sample })),
    );
    checked.forEach(({ checked: opened }, id) => {
      expect(opened).toStrictEqual(results[(id + 1) % WORKERS].sample.map(({ payload }) => payload));
    });
  }, LIMIT_MS);

  test('a worker terminated mid-flight (on its own word that it is mid-work) leaves the addon working', async () => {
    const secret = crypto.randomBytes(32).toString('hex');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { addon: ADDON, now: NOW, id: 99, secret, operations: 10_000_000, signalAt: 1000 },
    });
    const messages = [];
    await new Promise((resolve, reject) => {
      worker.on('message', (m) => {
        messages.push(m);
        if (m.working !== undefined) resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited ${code} before saying it was mid-work`)));
    });
    expect(await worker.terminate()).toBe(1); // stopped while running, not after finishing
    expect(messages).toStrictEqual([{ working: 1000 }]);
    const cipher = new addon.SessionCipher({ secret });
    expect(cipher.unseal(cipher.sealPayload({ ok: true }, NOW + 60), { now: NOW })).toStrictEqual({ ok: true, exp: NOW + 60 });
    const again = await runWorker({ id: 7, secret, operations: 2000 });
    expect({ errors: again.errors, mismatches: again.mismatches }).toStrictEqual({ errors: 0, mismatches: 0 });
  }, LIMIT_MS);

  test('a fresh process: the main thread and workers load the addon at the same moment', () => {
    // Workers are started first, then the main thread requires the addon in the same tick, so the first
    // loads race. Every thread seals, and every thread opens every other thread's cookie.
    const script = `
      const { Worker } = require('node:worker_threads');
      const addon = process.argv[1];
      const secret = 'load-race-' + 'x'.repeat(40);
      const source = \`
        const { parentPort, workerData } = require('node:worker_threads');
        const { SessionCipher } = require(workerData.addon);
        const c = new SessionCipher({ secret: workerData.secret });
        parentPort.postMessage(c.sealPayload({ from: workerData.id }, 4102444800));
        parentPort.once('message', (cookies) => {
          parentPort.postMessage(cookies.map((k) => c.unseal(k, { now: 1 })?.from ?? null));
        });
      \`;
      const workers = Array.from({ length: 6 }, (_, id) => new Worker(source, { eval: true, workerData: { addon, secret, id } }));
      const { SessionCipher } = require(addon);
      const main = new SessionCipher({ secret });
      const cookies = [main.sealPayload({ from: 'main' }, 4102444800)];
      const first = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
      Promise.all(first).then((theirs) => {
        cookies.push(...theirs);
        const opened = cookies.map((k) => main.unseal(k, { now: 1 })?.from ?? null);
        const second = workers.map((w) => new Promise((resolve) => { w.once('message', resolve); w.postMessage(cookies); }));
        return Promise.all(second).then((views) => {
          console.log(JSON.stringify({ opened, views }));
          return Promise.all(workers.map((w) => w.terminate()));
        });
      }).catch((e) => { console.error(e); process.exit(1); });
    `;
    const run = spawnSync(process.execPath, ['-e', script, ADDON], { encoding: 'utf8', timeout: LIMIT_MS });
    expect(run.status).toBe(0);
    const { opened, views } = JSON.parse(run.stdout.trim().split('\n').pop());
    const expected = ['main', 0, 1, 2, 3, 4, 5];
    expect(opened).toStrictEqual(expected);
    expect(views).toStrictEqual(Array.from({ length: 6 }, () => expected));
  }, LIMIT_MS);
});
