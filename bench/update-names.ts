/**
 * Benchmark (not a test): RFC 2136 UPDATEs that each create a brand-new name, answered per
 * second, by dynzone's built-in server (each one checked against the zone's rules, stored with
 * history and a serial bump, and published) and by BIND `named` (a dynamic primary zone with
 * its journal), on the same machine in the same run. `writers` clients send one signed UPDATE
 * at a time each, over UDP; the figure is NOERROR answers per second, the ratio dynzone / BIND.
 * Run: `npm run bench:update-names`; options `--writers 8 --seconds 5 --runs 3 --type A --json [file]`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { signedExchange } from '../src/backends/rfc2136/client.ts'
import { encodeUpdate } from '../src/backends/rfc2136/update-message.ts'
import { Secret } from '../src/core/auth/secret.ts'
import type { Fqdn } from '../src/core/names.ts'
import type { RecordType } from '../src/core/records.ts'
import { encodeRdata } from '../src/zone/record-value.ts'
import { startBind } from '../test/helpers/bind.ts'
import { startBenchDynzone, ZONE } from './update-path/dynzone.ts'
import { median, spread, table, writeJson } from './lib/stats.ts'

const { values: opts } = parseArgs({
  options: {
    writers: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    type: { type: 'string', default: 'A' },
    json: { type: 'string' },
  },
})
const WRITERS = Number(opts.writers)
const RUN_MS = Number(opts.seconds) * 1000
const RUNS = Number(opts.runs)
const TYPE = opts.type as RecordType
const SECRET = Buffer.alloc(32, 7).toString('base64')
const KEY = { name: 'bench', algorithm: 'hmac-sha256', secret: new Secret(SECRET) } as const
const VALUES: Partial<Record<RecordType, string>> = {
  A: '192.0.2.1',
  TXT: '"bench"',
  MX: `10 mail.${ZONE}`,
  CNAME: `target.${ZONE}`,
}

let next = 0
/** UPDATEs answered NOERROR (and otherwise) per second, `WRITERS` at a time, for `RUN_MS`. */
async function measure(port: number, prefix: string): Promise<{ ok: number; other: number }> {
  const value = VALUES[TYPE] ?? '192.0.2.1'
  const rdata = encodeRdata(TYPE, value)
  if (!rdata.ok) throw new Error(rdata.error.message)
  const client = {
    host: '127.0.0.1',
    port,
    key: KEY,
    tcp: false,
    timeoutMs: 5000,
    now: () => Date.now() / 1000,
  }
  const signal = AbortSignal.timeout(RUN_MS + 30_000)
  const deadline = performance.now() + RUN_MS
  let ok = 0
  let other = 0
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const name = `${prefix}${String(next++)}.${ZONE}` as Fqdn
      const change = { name, type: TYPE, expect: null, next: { ttl: 300, rdata: [rdata.value] } }
      const reply = await signedExchange(
        client,
        (id) => encodeUpdate(ZONE as Fqdn, id, [change]),
        signal,
      )
      if (reply.ok && reply.value.header.rcode === 0) ok++
      else other++
    }
  }
  await Promise.all(Array.from({ length: WRITERS }, writer))
  return { ok: (ok * 1000) / RUN_MS, other: (other * 1000) / RUN_MS }
}

const dir = mkdtempSync(join(tmpdir(), 'dynzone-bench-names-'))
const bind = await startBind(
  [{ name: 'bench', algorithm: 'hmac-sha256', secret: SECRET }],
  [{ name: ZONE, keys: ['bench'] }],
)
const dynzone = await startBenchDynzone(dir, { kind: 'builtin' }, 0, [], false, [
  '[[dns.update_keys]]',
  'name = "bench"',
  `secret = "${SECRET}"`,
  `grant = [{ name = "${ZONE}", match = "subdomain" }]`,
])
const results: Record<string, { ok: number[]; other: number[] }> = {
  'BIND named (anchor)': { ok: [], other: [] },
  'dynzone, built-in server': { ok: [], other: [] },
}
try {
  for (let run = 0; run < RUNS; run++) {
    for (const [label, port] of [
      ['BIND named (anchor)', bind.port],
      ['dynzone, built-in server', dynzone.dnsPort],
    ] as const) {
      const r = await measure(port, `r${String(run)}n`)
      results[label]?.ok.push(r.ok)
      results[label]?.other.push(r.other)
    }
  }
} finally {
  await dynzone.stop()
  await bind.stop()
  rmSync(dir, { recursive: true, force: true })
}
const anchor = median(results['BIND named (anchor)']?.ok ?? [])
console.log(
  `UPDATE of new names (${TYPE}), ${String(WRITERS)} writers over UDP, ${String(RUNS)} runs of ${String(RUN_MS / 1000)} s`,
)
console.log(
  table([
    ['server', 'UPDATEs/s median (min..max)', 'not NOERROR/s', 'vs BIND'],
    ...Object.entries(results).map(([label, r]) => [
      label,
      spread(r.ok),
      String(Math.round(median(r.other))),
      `${(median(r.ok) / anchor).toFixed(2)}x`,
    ]),
  ]),
)
writeJson(opts.json, { writers: WRITERS, seconds: RUN_MS / 1000, runs: RUNS, type: TYPE, results })
