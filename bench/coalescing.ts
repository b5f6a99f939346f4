/**
 * Benchmark (not a test): changes per second published into a real BIND and a real Knot over
 * RFC 2136 with TSIG, through dynzone's publisher (changes that arrive during a push are
 * coalesced into the next one) versus one UPDATE message per change (the anchor); then an
 * open-loop stream at a fixed rate measuring the time to `good` (the publish resolving, which
 * is when the update service answers) and from `good` to a DNS query at the server seeing the
 * address. Every change sets a new address. Run: `npm run bench:coalescing`; options
 * `--servers bind,knot --writers 32,1000 --seconds 3 --runs 3 --rate 1000 --json [file]`.
 */
import { parseArgs } from 'node:util'
import { Rfc2136Backend } from '../src/backends/rfc2136/rfc2136-backend.ts'
import { rfc2136Settings } from '../src/backends/rfc2136/settings.ts'
import type { DnsBackend } from '../src/backends/backend.ts'
import type { Fqdn } from '../src/core/names.ts'
import type { ChangeSet } from '../src/core/records.ts'
import { Publisher } from '../src/publisher/publisher.ts'
import { startBind } from '../test/helpers/bind.ts'
import { startKnot } from '../test/helpers/knot.ts'
import { queryA } from './dns-probe.ts'
import { median, quantile, sleep, spread, table, writeJson } from './lib/stats.ts'

const { values: opts } = parseArgs({
  options: {
    servers: { type: 'string', default: 'bind,knot' },
    writers: { type: 'string', default: '32,1000' },
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
    json: { type: 'string' },
  },
})
const RUN_MS = Number(opts.seconds) * 1000
const RUNS = Number(opts.runs)
const WRITERS = opts.writers.split(',').map(Number)
const RATE = Number(opts.rate)
const NAMES = 1000
const ZONE = 'bench.example.test' as Fqdn
const KEY = {
  name: 'bench',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 3).toString('base64'),
}
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }

// Every change a new address; the sequence number of each value tells "this or a later one".
let serial = 1
let sequence = 0
const sequenceOf = new Map<string, number>()
function change(n: number): { change: ChangeSet; name: Fqdn; seq: number } {
  sequence += 1
  const value = `10.${String((sequence >> 16) & 255)}.${String((sequence >> 8) & 255)}.${String(sequence & 255)}`
  sequenceOf.set(value, sequence)
  const name = `w${String(n % NAMES)}.${ZONE}` as Fqdn
  const replace = [{ name, type: 'A' as const, ttl: 60, values: [value] }]
  return { change: { zone: ZONE, serial: ++serial, replace, remove: [] }, name, seq: sequence }
}

type Counting = DnsBackend & { messages: number }
function counting(backend: DnsBackend): Counting {
  const wrapped: Counting = {
    kind: backend.kind,
    types: backend.types,
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

async function timed(backend: Counting, body: (until: number) => Promise<number>): Promise<Run> {
  const start = performance.now()
  const before = backend.messages
  const changes = await body(start + RUN_MS)
  return {
    changes,
    messages: backend.messages - before,
    seconds: (performance.now() - start) / 1000,
  }
}

function coalescedRun(backend: Counting, writers: number): Promise<Run> {
  return timed(backend, async (until) => {
    const publisher = new Publisher({ backends: new Map([[ZONE, backend]]), logger: quiet })
    let changes = 0
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        while (performance.now() < until) {
          const r = await publisher.publish([change(w).change], 10_000)
          if (!r.ok) throw new Error(r.error.message)
          changes += 1
        }
      }),
    )
    publisher.close()
    return changes
  })
}

function perChangeRun(backend: Counting): Promise<Run> {
  return timed(backend, async (until) => {
    const signal = new AbortController().signal
    let changes = 0
    for (let w = 0; performance.now() < until; w++) {
      const r = await backend.apply(change(w).change, signal)
      if (!r.ok) throw new Error(r.error.message)
      changes += 1
    }
    return changes
  })
}

interface Stream {
  readonly rate: number
  readonly published: number
  readonly seconds: number
  readonly good: number[]
  readonly seen: number[]
}

/** Offers `RATE` changes per second for `RUN_MS`, each waiting for `good`, then for DNS. */
async function openLoop(backend: Counting, port: number): Promise<Stream> {
  const publisher = new Publisher({ backends: new Map([[ZONE, backend]]), logger: quiet })
  const good: number[] = []
  const seen: number[] = []
  const one = async (n: number): Promise<void> => {
    const c = change(n)
    const t0 = performance.now()
    const r = await publisher.publish([c.change], 10_000)
    if (!r.ok) throw new Error(r.error.message)
    const t1 = performance.now()
    for (;;) {
      const answer = await queryA(port, c.name)
      if (answer.some((v) => (sequenceOf.get(v) ?? 0) >= c.seq)) break
      if (performance.now() - t1 > 5000) throw new Error(`${c.name} never served`)
    }
    good.push(t1 - t0)
    seen.push(performance.now() - t1)
  }
  const start = performance.now()
  const all: Promise<void>[] = []
  while (performance.now() - start < RUN_MS) {
    const due = Math.floor(((performance.now() - start) * RATE) / 1000)
    while (all.length < due) all.push(one(all.length))
    await sleep(1)
  }
  await Promise.all(all)
  const seconds = (performance.now() - start) / 1000
  publisher.close()
  return { rate: RATE, published: all.length, seconds, good, seen }
}

interface Target {
  readonly name: string
  readonly port: number
  stop(): Promise<void>
}

async function startTarget(kind: string): Promise<Target> {
  const zones = [{ name: ZONE, keys: [KEY.name] }]
  if (kind === 'bind') return { name: 'BIND', ...(await startBind([KEY], zones)) }
  if (kind === 'knot') return { name: 'Knot', ...(await startKnot([KEY], zones)) }
  throw new Error(`unknown server ${kind} (bind, knot)`)
}

async function benchServer(target: Target): Promise<object> {
  const settings = rfc2136Settings.parse({
    server: '127.0.0.1',
    port: target.port,
    key_name: KEY.name,
    secret: KEY.secret,
    timeout_ms: 10_000,
  })
  const backend = counting(new Rfc2136Backend({ name: ZONE, ttl: 60 }, settings, { logger: quiet }))
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
  const single: Run[] = []
  const coalesced = new Map<number, Run[]>(WRITERS.map((w) => [w, []]))
  for (let i = 0; i < RUNS; i++) {
    single.push(await perChangeRun(backend))
    for (const w of WRITERS) coalesced.get(w)?.push(await coalescedRun(backend, w))
  }
  const stream = await openLoop(backend, target.port)
  const rate = (runs: readonly Run[], f: (r: Run) => number): number[] =>
    runs.map((r) => f(r) / r.seconds)
  const anchor = median(rate(single, (r) => r.changes))
  const rows = [
    ['mode', 'changes/s median (min..max)', 'UPDATE msgs/s', 'changes/msg', 'vs anchor'],
    [
      'one UPDATE per change (anchor)',
      spread(rate(single, (r) => r.changes)),
      spread(rate(single, (r) => r.messages)),
      '1.0',
      '1.00x',
    ],
  ]
  for (const [w, runs] of coalesced) {
    const perMsg =
      runs.reduce((n, r) => n + r.changes, 0) / runs.reduce((n, r) => n + r.messages, 0)
    rows.push([
      `publisher, ${String(w)} writers`,
      spread(rate(runs, (r) => r.changes)),
      spread(rate(runs, (r) => r.messages)),
      perMsg.toFixed(1),
      `${(median(rate(runs, (r) => r.changes)) / anchor).toFixed(1)}x`,
    ])
  }
  const ms = (xs: number[], q: number): string => quantile(xs, q).toFixed(2)
  console.log(`\n${target.name} (${String(RUNS)} runs of ${String(RUN_MS / 1000)} s per mode)`)
  console.log(table(rows))
  console.log(
    `open loop at ${String(stream.rate)} changes/s: ${(stream.published / stream.seconds).toFixed(0)} published/s; ` +
      `good ms p50 ${ms(stream.good, 0.5)} p99 ${ms(stream.good, 0.99)}; ` +
      `good -> query sees it ms p50 ${ms(stream.seen, 0.5)} p99 ${ms(stream.seen, 0.99)} (${String(stream.good.length)} samples)`,
  )
  return {
    server: target.name,
    single,
    coalesced: Object.fromEntries(coalesced),
    openLoop: {
      ...stream,
      good: undefined,
      seen: undefined,
      goodP50: quantile(stream.good, 0.5),
      goodP99: quantile(stream.good, 0.99),
      seenP50: quantile(stream.seen, 0.5),
      seenP99: quantile(stream.seen, 0.99),
    },
  }
}

const results: object[] = []
for (const kind of opts.servers.split(',')) {
  const target = await startTarget(kind.trim())
  try {
    results.push(await benchServer(target))
  } finally {
    await target.stop()
  }
}
writeJson(opts.json, { benchmark: 'coalescing', date: new Date().toISOString(), results })
