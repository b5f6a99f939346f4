/**
 * Failover driven by the holder's database session: two instances on one PostgreSQL (then
 * MariaDB) database publish a zone into BIND with a long lease (`lease_seconds = 60`), and
 * the holder is killed with SIGKILL. The database server releases the dead session's lock
 * (PostgreSQL advisory lock, MariaDB `GET_LOCK`), so the survivor takes the zone within
 * seconds, long before the lease could expire (40 s at the earliest), and publishes.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { DbServer } from '../helpers/db-server.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { startMariadb } from '../helpers/mariadb.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { digShort } from '../helpers/tools.ts'
import { HOSTS, prepareDynzone, RestartableBind, update } from './faults-setup.ts'

const LEASE = 60

function serve(dir: string, id: string): DynzoneProcess {
  return startDynzone(
    [
      'serve',
      ...['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false'],
      ...['--set', `cluster.instance_id=${id}`, '--set', `cluster.lease_seconds=${String(LEASE)}`],
    ],
    dir,
  )
}

const DATABASES: readonly { name: string; start: () => Promise<DbServer> }[] = [
  { name: 'postgres', start: startPostgres },
  { name: 'mariadb', start: () => startMariadb() },
]

for (const database of DATABASES) {
  void describe(`lease takeover on ${database.name} when the holder's session dies`, () => {
    let bind: RestartableBind
    let server: DbServer
    let dir: string
    const running: DynzoneProcess[] = []

    before(async () => {
      bind = await RestartableBind.start()
      server = await database.start()
      // Every dynzone this file starts (CLI and servers) inherits the shared database.
      process.env.DYNZONE_DATABASE_BACKEND = database.name
      process.env.DYNZONE_DATABASE_URL = server.url(await server.createDatabase('lease'))
      dir = mkdtempSync(join(tmpdir(), 'dynzone-lease-'))
    })
    after(async () => {
      for (const p of running) await p.stop()
      await bind.stop()
      await server.stop()
      delete process.env.DYNZONE_DATABASE_BACKEND
      delete process.env.DYNZONE_DATABASE_URL
      rmSync(dir, { recursive: true, force: true })
    })

    it('the survivor takes the zone within seconds of kill -9, not after the lease', async () => {
      const token = await prepareDynzone(dir, bind.port)
      const a = serve(dir, 'a')
      running.push(a)
      await a.waitFor(/publisher lease acquired/, 60_000)
      const b = serve(dir, 'b')
      running.push(b)
      const listening = await b.waitFor(/HTTP on (\S+?:\d+)/, 60_000)
      const http = `http://${listening[1] ?? ''}`
      assert.doesNotMatch(b.stdout(), /publisher lease acquired/, 'a holds it while alive')

      const killed = performance.now()
      a.child.kill('SIGKILL')
      await a.exited
      // 15 s: far below the 40 s after which an expired lease could be taken at the earliest.
      await b.waitFor(/publisher lease acquired/, 15_000)
      const seconds = (performance.now() - killed) / 1000
      assert.ok(seconds < 15, `took ${seconds.toFixed(1)} s`)

      const zones = await runDynzone(['zone', 'list', '--json'], dir)
      const [row] = JSON.parse(zones.stdout) as { lease: { holder: string | null } }[]
      assert.equal(row?.lease.holder, 'b')
      const host = HOSTS[0] ?? ''
      assert.equal(await update(http, token, `hostname=${host}&myip=192.0.2.61`), 'good')
      assert.deepEqual(await digShort('127.0.0.1', bind.port, host), ['192.0.2.61'])
    })
  })
}
