// Child processes for the tests, the benchmarks and the scripts: commands run to completion (synchronously,
// echoed, for the build scripts; or with a deadline in their own process group, for the suites), servers in
// their own process groups (killed whole), free loopback ports, readiness polling, and a lock file that one
// process at a time may hold. Nothing here waits without a bound.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Runs a command to completion, echoing it; throws with its output's tail when it fails. */
export function runSync(command, args, options = {}) {
  const shown = [command, ...args].join(' ');
  if (!options.quiet) console.log(`$ ${shown}`);
  const result = spawnSync(command, args, {
    stdio: options.capture ? 'pipe' : 'inherit',
    encoding: 'utf8',
    ...options,
  });
  if (result.error) throw new Error(`${shown}: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) {
    const tail = options.capture ? `\n${(result.stderr || '') + (result.stdout || '')}`.slice(-2000) : '';
    throw new Error(`${shown} exited with ${result.status}${tail}`);
  }
  return result;
}

/** Where `command` is on PATH (of `env`), or null. */
export function which(command, env = process.env) {
  for (const dir of (env.PATH || '').split(':')) {
    if (dir && fs.existsSync(path.join(dir, command))) return path.join(dir, command);
  }
  return null;
}

/** Kills a detached child's whole process group (SIGTERM, then SIGKILL), and waits for it. */
export async function killGroup(child, graceMs = 5_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, graceMs, 'late');
  });
  if ((await Promise.race([exited, late])) === 'late') {
    signal('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }
  clearTimeout(timer);
}

/** Every detached child started here, killed (SIGKILL) should the process exit without cleaning up. */
const living = new Set();
process.once('exit', () => {
  for (const child of living) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** @typedef {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable> & { output: string }} Detached */

/**
 * Starts a long-running child in its own process group; its output is collected in `child.output`.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} options
 * @returns {Detached}
 */
export function startDetached(command, args, { cwd, env }) {
  const child = Object.assign(spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }), { output: '' });
  living.add(child);
  child.once('exit', () => living.delete(child));
  child.stdout.on('data', (d) => (child.output += d));
  child.stderr.on('data', (d) => (child.output += d));
  return child;
}

/** Runs a command in its own process group with a deadline; resolves with its output, rejects on failure. */
export function run(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = startDetached(command, args, { cwd, env });
    const timer = setTimeout(() => {
      killGroup(child, 2_000);
      reject(new Error(`${command} ${args.join(' ')} took over ${timeoutMs / 1000} s:\n${child.output.slice(-4000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(child.output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? sig}:\n${child.output.slice(-4000)}`));
    });
  });
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` until `ready(response)` is true; fails at once if `child` exits, and after `timeoutMs`.
 * Each poll is bounded too.
 */
export async function waitUntilReady(child, url, { timeoutMs, ready = (r) => r.status < 500, what = 'server' }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited ${child.exitCode ?? child.signalCode}:\n${child.output.slice(-4000)}`);
    }
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (ready(response)) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${child.output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits (bounded) for the first line a child prints on stdout. */
export function firstLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no output after ${timeoutMs / 1000} s:\n${child.output}`)), timeoutMs);
    const onData = (d) => {
      buffer += d;
      const end = buffer.indexOf('\n');
      if (end !== -1) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(buffer.slice(0, end));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before printing a line:\n${child.output}`));
    });
  });
}

/**
 * Takes the lock file `file` for this process (it holds the owner's pid): a dead owner's lock is taken over,
 * a live owner is waited for, at most `timeoutMs`. Returns the release function.
 */
export async function acquireLock(file, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const owner = Number(fs.readFileSync(file, 'utf8').trim());
    let alive = false;
    try {
      process.kill(owner, 0);
      alive = owner > 0;
    } catch (error) {
      alive = error.code === 'EPERM';
    }
    if (!alive) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${file} is held by process ${owner} for over ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
    } catch {
      /* not ours, or gone */
    }
  };
}
