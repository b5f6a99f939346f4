/**
 * Benchmark (not a test): published changes per second into a real BIND over RFC 2136 with
 * TSIG, through dynzone's publisher (changes that arrive during a push are coalesced into the
 * next UPDATE) versus one UPDATE message per change; and the time from `good` (the publish
 * resolving, which is when the update service answers) to a DNS query at BIND seeing the
 * new address. Every change sets a new address. Run: `npm run bench` (about 40 s).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startBind } from '../test/helpers/bind.ts'
import { Rfc2136Backend } from '../src/backends/rfc2136/rfc2136-backend.ts'
import { rfc2136Settings } from '../src/backends/rfc2136/settings.ts'
import type { DnsBackend } from '../src/backends/backend.ts'
import type { Fqdn } from '../src/core/names.ts'
import type { ChangeSet } from '../src/core/records.ts'
import { Publisher } from '../src/publisher/publisher.ts'
import { queryA } from './dns-probe.ts'

const ZONE = 'bench.example.test' as Fqdn
const KEY = {
  name: 'bench',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 3).toString('base64'),
}
const RUN_MS = 3000
const RUNS = 3
const WRITERS = 32
const LATENCY_SAMPLES = 200
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }

let serial = 1
let address = 0
function change(writer: number): ChangeSet {
  address += 1
  const value = `10.${String((address >> 16) & 255)}.${String((address >> 8) & 255)}.${String(address & 255)}`
  const name = `w${String(writer)}.${ZONE}` as Fqdn
  return {
    zone: ZONE,
    serial: ++serial,
    replace: [{ name, type: 'A', ttl: 60, values: [value] }],
    remove: [],
  }
}

/** Counts UPDATE messages (`apply` calls) on the way to the real backend. */
function counting(backend: DnsBackend): DnsBackend & { messages: number } {
  const wrapped = {
    kind: backend.kind,
    messages: 0,
    load: backend.load.bind(backend),
    close: backend.close.bind(backend),
    apply: (c: ChangeSet, s: AbortSignal) => {
      wrapped.messages += 1
      return backend.apply(c, s)
    },
  }
  return wrapped
}

interface Run {
  readonly changes: number
  readonly messages: number
  readonly seconds: number
}

async function coalescedRun(backend: DnsBackend & { messages: number }): Promise<Run> {
  const publisher = new Publisher({ backends: new Map([[ZONE, backend]]), logger: quiet })
  const start = performance.now()
  const before = backend.messages
  let changes = 0
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (performance.now() - start < RUN_MS) {
        const r = await publisher.publish([change(w)], 5000)
        if (!r.ok) throw new Error(r.error.message)
        changes += 1
      }
    }),
  )
  publisher.close()
  return {
    changes,
    messages: backend.messages - before,
    seconds: (performance.now() - start) / 1000,
  }
}

async function perChangeRun(backend: DnsBackend & { messages: number }): Promise<Run> {
  const signal = new AbortController().signal
  const start = performance.now()
  const before = backend.messages
  let changes = 0
  for (let w = 0; performance.now() - start < RUN_MS; w = (w + 1) % WRITERS) {
    const r = await backend.apply(change(w), signal)
    if (!r.ok) throw new Error(r.error.message)
    changes += 1
  }
  return {
    changes,
    messages: backend.messages - before,
    seconds: (performance.now() - start) / 1000,
  }
}

async function latencies(
  backend: DnsBackend,
  port: number,
): Promise<{ good: number[]; seen: number[] }> {
  const publisher = new Publisher({ backends: new Map([[ZONE, backend]]), logger: quiet })
  const good: number[] = []
  const seen: number[] = []
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const c = change(0)
    const value = c.replace[0]?.values[0] ?? ''
    const t0 = performance.now()
    const r = await publisher.publish([c], 5000)
    if (!r.ok) throw new Error(r.error.message)
    const t1 = performance.now()
    while (!(await queryA(port, `w0.${ZONE}` as Fqdn)).includes(value)) {
      if (performance.now() - t1 > 5000) throw new Error(`BIND never served ${value}`)
    }
    good.push(t1 - t0)
    seen.push(performance.now() - t1)
  }
  publisher.close()
  return { good, seen }
}

const median = (xs: readonly number[]): number => quantile(xs, 0.5)
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}
const rate = (runs: readonly Run[], f: (r: Run) => number): string => {
  const v = runs.map((r) => f(r) / r.seconds)
  return `${median(v).toFixed(0)} (${Math.min(...v).toFixed(0)}..${Math.max(...v).toFixed(0)})`
}

async function main(): Promise<void> {
  const bind = await startBind([KEY], [{ name: ZONE, keys: [KEY.name] }])
  try {
    const keyFile = join(bind.dir, 'bench.key')
    writeFileSync(
      keyFile,
      `key "${KEY.name}" { algorithm hmac-sha256; secret "${KEY.secret}"; };\n`,
    )
    const settings = rfc2136Settings.parse({
      server: '127.0.0.1',
      port: bind.port,
      key_file: keyFile,
    })
    const backend = counting(
      new Rfc2136Backend({ name: ZONE, ttl: 60 }, settings, { logger: quiet }),
    )
    const soa = {
      mname: ZONE,
      rname: ZONE,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 60,
    }
    const loaded = await backend.load(
      { name: ZONE, ttl: 60, soa, ns: [], records: [] },
      new AbortController().signal,
    )
    if (!loaded.ok) throw new Error(loaded.error.message)
    const coalesced: Run[] = []
    const single: Run[] = []
    for (let i = 0; i < RUNS; i++) {
      coalesced.push(await coalescedRun(backend))
      single.push(await perChangeRun(backend))
    }
    const lat = await latencies(backend, bind.port)
    const ratio =
      median(coalesced.map((r) => r.changes / r.seconds)) /
      median(single.map((r) => r.changes / r.seconds))
    const rows = [
      ['mode', 'changes/s median (min..max)', 'UPDATE msgs/s', 'changes/msg'],
      [
        `publisher, ${String(WRITERS)} writers (coalescing)`,
        rate(coalesced, (r) => r.changes),
        rate(coalesced, (r) => r.messages),
        (
          coalesced.reduce((n, r) => n + r.changes, 0) /
          coalesced.reduce((n, r) => n + r.messages, 0)
        ).toFixed(1),
      ],
      [
        'one UPDATE per change',
        rate(single, (r) => r.changes),
        rate(single, (r) => r.messages),
        '1.0',
      ],
    ]
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '))
    console.log(
      `ratio (coalescing / per change): ${ratio.toFixed(1)}x  (${String(RUNS)} runs of ${String(RUN_MS / 1000)} s)`,
    )
    console.log(
      `update answered (publish live), ms: p50 ${quantile(lat.good, 0.5).toFixed(2)}  p99 ${quantile(lat.good, 0.99).toFixed(2)}`,
    )
    console.log(
      `good -> DNS query at BIND sees the address, ms: p50 ${quantile(lat.seen, 0.5).toFixed(2)}  p99 ${quantile(lat.seen, 0.99).toFixed(2)}  (${String(LATENCY_SAMPLES)} samples)`,
    )
  } finally {
    await bind.stop()
  }
}

await main()
