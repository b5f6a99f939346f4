/**
 * Prometheus metrics (prom-client). Names follow Prometheus conventions (`dynzone_` prefix,
 * `_total` counters, `_seconds` histograms); labels stay low-cardinality: never a hostname,
 * an address or a secret.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Fqdn } from '../core/names.ts'
import { Rcode } from '../dns/constants.ts'
import type { PublisherObserver } from '../publisher/publisher.ts'

const RCODE_NAMES = new Map<number, string>(
  Object.entries(Rcode).map(([name, code]) => [code, name]),
)

/** Every metric dynzone exports, on one registry. */
export class Metrics implements PublisherObserver {
  readonly registry = new Registry()
  readonly updates = new Counter({
    name: 'dynzone_updates_total',
    help: 'Update results per host (request-level refusals count once)',
    labelNames: ['dialect', 'result'] as const,
    registers: [this.registry],
  })
  readonly updateSeconds = new Histogram({
    name: 'dynzone_update_duration_seconds',
    help: 'Time to answer an update request',
    labelNames: ['dialect'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [this.registry],
  })
  readonly publishSeconds = new Histogram({
    name: 'dynzone_publish_duration_seconds',
    help: 'Time for a backend to apply one (coalesced) change set',
    labelNames: ['zone', 'backend'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  })
  readonly publishedChanges = new Counter({
    name: 'dynzone_published_changes_total',
    help: 'Committed change sets made live (several may be coalesced into one push)',
    labelNames: ['zone', 'backend'] as const,
    registers: [this.registry],
  })
  readonly backendErrors = new Counter({
    name: 'dynzone_backend_errors_total',
    help: 'Failed pushes to a backend, by error code',
    labelNames: ['zone', 'backend', 'code'] as const,
    registers: [this.registry],
  })
  readonly queueDepth = new Gauge({
    name: 'dynzone_publish_queue_depth',
    help: 'Committed change sets waiting to be published',
    labelNames: ['zone'] as const,
    registers: [this.registry],
  })
  // Counted per answer on the DNS hot path as plain integers (transport × 4-bit rcode),
  // handed to prom-client only when scraped.
  readonly #dnsCounts = { udp: new Float64Array(16), tcp: new Float64Array(16) }
  readonly #dnsExported = { udp: new Float64Array(16), tcp: new Float64Array(16) }
  readonly dnsQueries: Counter<'transport' | 'rcode'> = new Counter({
    name: 'dynzone_dns_queries_total',
    help: 'Queries answered by the built-in DNS server',
    labelNames: ['transport', 'rcode'] as const,
    registers: [this.registry],
    collect: () => {
      this.#exportDnsCounts()
    },
  })
  readonly dnsWorkerAnswers = new Counter({
    name: 'dynzone_dns_worker_answers_total',
    help: 'UDP answers sent by each DNS worker process (dns.workers), reported every second',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  })
  readonly drift = new Counter({
    name: 'dynzone_backend_drift_total',
    help: 'RRsets found different from the store during a resync, and repaired',
    labelNames: ['zone'] as const,
    registers: [this.registry],
  })

  #leases: { zones: readonly Fqdn[]; holds: (zone: Fqdn) => boolean } | undefined
  readonly leaseHeld = new Gauge({
    name: 'dynzone_publisher_lease_held',
    help: "Whether this instance holds the zone's publisher lease and pushes it (1) or not (0)",
    labelNames: ['zone'] as const,
    registers: [this.registry],
    collect: () => {
      for (const zone of this.#leases?.zones ?? []) {
        this.leaseHeld.set({ zone }, this.#leases?.holds(zone) === true ? 1 : 0)
      }
    },
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'dynzone_' })
  }

  /** Reports the leases of `zones` (those on a shared backend) when scraped. */
  watchLeases(zones: readonly Fqdn[], holds: (zone: Fqdn) => boolean): void {
    this.#leases = { zones, holds }
  }

  /** Counts answered DNS messages (one, or `count` reported by a DNS worker) by rcode. */
  answered(transport: 'udp' | 'tcp', rcode: number, count = 1): void {
    const counts = this.#dnsCounts[transport]
    counts[rcode & 0x0f] = (counts[rcode & 0x0f] ?? 0) + count
  }

  /** Counts a DNS worker's reported answers (`dns.workers`), also counted in `answered`. */
  workerAnswered(worker: number, count: number): void {
    this.dnsWorkerAnswers.inc({ worker: String(worker) }, count)
  }

  #exportDnsCounts(): void {
    for (const transport of ['udp', 'tcp'] as const) {
      const counts = this.#dnsCounts[transport]
      const exported = this.#dnsExported[transport]
      for (let rcode = 0; rcode < 16; rcode++) {
        const delta = (counts[rcode] ?? 0) - (exported[rcode] ?? 0)
        if (delta <= 0) continue
        exported[rcode] = counts[rcode] ?? 0
        this.dnsQueries.inc({ transport, rcode: RCODE_NAMES.get(rcode) ?? String(rcode) }, delta)
      }
    }
  }

  /** Counts one update request's results and its duration. */
  updated(dialect: string, results: readonly string[], seconds: number): void {
    for (const result of results) this.updates.inc({ dialect, result })
    this.updateSeconds.observe({ dialect }, seconds)
  }

  published(zone: Fqdn, backend: string, seconds: number, changes: number): void {
    this.publishSeconds.observe({ zone, backend }, seconds)
    this.publishedChanges.inc({ zone, backend }, changes)
  }

  failed(zone: Fqdn, backend: string, code: string): void {
    this.backendErrors.inc({ zone, backend, code })
  }

  depth(zone: Fqdn, pending: number): void {
    this.queueDepth.set({ zone }, pending)
  }

  drifted(zone: Fqdn, rrsets: number): void {
    this.drift.inc({ zone }, rrsets)
  }
}
