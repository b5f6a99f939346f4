/**
 * The main process's side of the replicas (`dns.workers`): every change it makes to its
 * own index goes to every worker, numbered, and a publish resolves only once every worker
 * that answers queries has acknowledged it, so `good` still means "in DNS" whichever
 * process a client's query reaches. A worker that does not acknowledge within the deadline
 * (the update answer deadline) is stopped: it is restarted and reloads from the store, which
 * already holds the change. Workers still loading are sent the changes but not waited for:
 * they start answering only after applying them (see worker-pool.ts).
 */
import type { Fqdn } from '../../core/names.ts'
import type { Result } from '../../core/result.ts'
import type { LanAddresses } from '../index/zone-index.ts'
import type { DnsLogger } from '../server.ts'
import type { IndexChange, ToWorker } from './protocol.ts'

/** One worker as the feed sees it. */
export interface FeedSubscriber {
  readonly id: number
  send(message: ToWorker): void
  /** Answering queries: its acknowledgements are waited for. */
  readonly serving: boolean
  /** Did not acknowledge in time: stop it (it is restarted and reloads). */
  kill(reason: string): void
}

/** Where LAN addresses go (the index, and through the feed every worker). */
export interface LanFeedTarget {
  setLanAddresses(zone: Fqdn, hosts: readonly LanAddresses[]): Result<void, { code: string }>
}

interface Pending {
  readonly waiting: Set<FeedSubscriber>
  readonly done: () => void
}

/** Streams index changes to the workers and waits for their acknowledgements. */
export class ReplicaFeed {
  #seq = 0
  readonly #subscribers = new Set<FeedSubscriber>()
  readonly #pending = new Map<number, Pending>()
  // The latest LAN addresses per zone: not in the store's zone read, so sent on subscribe.
  readonly #lan = new Map<Fqdn, readonly LanAddresses[]>()

  constructor(
    private readonly deadlineMs: number,
    private readonly logger: DnsLogger,
  ) {}

  /** Adds a worker: from now on it gets every change, starting with the LAN addresses. */
  subscribe(s: FeedSubscriber): void {
    this.#subscribers.add(s)
    for (const [zone, hosts] of this.#lan) {
      s.send({ t: 'change', seq: ++this.#seq, change: { t: 'lan', zone, hosts } })
    }
  }

  /** Removes a worker (it exited); publishes stop waiting for it. */
  unsubscribe(s: FeedSubscriber): void {
    this.#subscribers.delete(s)
    for (const seq of [...this.#pending.keys()]) this.acked(s, seq)
  }

  /** A worker applied change `seq`. */
  acked(s: FeedSubscriber, seq: number): void {
    const p = this.#pending.get(seq)
    if (p === undefined) return
    p.waiting.delete(s)
    if (p.waiting.size === 0) p.done()
  }

  /** Sends a change to every worker; resolves once every serving one has applied it. */
  publish(change: IndexChange): Promise<void> {
    const seq = ++this.#seq
    if (change.t === 'lan') this.#lan.set(change.zone, change.hosts)
    const waiting = new Set<FeedSubscriber>()
    for (const s of this.#subscribers) {
      s.send({ t: 'change', seq, change })
      if (s.serving) waiting.add(s)
    }
    if (waiting.size === 0) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#pending.delete(seq)
        resolve()
      }
      const timer = setTimeout(() => {
        done()
        for (const s of waiting) {
          this.logger.warn({ worker: s.id, seq, ms: this.deadlineMs }, 'DNS worker lagging')
          s.kill(`no acknowledgement within ${String(this.deadlineMs)} ms`)
        }
      }, this.deadlineMs)
      this.#pending.set(seq, { waiting, done })
    })
  }

  /** True while some worker gets the changes. */
  get subscribed(): boolean {
    return this.#subscribers.size > 0
  }

  /** Stops every worker (their replicas are stale): restarted, they reload from the store. */
  killAll(reason: string): void {
    for (const s of this.#subscribers) s.kill(reason)
  }

  /** `target` (the index) with every LAN address change also sent to the workers. */
  lanTarget(target: LanFeedTarget): LanFeedTarget {
    return {
      setLanAddresses: (zone, hosts) => {
        const r = target.setLanAddresses(zone, hosts)
        if (r.ok) void this.publish({ t: 'lan', zone, hosts })
        return r
      },
    }
  }
}
