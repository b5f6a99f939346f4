import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Kysely } from 'kysely'
import type { BackendError } from '../backends/backend.ts'
import type { Fqdn } from '../core/names.ts'
import type { ZoneSnapshot } from '../core/records.ts'
import { ok, type Result } from '../core/result.ts'
import { createLogger } from '../observability/logger.ts'
import { FakeBackend } from '../../test/fakes/backend.ts'
import { Publisher } from '../publisher/publisher.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { openSqlite } from '../store/sql/sqlite.ts'
import { syncZones } from '../store/zones.ts'
import { ZoneSync } from './zone-sync.ts'

const ZONE = 'dyn.example' as Fqdn
const logger = createLogger('silent')

let db: Kysely<Database>
let sync: ZoneSync | undefined
let publisher: Publisher | undefined
beforeEach(async () => {
  db = openSqlite(':memory:')
  assert.ok((await migrateToLatest(db as Kysely<unknown>)).ok)
})
afterEach(async () => {
  sync?.stop()
  publisher?.close()
  await db.destroy()
})

/** A zone sync over a backend that records the serial of every load. */
async function setup(holds: () => boolean): Promise<{ loads: number[]; sync: ZoneSync }> {
  const [zone] = await syncZones(db, [{ name: ZONE, backend: 'fake', ttl: 60 }], new Date())
  assert.ok(zone !== undefined)
  const loads: number[] = []
  const backend = new (class extends FakeBackend {
    override load(snapshot?: ZoneSnapshot): Promise<Result<void, BackendError>> {
      if (snapshot !== undefined) loads.push(snapshot.soa.serial)
      return Promise.resolve(ok(undefined))
    }
  })()
  const backends = new Map([[ZONE, backend]])
  publisher = new Publisher({ backends, logger })
  const apex = { zone, ns: ['ns1.example' as Fqdn], rname: 'hostmaster.example' as Fqdn }
  const timers = { refresh: 3600, retry: 600, expire: 1209600, minimum: 60 }
  sync = new ZoneSync({ db, backends, publisher, logger, holds, zones: [{ ...apex, ...timers }] })
  return { loads, sync }
}

void describe('ZoneSync with a publisher lease', () => {
  it('leaves a zone another instance holds alone, and takes it over when won', async () => {
    let held = false
    const { loads, sync } = await setup(() => held)
    assert.equal(await sync.loadAll(), undefined)
    assert.deepEqual(loads, [], 'no start-up load of a zone held elsewhere')
    // Another instance commits a change: the serial moves, but this one does not follow.
    await db.updateTable('zones').set({ serial: 1000 }).execute()
    sync.start(10)
    await sleep(100)
    assert.deepEqual(loads, [])
    held = true
    assert.equal(await sync.takeOver(ZONE), undefined)
    assert.deepEqual(loads, [1000])
    // Now the holder: a later commit elsewhere is followed by the poll.
    await db.updateTable('zones').set({ serial: 1001 }).execute()
    const deadline = Date.now() + 2000
    while (loads.length < 2 && Date.now() < deadline) await sleep(10)
    assert.deepEqual(loads, [1000, 1001])
  })
})
