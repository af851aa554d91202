// The client libraries the store supports, connected the way an app connects them: node-redis v6 (what
// `npm install redis` gives today), v5 and v4 (`createClient`, `createCluster`) and ioredis (`Redis`, `Cluster`).
// Each is a devDependency only.

import { createRequire } from 'node:module';
import { HOST } from '../../scripts/lib/redis-servers.mjs';
import { smallSession, randomHex, nowSeconds } from './fixtures.mjs';

const require = createRequire(import.meta.url);
const nodeRedis5 = require('redis');
const nodeRedis4 = require('redis-v4');
const nodeRedis6 = require('redis-v6');
const { Redis, Cluster } = require('ioredis');

/** The store, through the package's own subpath module (CommonJS, requiring the addon relatively). */
export const { createRedisSessionStore } = require('../../redis/index.js');

export const CLIENT_KINDS = ['node-redis v6', 'node-redis v5', 'node-redis v4', 'ioredis'];

/**
 * Jest's allowance for a suite's servers: installing redis-server (apt-get) or valkey-server (PyPI) on a fresh
 * machine, starting them, forming a cluster or replaying an AOF, all on a busy machine.
 */
export const SERVER_SETUP_TIMEOUT = 300_000;

/** A new session id, 16 random bytes in hex, as the SDK's stateful store generates them. */
export const newSessionId = () => randomHex(16);

/**
 * A session as a stateful store is given it: `session` (a small one unless given) for `sub`, with the IdP
 * session `sid`, created `age` seconds ago, and MCD metadata when `issuer` is given.
 */
export function storedSession({ sub = `auth0|${randomHex(8)}`, sid = randomHex(12), age = 5, issuer, session = smallSession() } = {}) {
  session.user.sub = sub;
  session.internal = { sid, createdAt: nowSeconds() - age };
  if (issuer) session.internal.mcd = { domain: new URL(issuer).host, issuer };
  return session;
}

/** The node-redis module of `kind`. */
export const nodeRedisFor = (kind) => ({ 'node-redis v6': nodeRedis6, 'node-redis v5': nodeRedis5, 'node-redis v4': nodeRedis4 })[kind];

/** A connected client of `kind` for a single server on `port`. */
export async function connectClient(kind, port, { reconnect = true } = {}) {
  if (kind === 'ioredis') {
    const client = new Redis({ host: HOST, port, lazyConnect: true, ...(reconnect ? {} : { retryStrategy: () => null }) });
    await client.connect();
    return client;
  }
  const client = nodeRedisFor(kind).createClient({
    socket: { host: HOST, port, ...(reconnect ? {} : { reconnectStrategy: false }) },
  });
  client.on('error', () => {}); // reconnection noise; the store reports failures itself
  await client.connect();
  return client;
}

/** A connected cluster client of `kind` for the nodes `rootNodes` ({ host, port }). */
export async function connectCluster(kind, rootNodes) {
  if (kind === 'ioredis') {
    const cluster = new Cluster(rootNodes, { lazyConnect: true });
    await cluster.connect();
    return cluster;
  }
  const cluster = nodeRedisFor(kind).createCluster({
    rootNodes: rootNodes.map(({ host, port }) => ({ socket: { host, port } })),
  });
  cluster.on('error', () => {});
  await cluster.connect();
  return cluster;
}

/** Closes a client whatever its state (connected, reconnecting to a stopped server, never connected). */
export async function closeClient(client) {
  if (typeof client.call === 'function') {
    client.disconnect();
    return;
  }
  try {
    if (typeof client.destroy === 'function') client.destroy(); // node-redis v5, v6
    else await client.disconnect(); // node-redis v4
  } catch {
    // already closed
  }
}

/** Sends one raw command with any of the clients (for tests that look under the store); args[1] is the key. */
export function raw(client, args) {
  if (typeof client.call === 'function') return client.call(...args);
  if (typeof client.getSlotMaster === 'function') return client.sendCommand(args[1], false, args);
  return client.sendCommand(args);
}
