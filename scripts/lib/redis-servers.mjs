// Real redis-server (and valkey-server) processes for the tests and the benchmark: each on a free loopback port,
// in a temporary directory of its own, stopped (and the directory removed) by `stop()`, and killed if the
// process exits first. A single node, or a three-master cluster made with `redis-cli --cluster create`.

import { spawn, execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './processes.mjs'
import { ensureRedis, FLAVOURS } from './redis-install.mjs'

export const HOST = '127.0.0.1'

/** Installs the flavour's server if missing (see redis-install.mjs); true when it can be started. */
export function serverAvailable(flavour = 'redis') {
  return ensureRedis({ flavours: [flavour] })[flavour]
}

/**
 * The server kinds every suite runs against: redis-server and valkey-server, installed here when missing
 * (redis-install.mjs). A kind that cannot be installed is still returned, so that its suites fail when they
 * start it instead of leaving it out. Each is a `flavour` for RedisServer and startCluster.
 */
export function serverKinds() {
  ensureRedis({ flavours: Object.keys(FLAVOURS) })
  return Object.keys(FLAVOURS)
}

const live = new Set()
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs the flavour's CLI against a port; resolves with its stdout. */
export function cli(flavour, port, args) {
  return new Promise((resolve, reject) => {
    execFile(FLAVOURS[flavour].cli, ['-h', HOST, '-p', String(port), ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${FLAVOURS[flavour].cli} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    )
  })
}

/** One server process. `start()` waits until it answers PING (after loading its AOF, if any). */
export class RedisServer {
  /** @param {{ flavour?: string, args?: string[], dir?: string }} [options] */
  constructor({ flavour = 'redis', args = [], dir } = {}) {
    this.flavour = flavour
    this.args = args
    this.dir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `session-seal-${flavour}-`))
    this.ownsDir = dir === undefined
    this.port = null
    this.fixedPort = null
    this.child = null
    this.log = ''
  }

  static async start(options) {
    const server = new RedisServer(options)
    await server.start()
    return server
  }

  async start() {
    // A port can be taken between asking and binding: try a few.
    for (let attempt = 0; ; attempt++) {
      this.port = this.fixedPort ?? (await freePort())
      try {
        await this.#spawn()
        return this
      } catch (err) {
        if (attempt >= 4 || this.fixedPort || err.cannotStart) throw err
      }
    }
  }

  async #spawn() {
    const args = [
      '--port', String(this.port), '--bind', HOST, '--dir', this.dir, '--daemonize', 'no',
      '--save', '', '--appendonly', 'no', '--logfile', '', '--protected-mode', 'yes',
      ...this.args,
    ]
    this.log = ''
    const child = spawn(FLAVOURS[this.flavour].server, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    live.add(child)
    // A binary that cannot be started (not installed) fails at once with the reason, instead of at the deadline.
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }))
      child.once('error', (error) => resolve({ error }))
    })
    this.exited = exited
    exited.then(() => live.delete(child))
    child.stdout.on('data', (d) => (this.log += d))
    child.stderr.on('data', (d) => (this.log += d))
    // Loading a large AOF takes a while on a busy machine; a server that never comes up fails here, not later.
    const deadline = Date.now() + 60_000
    for (;;) {
      const state = await Promise.race([exited, sleep(50).then(() => 'running')])
      if (state?.error) throw Object.assign(new Error(`${FLAVOURS[this.flavour].server} could not be started: ${state.error.message}`), { cannotStart: true })
      if (state !== 'running') throw new Error(`${FLAVOURS[this.flavour].server} on port ${this.port} exited:\n${this.log}`)
      if ((await ping(this.port)) === 'PONG') return
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`${FLAVOURS[this.flavour].server} on port ${this.port} did not answer PING:\n${this.log}`)
      }
    }
  }

  cli(...args) {
    return cli(this.flavour, this.port, args)
  }

  /**
   * Stops the process (SIGTERM, or `signal`) and waits for it; the data directory stays until `remove()`.
   * @param {NodeJS.Signals} [signal]
   */
  async kill(signal = 'SIGTERM') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return
    this.child.kill(signal)
    await this.exited
  }

  /** Starts the same server again on the same port and directory (e.g. to replay its AOF). */
  async restart() {
    await this.kill()
    this.fixedPort = this.port
    await this.start()
  }

  async stop() {
    await this.kill()
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Sends an inline PING; resolves with the reply line ('PONG', 'LOADING …') or null when nothing answers. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port })
    let reply = ''
    const done = (value) => {
      socket.destroy()
      resolve(value)
    }
    socket.setTimeout(2_000, () => done(null))
    socket.on('error', () => done(null))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (d) => {
      reply += d
      if (reply.includes('\r\n')) done(reply.slice(1, reply.indexOf('\r\n')))
    })
  })
}

/**
 * A local cluster of `masters` nodes (and `replicas` replicas of each) with every slot assigned, ready when every
 * node reports `cluster_state:ok`. `nodeTimeout` is `cluster-node-timeout` (ms): how long a node may be
 * unreachable before it is failed over.
 */
export async function startCluster({ flavour = 'redis', masters = 3, replicas = 0, nodeTimeout = 5000, args = [] } = {}) {
  const nodes = []
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      // The cluster bus gets its own free port too, instead of the default port + 10000.
      const busPort = await freePort()
      nodes.push(
        await RedisServer.start({
          flavour,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort),
            // A replica's first sync starts at once (Redis waits 5 s for more replicas by default).
            '--cluster-node-timeout', String(nodeTimeout), '--repl-diskless-sync-delay', '0', ...args],
        }),
      )
    }
    await cli(flavour, nodes[0].port, [
      '--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes',
    ])
    await clusterReady(nodes)
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()))
    throw err
  }
  return {
    nodes,
    rootNodes: nodes.map((n) => ({ host: HOST, port: n.port })),
    stop: () => Promise.all(nodes.map((n) => n.stop())),
  }
}

/**
 * Waits until every one of `nodes` reports `cluster_state:ok` and knows as many nodes as there are (a client's
 * first CLUSTER SLOTS must see every slot's owner, and every replica), and every replica has finished its first
 * sync (a replica that never synced cannot take its master's place).
 */
export async function clusterReady(nodes, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (const node of nodes) {
    for (;;) {
      const info = await node.cli('CLUSTER', 'INFO')
      const known = Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1])
      const replication = await node.cli('INFO', 'replication')
      const synced = !/role:slave/.test(replication) || /master_link_status:up/.test(replication)
      if (/cluster_state:ok/.test(info) && known >= nodes.length && synced) break
      if (Date.now() > deadline) throw new Error(`cluster node ${node.port} never reached cluster_state:ok`)
      await sleep(100)
    }
  }
}

/**
 * MONITOR on a server: every command it runs from now on, each as `{ client, args }` (`client` is `lua` for a
 * command a script runs). Lines come in the order the server ran them; a script's commands follow it.
 */
export async function monitor(port) {
  const socket = net.connect({ host: HOST, port })
  let text = ''
  socket.on('data', (d) => (text += d))
  await new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.once('connect', () => socket.write('MONITOR\r\n'))
    socket.once('data', resolve)
  })
  return {
    /** Every command seen so far. */
    commands() {
      return text.split('\r\n').flatMap((line) => {
        const head = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] /.exec(line)
        if (!head) return []
        const args = [...line.slice(head[0].length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unquote(m[1]))
        return [{ client: head[1], args }]
      })
    },
    stop() {
      socket.destroy()
    },
  }
}

/** MONITOR's quoting: `\"`, `\\`, `\n` and friends, and `\xHH` bytes (here only ASCII matters). */
function unquote(text) {
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_, c) =>
    c.length === 3 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' })[c] ?? c,
  )
}

/**
 * A TCP relay to a server on loopback that can go silent: `blackhole()` keeps every connection open but drops
 * what passes either way, as a network partition does (a client then waits instead of failing fast).
 */
export async function startRelay(targetPort) {
  const sockets = new Set();
  let silent = false;
  const server = net.createServer((downstream) => {
    const upstream = net.connect({ host: HOST, port: targetPort });
    for (const [from, to] of [[downstream, upstream], [upstream, downstream]]) {
      sockets.add(from);
      from.on('data', (chunk) => {
        if (!silent) to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(undefined));
  });
  return {
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
    blackhole() {
      silent = true;
    },
    stop() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
