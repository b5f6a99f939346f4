/**
 * Benchmark (not a test): how long clients get `dnserr` when the publisher lease holder dies.
 * Two instances on one PostgreSQL (or MariaDB) database publish one zone into a real BIND
 * over RFC 2136;
 * instance `a` holds the lease, a client sends an update to instance `b` every 100 ms (open
 * loop, a new address each time), and `a` is killed with SIGKILL. Reported per run: when `b`
 * took the lease, and the window of updates answered `dnserr` (sent from the first to the
 * last one not answered `good`, after the kill). Run: `npm run bench:failover`; options
 * `--lease 5,60 --deadline 3000 --runs 3 --db postgres|mariadb --json [file]`. The survivor
 * takes over when the database drops the holder's session (its lock), not when the lease
 * expires: `--lease 60` shows it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startDynzone, type DynzoneProcess } from '../test/helpers/dynzone-process.ts'
import { startMariadb } from '../test/helpers/mariadb.ts'
import { startPostgres } from '../test/helpers/postgres.ts'
import {
  addressOf,
  HOSTS,
  prepareDynzone,
  RestartableBind,
  update,
} from '../test/e2e/faults-setup.ts'
import { median, sleep, table, writeJson } from './lib/stats.ts'

const { values: opts } = parseArgs({
  options: {
    lease: { type: 'string', default: '5,60' },
    db: { type: 'string', default: 'postgres' },
    deadline: { type: 'string', default: '3000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
})
const leases = opts.lease.split(',').map(Number)
const deadlineMs = Number(opts.deadline)
const runs = Number(opts.runs)

interface Run {
  readonly lease: number
  readonly takeoverS: number
  readonly dnserrFromS: number | null
  readonly dnserrToS: number | null
  readonly dnserrS: number
  readonly answers: Record<string, number>
}

function serve(dir: string, id: string, lease: number): DynzoneProcess {
  return startDynzone(
    [
      'serve',
      ...['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false'],
      ...['--set', `cluster.instance_id=${id}`, '--set', `cluster.lease_seconds=${String(lease)}`],
      ...['--set', `update.answer_deadline_ms=${String(deadlineMs)}`],
    ],
    dir,
  )
}

async function once(dir: string, token: string, lease: number, first: number): Promise<Run> {
  const a = serve(dir, 'a', lease)
  await a.waitFor(/publisher lease acquired/, 60_000)
  const b = serve(dir, 'b', lease)
  const listening = await b.waitFor(/HTTP on (\S+?:\d+)/, 60_000)
  const http = `http://${listening[1] ?? ''}`
  const sent: Promise<{ at: number; answer: string }>[] = []
  let n = first
  const loop = setInterval(() => {
    const at = performance.now()
    const host = HOSTS[n % HOSTS.length] ?? ''
    const query = `hostname=${host}&myip=${addressOf(n++)}`
    sent.push(
      update(http, token, query).then(
        (answer) => ({ at, answer: answer.split(' ')[0] ?? '' }),
        () => ({ at, answer: 'error' }),
      ),
    )
  }, 100)
  await sleep(2000)
  const killed = performance.now()
  a.child.kill('SIGKILL')
  await a.exited
  const took = b
    .waitFor(/publisher lease acquired/, 4 * lease * 1000 + 10_000)
    .then(() => (performance.now() - killed) / 1000)
  const takeoverS = await took
  await sleep(deadlineMs + 3000)
  clearInterval(loop)
  const answers = await Promise.all(sent)
  await b.stop()
  const bad = answers.filter((x) => x.at >= killed && x.answer !== 'good')
  const from = bad[0]?.at
  const to = bad.at(-1)?.at
  const counts: Record<string, number> = {}
  for (const x of answers) counts[x.answer] = (counts[x.answer] ?? 0) + 1
  return {
    lease,
    takeoverS,
    dnserrFromS: from === undefined ? null : (from - killed) / 1000,
    dnserrToS: to === undefined ? null : (to - killed) / 1000,
    dnserrS: from === undefined || to === undefined ? 0 : (to - from) / 1000 + 0.1,
    answers: counts,
  }
}

const bind = await RestartableBind.start()
if (opts.db !== 'postgres' && opts.db !== 'mariadb') throw new Error('--db: postgres or mariadb')
const postgres = opts.db === 'postgres' ? await startPostgres() : await startMariadb()
process.env.DYNZONE_DATABASE_BACKEND = opts.db
process.env.DYNZONE_DATABASE_URL = postgres.url(await postgres.createDatabase('failover'))
const dir = mkdtempSync(join(tmpdir(), 'dynzone-failover-'))
const all: Run[] = []
try {
  const token = await prepareDynzone(dir, bind.port)
  let first = 1
  for (const lease of leases) {
    for (let i = 0; i < runs; i++) {
      const r = await once(dir, token, lease, first)
      first += 1000
      all.push(r)
      process.stderr.write(`${JSON.stringify(r)}\n`)
    }
  }
} finally {
  await bind.stop()
  await postgres.stop()
  rmSync(dir, { recursive: true, force: true })
}
const f = (x: number): string => x.toFixed(1)
console.log(
  `failover on ${opts.db}: kill -9 of the lease holder, updates to the survivor every 100 ms, answer deadline ${String(deadlineMs)} ms`,
)
console.log(
  table([
    ['lease_seconds', 'takeover s (each run)', 'dnserr window s (each run)', 'dnserr s median'],
    ...leases.map((lease) => {
      const rs = all.filter((r) => r.lease === lease)
      return [
        String(lease),
        rs.map((r) => f(r.takeoverS)).join(', '),
        rs.map((r) => f(r.dnserrS)).join(', '),
        f(median(rs.map((r) => r.dnserrS))),
      ]
    }),
  ]),
)
if (opts.json !== undefined) writeJson(opts.json, { deadlineMs, runs: all })
