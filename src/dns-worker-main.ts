/**
 * Entry of a DNS worker process (`dns.workers`), forked through node:cluster by
 * src/authoritative/workers/worker-pool.ts: the workers' composition root, beside main.ts (it
 * wires the store and the zone feed to the authoritative replica). It says hello, gets its
 * settings, streams the built-in server's zones from the store (read only) into its replica
 * while the main process's changes are kept, then binds the shared UDP socket when told to and
 * answers. It exits when the main process goes away (the IPC channel closes).
 */
import { parseCidr, type Cidr } from './core/addresses/addresses.ts'
import { zoneHead } from './jobs/zone-snapshot.ts'
import { storeFeed } from './jobs/zone-sync.ts'
import { openDatabase } from './store/database.ts'
import type { RrlOptions } from './authoritative/answer/rrl.ts'
import type { FromWorker, ToWorker, WorkerSettings } from './authoritative/workers/protocol.ts'
import { Replica } from './authoritative/workers/replica.ts'
import { listenWorker, type WorkerServer } from './authoritative/workers/worker-server.ts'
import { databaseFromPlain, type WorkerLoad } from './start/dns-worker-load.ts'

// A forwarded query the main process has not answered by then gets no answer (the client
// retries); UPDATE waits at most the answer deadline (60 s at the most) in the main process.
const FORWARD_TIMEOUT_MS = 65_000

// A send racing the main process's exit fails with EPIPE: the disconnect handler exits.
const send = (message: FromWorker): void => {
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined)
}
const log = (level: 'info' | 'warn' | 'error', fields: object, message: string): void => {
  send({ t: 'log', level, fields, message })
}

let settings: WorkerSettings<WorkerLoad> | undefined
let replica: Replica | undefined
let server: WorkerServer | undefined
const forwarded = new Map<number, (response: Buffer | null) => void>()
let nextId = 0

process.on('message', (m: ToWorker<WorkerLoad>) => {
  switch (m.t) {
    case 'init':
      settings = m.settings
      replica = new Replica(
        (seq) => {
          send({ t: 'ack', seq })
        },
        (problem) => {
          log('warn', { problem }, 'DNS worker could not apply a change')
        },
      )
      void load(m.settings, replica)
      break
    case 'change':
      replica?.receive(m.seq, m.change)
      break
    case 'listen':
      if (settings !== undefined && replica !== undefined) void listen(settings, replica)
      break
    case 'reply':
      forwarded.get(m.id)?.(m.response === null ? null : Buffer.from(m.response))
      break
  }
})
process.on('disconnect', () => {
  process.exit(0)
})
// A signal to the whole process group (Ctrl-C, systemd's stop) is for the main process: it
// drains, then stops the workers; they must answer until then and not be restarted meanwhile.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined)
process.on('uncaughtException', (e) => {
  log('error', { err: String(e.stack ?? e) }, 'DNS worker crashed')
  process.exit(70)
})
send({ t: 'hello' })

async function load(s: WorkerSettings<WorkerLoad>, r: Replica): Promise<void> {
  const opened = openDatabase(databaseFromPlain(s.load.database))
  if (!opened.ok) {
    fail(opened.error)
    return
  }
  const db = opened.value
  try {
    // Streamed as the main process's start-up load is: packed page by page.
    const zones = s.load.apexes.map((apex) => ({
      head: zoneHead(apex, 0),
      feed: storeFeed(db, apex),
    }))
    const loaded = await r.load(zones)
    if (!loaded.ok) {
      fail(loaded.error)
      return
    }
    send({ t: 'loaded' })
  } catch (e) {
    fail(`reading the zones failed: ${(e as Error).message}`)
  } finally {
    await db.destroy()
  }
}

async function listen(s: WorkerSettings<WorkerLoad>, r: Replica): Promise<void> {
  const started = await listenWorker({
    host: s.host,
    port: s.port,
    index: r.index,
    rrl: rrlOptions(s.rrl),
    forward,
    onError: (where) => (e) => {
      log('error', { where, err: String((e as Error).stack ?? e) }, 'DNS worker error')
    },
  })
  if (!started.ok) {
    fail(started.error)
    return
  }
  server = started.value
  send({ t: 'listening' })
  reportCounts(started.value.counts, s.reportMs)
}

function forward(query: Buffer, client: string): Promise<Buffer | null> {
  const id = nextId++
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      done(null)
    }, FORWARD_TIMEOUT_MS)
    const done = (response: Buffer | null): void => {
      clearTimeout(timer)
      forwarded.delete(id)
      resolve(response)
    }
    forwarded.set(id, done)
    send({ t: 'query', id, query, client })
  })
}

// Sends what was answered since the last report (nothing when idle).
function reportCounts(counts: Float64Array, everyMs: number): void {
  const reported = new Float64Array(16)
  setInterval(() => {
    const delta = Array.from(counts, (n, i) => n - (reported[i] ?? 0))
    if (delta.every((n) => n === 0)) return
    reported.set(counts)
    send({ t: 'counts', udp: delta })
  }, everyMs).unref()
}

function rrlOptions(rrl: WorkerSettings<WorkerLoad>['rrl']): RrlOptions | null {
  if (rrl === null) return null
  const exempt = rrl.exempt.flatMap((c): Cidr[] => {
    const r = parseCidr(c)
    return r.ok ? [r.value] : []
  })
  return { responsesPerSecond: rrl.responsesPerSecond, slip: rrl.slip, exempt }
}

function fail(message: string): void {
  send({ t: 'failed', message })
  void server?.close()
}
