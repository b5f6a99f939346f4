/**
 * Benchmark (not a test): the HTTP update path of a real `dynzone serve`, driven by autocannon
 * over HTTP/1.1 keep-alive with token auth (DynDNS2 `/nic/update`, Basic auth):
 *  1. `nochg`: every request repeats each host's current address; the anchor is a bare
 *     Fastify route answering a constant string, in its own process, in the same run.
 *  2. changing addresses: every request sets a new address, published to the built-in
 *     server and, separately, to a real BIND over RFC 2136 + TSIG; `good` means published.
 *     Then an open-loop stream at a fixed rate measures request → `good` and `good` → a DNS
 *     query at the serving name server seeing the address (p50, p99).
 * Run: `npm run bench:update`; options `--seconds 5 --runs 3 --connections 50 --hosts 1000
 * --rate 1000 --warmup 2 --json [file]` (`--warmup`: seconds of the open-loop stream sent
 * before its samples count).
 */
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import type { Fqdn } from '../src/core/names.ts'
import { startBind } from '../test/helpers/bind.ts'
import { DnsProber } from './dns-probe.ts'
import { median, quantile, sleep, spread, table, writeJson } from './lib/stats.ts'
import {
  benchAddress,
  startBenchDynzone,
  ZONE,
  type BenchDynzone,
  type Publish,
} from './update-path/dynzone.ts'

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    hosts: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '2' },
    scale: { type: 'string', default: '10000,1000000' },
    modes: { type: 'string', default: 'nochg,builtin,bind,scale' },
    json: { type: 'string' },
  },
})
const SECONDS = Number(opts.seconds)
const WARMUP = Number(opts.warmup)
const RUNS = Number(opts.runs)
const CONNECTIONS = Number(opts.connections)
const HOSTS = Number(opts.hosts)
const RATE = Number(opts.rate)
const MODES = new Set(opts.modes.split(','))
const SCALE = opts.scale.split(',').map(Number)
const KEY = {
  name: 'bench',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 4).toString('base64'),
}
// The limits stay on (their cost is part of a real request) but far above this load, which
// comes from one address: a real deployment's requests come from many.
const LIMITS = ['[rate_limit]', 'good_max = 10000000', 'host_good_max = 10000000', 'exempt = []']

let sequence = 0
const sequenceOf = new Map<string, number>()
function nextAddress(): { value: string; seq: number } {
  sequence += 1
  const value = `10.${String((sequence >> 16) & 255)}.${String((sequence >> 8) & 255)}.${String(sequence & 255)}`
  sequenceOf.set(value, sequence)
  return { value, seq: sequence }
}
const hostName = (i: number): string => `h${String(i % HOSTS)}.${ZONE}`
const path = (i: number, ip: string): string => `/nic/update?hostname=${hostName(i)}&myip=${ip}`

interface Load {
  readonly rps: number
  /** Replies whose body starts with the expected word, per second. */
  readonly expected: number
  readonly other: number
}

async function load(url: string, auth: string, word: string, next: () => string): Promise<Load> {
  let expected = 0
  let other = 0
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'GET',
        headers: { authorization: auth },
        setupRequest: (req) => ({ ...req, path: next() }),
        onResponse: (status: number, body: string) => {
          if (status === 200 && body.startsWith(word)) expected += 1
          else other += 1
        },
      },
    ],
  })
  const seconds = result.duration
  return { rps: result.requests.total / seconds, expected: expected / seconds, other }
}

async function startBare(): Promise<{ url: string; stop: () => Promise<void> }> {
  const script = new URL('./update-path/bare-fastify.ts', import.meta.url).pathname
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [line] = (await once(child.stdout, 'data')) as [Buffer]
  const port = /listening (\d+)/.exec(line.toString())?.[1] ?? '0'
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

const basic = (d: BenchDynzone): string =>
  `Basic ${Buffer.from(`${d.user}:${d.token}`).toString('base64')}`

/** Sets every host's address once, so the `nochg` load has something to repeat. */
async function prime(d: BenchDynzone): Promise<string[]> {
  const addresses: string[] = []
  for (let i = 0; i < HOSTS; i++) {
    const { value } = nextAddress()
    const r = await fetch(d.http + path(i, value), { headers: { authorization: basic(d) } })
    const body = await r.text()
    if (!body.startsWith('good')) throw new Error(`priming h${String(i)}: ${body}`)
    addresses.push(value)
  }
  return addresses
}

interface Stream {
  readonly offered: number
  readonly answered: number
  readonly good: number[]
  readonly seen: number[]
}

/**
 * GET over keep-alive connections from one pool (node:http): `fetch` costs the client several
 * times what the server spends on a request, and a client that falls behind at the start of
 * the stream opens a connection per request it is late with, which then shows as server time.
 */
function httpGetter(
  base: string,
  auth: string,
): { get(path: string): Promise<string>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const url = new URL(base)
  return {
    get: (p) =>
      new Promise((resolve, reject) => {
        const req = request(
          { agent, host: url.hostname, port: url.port, path: p, headers: { authorization: auth } },
          (res) => {
            let body = ''
            res.setEncoding('utf8')
            res.on('data', (c: string) => (body += c))
            res.on('end', () => {
              resolve(body)
            })
          },
        )
        req.on('error', reject)
        req.end()
      }),
    close: () => {
      agent.destroy()
    },
  }
}

async function openLoop(d: BenchDynzone, dnsPort: number): Promise<Stream> {
  const good: number[] = []
  const seen: number[] = []
  const http = httpGetter(d.http, basic(d))
  const dns = new DnsProber(dnsPort)
  // One request in flight per host: two racing updates of one host may commit in either
  // order, and the later-numbered address would then never be served.
  const busy = new Set<number>()
  let cursor = 0
  const one = async (): Promise<void> => {
    while (busy.has(cursor % HOSTS)) cursor += 1
    const i = cursor++ % HOSTS
    busy.add(i)
    const a = nextAddress()
    const t0 = performance.now()
    const body = await http.get(path(i, a.value))
    const t1 = performance.now()
    if (!body.startsWith('good')) throw new Error(`open loop: ${body}`)
    for (;;) {
      const answer = await dns.queryA(hostName(i) as Fqdn)
      if (answer.some((v) => (sequenceOf.get(v) ?? 0) >= a.seq)) break
      if (performance.now() - t1 > 5000) throw new Error(`${hostName(i)} never served`)
    }
    if (t0 - start >= WARMUP * 1000) {
      good.push(t1 - t0)
      seen.push(performance.now() - t1)
    }
    busy.delete(i)
  }
  const start = performance.now()
  const all: Promise<void>[] = []
  while (performance.now() - start < (WARMUP + SECONDS) * 1000) {
    const due = Math.floor(((performance.now() - start) * RATE) / 1000)
    while (all.length < due && busy.size < HOSTS) all.push(one())
    await sleep(1)
  }
  await Promise.all(all)
  http.close()
  dns.close()
  return { offered: RATE, answered: all.length / ((performance.now() - start) / 1000), good, seen }
}

const rows: string[][] = [
  ['benchmark', 'requests/s median (min..max)', 'expected replies/s', 'other replies', 'vs anchor'],
]
const lines: string[] = []
const json: Record<string, unknown> = { benchmark: 'update-path', date: new Date().toISOString() }

function row(name: string, runs: readonly Load[], anchor: number): number {
  const rps = median(runs.map((r) => r.rps))
  rows.push([
    name,
    spread(runs.map((r) => r.rps)),
    spread(runs.map((r) => r.expected)),
    String(runs.reduce((n, r) => n + r.other, 0)),
    anchor > 0 ? `${(rps / anchor).toFixed(2)}x` : '1.00x',
  ])
  json[name] = runs
  return rps
}

function streamLine(name: string, s: Stream): void {
  const ms = (xs: number[], q: number): string => quantile(xs, q).toFixed(2)
  lines.push(
    `${name}: open loop at ${String(s.offered)}/s (${s.answered.toFixed(0)} answered/s): ` +
      `request -> good ms p50 ${ms(s.good, 0.5)} p99 ${ms(s.good, 0.99)}; ` +
      `good -> DNS sees it ms p50 ${ms(s.seen, 0.5)} p99 ${ms(s.seen, 0.99)} (${String(s.good.length)} samples)`,
  )
  json[`${name} open loop`] = {
    ...s,
    good: undefined,
    seen: undefined,
    goodP99: quantile(s.good, 0.99),
    seenP99: quantile(s.seen, 0.99),
  }
}

async function withDynzone<T>(
  publish: Publish,
  body: (d: BenchDynzone) => Promise<T>,
  hosts = HOSTS,
  addresses = false,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-bench-update-'))
  const d = await startBenchDynzone(dir, publish, hosts, LIMITS, addresses)
  try {
    return await body(d)
  } finally {
    await d.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

// 1. nochg: dynzone vs the bare route, interleaved run by run (the anchor always runs).
const bare = await startBare()
const anchorRuns: Load[] = []
const nochgRuns: Load[] = []
await withDynzone({ kind: 'builtin' }, async (d) => {
  const current = MODES.has('nochg') ? await prime(d) : []
  let n = 0
  for (let r = 0; r < RUNS; r++) {
    anchorRuns.push(await load(bare.url, basic(d), 'nochg', () => path(0, '192.0.2.1')))
    if (!MODES.has('nochg')) continue
    nochgRuns.push(await load(d.http, basic(d), 'nochg', () => path(n, current[n++ % HOSTS] ?? '')))
  }
})
await bare.stop()
const anchor = row('bare Fastify route (anchor)', anchorRuns, 0)
if (MODES.has('nochg')) row('dynzone nochg, token auth', nochgRuns, anchor)

// 2. changing addresses: into the built-in server, then into BIND.
async function changing(d: BenchDynzone): Promise<Load[]> {
  const runs: Load[] = []
  let n = 0
  for (let r = 0; r < RUNS; r++)
    runs.push(await load(d.http, basic(d), 'good', () => path(n++, nextAddress().value)))
  return runs
}

if (MODES.has('builtin'))
  await withDynzone({ kind: 'builtin' }, async (d) => {
    row('dynzone changing, built-in server', await changing(d), anchor)
    streamLine('built-in server', await openLoop(d, d.dnsPort))
  })
// The same stream with one DNS worker process (`dns.workers = 1`): queries are answered by a
// process that is never busy with an HTTP update, and `good` still waits for its copy.
if (MODES.has('builtin'))
  await withDynzone({ kind: 'builtin', workers: 1 }, async (d) => {
    streamLine('built-in server, dns.workers = 1', await openLoop(d, d.dnsPort))
  })
const bind = MODES.has('bind')
  ? await startBind([KEY], [{ name: ZONE, keys: [KEY.name] }])
  : undefined
if (bind !== undefined)
  try {
    const keyFile = join(bind.dir, 'bench.key')
    writeFileSync(
      keyFile,
      `key "${KEY.name}" { algorithm hmac-sha256; secret "${KEY.secret}"; };\n`,
    )
    await withDynzone({ kind: 'rfc2136', port: bind.port, keyFile }, async (d) => {
      row('dynzone changing, into BIND (RFC 2136)', await changing(d), anchor)
      streamLine('BIND', await openLoop(d, bind.port))
    })
  } finally {
    await bind.stop()
  }

// 3. Scale: the nochg load over zones of each size in --scale, the hosts inserted with their
// addresses as a bulk import of live hosts would; each request picks a random host.
const scaleRps: number[] = []
if (MODES.has('scale'))
  for (const size of SCALE)
    await withDynzone(
      { kind: 'builtin' },
      async (d) => {
        const runs: Load[] = []
        for (let r = 0; r < RUNS; r++)
          runs.push(
            await load(d.http, basic(d), 'nochg', () => {
              const i = Math.floor(Math.random() * size)
              return `/nic/update?hostname=h${String(i)}.${ZONE}&myip=${benchAddress(i)}`
            }),
          )
        scaleRps.push(
          row(`dynzone nochg, ${size.toLocaleString('en')} hosts, random`, runs, anchor),
        )
      },
      size,
      true,
    )
if (scaleRps.length > 1) {
  const first = scaleRps[0] ?? 0
  const last = scaleRps[scaleRps.length - 1] ?? 0
  lines.push(
    `nochg at ${(SCALE[SCALE.length - 1] ?? 0).toLocaleString('en')} hosts: ${(last / first).toFixed(2)}x the ${(SCALE[0] ?? 0).toLocaleString('en')}-host figure`,
  )
}

console.log(
  `update path, ${String(CONNECTIONS)} connections, ${String(HOSTS)} hosts, ${String(RUNS)} runs of ${String(SECONDS)} s`,
)
console.log(table(rows))
for (const l of lines) console.log(l)
writeJson(opts.json, json)
