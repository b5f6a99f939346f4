/**
 * The DNS worker processes (`dns.workers`), forked with node:cluster. In a cluster worker a
 * UDP socket bound without `exclusive` is the main process's own socket handed over, so all
 * workers read one socket and the kernel gives each datagram to one reader (Node 20 has no
 * SO_REUSEPORT for UDP). The main process binds no UDP socket of its own then; it keeps TCP.
 *
 * A worker's life: hello → subscribed to the feed and sent its settings → loads its replica
 * from the store → `loaded`: from now on publishes wait for it → told to listen (after every
 * change sent so far, so it never answers from an older index) → answering. A worker that
 * exits is forked again (after a pause that grows while it keeps dying young) and reloads;
 * one that dies young `GIVE_UP_AFTER` times in a row is not: the pool stops and reports it,
 * so the server stops rather than serve TCP without UDP.
 */
import cluster, { type Worker } from 'node:cluster'
import { err, ok, type Result } from '../../core/result.ts'
import type { DnsLogger } from '../server.ts'
import type { Answer } from '../tcp-listener.ts'
import type { FromWorker, WorkerSettings } from './protocol.ts'
import type { FeedSubscriber, ReplicaFeed } from './replica-feed.ts'

const RESTART_MIN_MS = 200
const RESTART_MAX_MS = 30_000
// A worker that dies before it answers, or this soon after, is dying young: the pause before
// the next doubles (load time does not count, so a slow machine is not taken for a crash loop).
const YOUNG_MS = 10_000
// Young deaths in a row after which a worker is not forked again.
const GIVE_UP_AFTER = 5

/** What the pool needs from the main process. */
export interface WorkerPoolOptions<Load> {
  /** The worker's entry module (a composition root: src/dns-worker-main.ts). */
  readonly entry: string
  readonly count: number
  readonly settings: Omit<WorkerSettings<Load>, 'worker'>
  readonly feed: ReplicaFeed
  /** Answers a query a worker handed over (the main process's UDP dispatcher). */
  readonly answer: (query: Buffer, client: string) => Answer | Promise<Answer>
  readonly logger: DnsLogger
  /** A worker's answers since its last report, by rcode. */
  readonly onCounts?: (worker: number, udp: readonly number[]) => void
  /** The pool stopped for good (a worker kept dying young); the server should stop. */
  readonly onGiveUp?: (reason: string) => void
}

/** The running workers. */
export interface WorkerPool {
  /** Process ids of the workers now running, by slot (1..count). */
  pids(): ReadonlyMap<number, number>
  /** Stops the workers (no restarts). */
  close(): Promise<void>
}

interface Slot {
  readonly n: number
  worker: Worker | null
  serving: boolean
  /** When the worker began answering; null while it has not (yet). */
  answeringSince: number | null
  pauseMs: number
  youngDeaths: number
}

/** Forks the workers; resolves once every one answers, or with the first one's failure. */
export function startWorkerPool<Load>(
  o: WorkerPoolOptions<Load>,
): Promise<Result<WorkerPool, string>> {
  cluster.setupPrimary({ exec: o.entry, args: [], serialization: 'advanced' })
  let closing = false
  let waiting = o.count
  let settle: (r: Result<WorkerPool, string>) => void = () => undefined
  const started = new Promise<Result<WorkerPool, string>>((resolve) => (settle = resolve))
  const slots: Slot[] = Array.from({ length: o.count }, (_, i) => ({
    n: i + 1,
    worker: null,
    serving: false,
    answeringSince: null,
    pauseMs: RESTART_MIN_MS,
    youngDeaths: 0,
  }))
  const pool: WorkerPool = {
    pids: () =>
      new Map(
        slots.flatMap((s) =>
          s.worker?.process.pid === undefined ? [] : [[s.n, s.worker.process.pid]],
        ),
      ),
    close: async () => {
      closing = true
      await Promise.all(slots.map((s) => stopWorker(s.worker)))
    },
  }
  const events: SlotEvents = {
    answering: (slot) => {
      slot.answeringSince = performance.now()
      slot.pauseMs = RESTART_MIN_MS
      if (--waiting === 0) settle(ok(pool))
    },
    exited: (slot, why) => {
      if (closing) return
      if (waiting > 0) {
        closing = true
        void pool.close().then(() => {
          settle(err(`DNS worker ${String(slot.n)} ${why}`))
        })
        return
      }
      const since = slot.answeringSince
      const young = since === null || performance.now() - since < YOUNG_MS
      slot.youngDeaths = young ? slot.youngDeaths + 1 : 0
      if (slot.youngDeaths >= GIVE_UP_AFTER) {
        closing = true
        const reason = `DNS worker ${String(slot.n)} ${why}, ${String(GIVE_UP_AFTER)} times in a row`
        o.logger.error({ worker: slot.n, why }, 'DNS worker keeps dying; not restarted')
        void pool.close().then(() => o.onGiveUp?.(reason))
        return
      }
      slot.pauseMs = young ? Math.min(RESTART_MAX_MS, slot.pauseMs * 2) : RESTART_MIN_MS
      o.logger.warn({ worker: slot.n, why, restartInMs: slot.pauseMs }, 'DNS worker exited')
      setTimeout(() => {
        if (!closing) fork(slot, o, events)
      }, slot.pauseMs).unref()
    },
  }
  for (const slot of slots) fork(slot, o, events)
  return started
}

interface SlotEvents {
  answering(slot: Slot): void
  exited(slot: Slot, why: string): void
}

function fork<Load>(slot: Slot, o: WorkerPoolOptions<Load>, events: SlotEvents): void {
  const worker = cluster.fork()
  slot.worker = worker
  slot.serving = false
  slot.answeringSince = null
  let failure: string | undefined
  const subscriber: FeedSubscriber = {
    id: slot.n,
    // A worker may die between the check and the write: EPIPE goes to the callback (and the
    // exit handler cleans up), never to an unhandled 'error' event that would end the process.
    send: (message) => {
      if (worker.isConnected()) worker.send(message, undefined, ignore)
    },
    get serving() {
      return slot.serving
    },
    kill: (reason) => {
      failure ??= reason
      worker.process.kill('SIGKILL')
    },
  }
  worker.on('message', (m: FromWorker) => {
    switch (m.t) {
      case 'hello':
        // Settings first, so the replica exists when the changes start coming.
        subscriber.send({ t: 'init', settings: { ...o.settings, worker: slot.n } })
        o.feed.subscribe(subscriber)
        break
      case 'loaded':
        slot.serving = true
        subscriber.send({ t: 'listen' })
        break
      case 'listening':
        o.logger.info({ worker: slot.n, pid: worker.process.pid }, 'DNS worker answering')
        events.answering(slot)
        break
      case 'failed':
        subscriber.kill(`failed: ${m.message}`)
        break
      case 'ack':
        o.feed.acked(subscriber, m.seq)
        break
      case 'query':
        answerForWorker(o, subscriber, m.id, Buffer.from(m.query), m.client)
        break
      case 'counts':
        o.onCounts?.(slot.n, m.udp)
        break
      case 'log':
        o.logger[m.level]({ ...m.fields, worker: slot.n }, m.message)
        break
    }
  })
  worker.on('error', (e) => {
    o.logger.warn({ worker: slot.n, err: e }, 'DNS worker channel error')
  })
  worker.on('exit', (code, signal) => {
    o.feed.unsubscribe(subscriber)
    slot.serving = false
    if (slot.worker === worker) slot.worker = null
    events.exited(slot, failure ?? `exited (code ${String(code)}, signal ${signal})`)
  })
}

function ignore(): void {
  // Nothing to do: a send to a worker that just died is cleaned up by its exit handler.
}

function answerForWorker<Load>(
  o: WorkerPoolOptions<Load>,
  to: FeedSubscriber,
  id: number,
  query: Buffer,
  client: string,
): void {
  const reply = (answer: Answer): void => {
    to.send({ t: 'reply', id, response: answer?.[0] ?? null })
  }
  const failed = (e: unknown): void => {
    o.logger.error({ err: e, worker: to.id }, 'DNS query from a worker failed')
    to.send({ t: 'reply', id, response: null })
  }
  try {
    const answer = o.answer(query, client)
    if (answer instanceof Promise) answer.then(reply, failed)
    else reply(answer)
  } catch (e) {
    failed(e)
  }
}

// Workers ignore SIGTERM (it is sent to the whole group on a stop) and hold nothing to save.
function stopWorker(worker: Worker | null): Promise<void> {
  if (worker === null || worker.isDead()) return Promise.resolve()
  return new Promise((resolve) => {
    worker.once('exit', () => {
      resolve()
    })
    worker.process.kill('SIGKILL')
  })
}
