/**
 * Benchmark (not a test): how many credential guesses per minute get through dynzone's limits
 * (rate limits, lockouts) to a real credential check, against a real `dynzone serve`:
 *  1. one address guessing a user's password (DynDNS2 Basic auth);
 *  2. a spread of addresses (each request from another of 4,096) guessing the same password;
 *  3. a spread of addresses guessing tokens without a user name (DuckDNS `token=`).
 * Many sources are simulated with `X-Forwarded-For` and `http.trusted_proxies = 127.0.0.1`;
 * loopback is taken off the rate-limit and lockout allow-lists so the limits apply. All
 * traffic goes to 127.0.0.1, each scenario to its own fresh server, bounded by `--seconds`.
 * After each scenario the real owner updates from an address of their own, showing whether
 * the attack locked them out. Whatever limits exist are measured; none are assumed.
 * Run: `npm run bench:brute`; options `--seconds 20 --concurrency 8 --json [file]`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runDynzone, startDynzone } from '../test/helpers/dynzone-process.ts'
import { table, writeJson } from './lib/stats.ts'

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'string' },
  },
})
const SECONDS = Number(opts.seconds)
const CONCURRENCY = Number(opts.concurrency)
const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
const ARGS = [
  '--set',
  'http.port=0',
  '--set',
  'dns.port=0',
  '--set',
  'demo.enabled=false',
  '--set',
  'log.level=warn',
  '--set',
  'http.trusted_proxies=["127.0.0.1/32"]',
  '--set',
  'rate_limit.exempt=[]',
  '--set',
  'security.lockout_allow=[]',
]

interface Scenario {
  readonly name: string
  /** The request for guess number `i`: URL path and query, headers. */
  request(i: number): { path: string; headers: Record<string, string> }
}

const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`
const spreadAddress = (i: number): string => `198.18.${String((i >> 8) & 15)}.${String(i & 255)}`

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'password, one address',
    request: (i) => ({
      path: `/nic/update?hostname=${HOST}&myip=192.0.2.1`,
      headers: {
        authorization: basic('alice', `guess-${String(i)}`),
        'x-forwarded-for': '198.51.100.7',
      },
    }),
  },
  {
    name: 'password, 4,096 addresses',
    request: (i) => ({
      path: `/nic/update?hostname=${HOST}&myip=192.0.2.1`,
      headers: {
        authorization: basic('alice', `guess-${String(i)}`),
        'x-forwarded-for': spreadAddress(i),
      },
    }),
  },
  {
    name: 'token, 4,096 addresses',
    request: (i) => ({
      path: `/update?domains=home&token=guess-${String(i)}&ip=192.0.2.1`,
      headers: { 'x-forwarded-for': spreadAddress(i) },
    }),
  },
]

interface Outcome {
  readonly scenario: string
  readonly requests: number
  readonly checked: number
  readonly limited: number
  readonly errors: number
  readonly seconds: number
  readonly owner: string
}

async function runScenario(s: Scenario): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-brute-'))
  const cli = async (stdin: string, ...args: string[]): Promise<string> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin })
    if (r.code !== 0) throw new Error(`dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  await cli('alice-real-password\n', 'user', 'add', 'alice', '--password-stdin')
  await cli('', 'host', 'add', HOST, '--user', 'alice')
  const out = await cli('', 'token', 'create', '--user', 'alice', '--host', HOST, '--json')
  const token = (JSON.parse(out) as { secret: string }).secret
  const server = startDynzone(['serve', ...ARGS], dir)
  try {
    const m = await server.waitFor(/HTTP on (\S+):(\d+)/)
    const base = `http://127.0.0.1:${m[2] ?? ''}`
    let next = 0
    let checked = 0
    let limited = 0
    let errors = 0
    const started = performance.now()
    const deadline = started + SECONDS * 1000
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const { path, headers } = s.request(next++)
        try {
          const r = await fetch(base + path, { headers, signal: AbortSignal.timeout(10_000) })
          await r.arrayBuffer()
          if (r.status === 429) limited++
          else if (r.status >= 500) errors++
          else checked++
        } catch {
          errors++
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const seconds = (performance.now() - started) / 1000
    const own = await fetch(`${base}/nic/update?hostname=${HOST}&myip=192.0.2.99`, {
      headers: { authorization: basic('alice', token), 'x-forwarded-for': '203.0.113.200' },
    })
    const owner = `${String(own.status)} ${(await own.text()).trim()}`
    return { scenario: s.name, requests: next, checked, limited, errors, seconds, owner }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const results: Outcome[] = []
for (const s of SCENARIOS) {
  const r = await runScenario(s)
  results.push(r)
  console.error(`${r.scenario}: ${String(r.requests)} requests in ${r.seconds.toFixed(1)} s`)
}
const perMinute = (n: number, s: number): string => Math.round((n / s) * 60).toLocaleString('en')
console.log(
  table([
    ['scenario', 'requests/min', 'guesses checked/min', 'refused (429)', 'errors', 'owner after'],
    ...results.map((r) => [
      r.scenario,
      perMinute(r.requests, r.seconds),
      perMinute(r.checked, r.seconds),
      r.limited.toLocaleString('en'),
      String(r.errors),
      r.owner,
    ]),
  ]),
)
console.log(`(${String(SECONDS)} s per scenario, ${String(CONCURRENCY)} concurrent requests)`)
writeJson(opts.json, { seconds: SECONDS, concurrency: CONCURRENCY, results })
