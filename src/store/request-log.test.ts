/**
 * The router inspector's log, on SQLite, PostgreSQL and MariaDB: nothing written until a
 * flush (no write per request), the newest 50 per host kept, rows past the age limit gone,
 * unknown hosts dropped, the waiting list bounded, a read writing what waits first.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import {
  INSPECTOR_DAYS,
  INSPECTOR_PER_HOST,
  type RequestTrace,
} from '../core/update/request-trace.ts'
import { migrateToLatest } from './migrate.ts'
import { MAX_PENDING, RequestLog } from './request-log.ts'
import type { Database } from './schema.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'

const NOW = Date.parse('2030-01-10T00:00:00Z')
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString()
const trace = (host: RequestTrace['host'], when: string, result = 'good'): RequestTrace => ({
  host,
  at: when,
  dialect: 'dyndns2',
  clientIp: '198.51.100.7',
  method: 'GET',
  path: '/nic/update',
  params: { hostname: 'home.dyn.example' },
  credentials: 'basic as alice',
  userAgent: 'curl',
  taken: { ipv4: '198.51.100.7', ipv6: 'not sent: kept' },
  result,
  reply: result,
  reason: '',
})

for (const dialect of STORE_DIALECTS)
  describe(`${dialect.name}: router inspector log`, () => {
    dialect.useServer()
    let db: Kysely<Database>
    let log: RequestLog
    let errors: unknown[]
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('update_requests')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )

    beforeEach(async () => {
      db = await dialect.fresh()
      assert.ok((await migrateToLatest(db as Kysely<unknown>)).ok)
      await db
        .insertInto('users')
        .values({ name: 'alice', email: null, password_hash: null, is_admin: 0, created_at: '' })
        .execute()
      await db
        .insertInto('zones')
        .values({ name: 'dyn.example', backend: 'builtin', serial: 1, created_at: '' })
        .execute()
      for (const label of ['home', 'office']) {
        await db
          .insertInto('hosts')
          .values({ zone_id: 1, label, owner_id: 1, dns_ttl: null, expiry_ttl: 0, created_at: '' })
          .execute()
      }
      errors = []
      log = new RequestLog(
        db,
        (e) => errors.push(e),
        () => new Date(NOW),
      )
    })
    afterEach(async () => {
      await db.destroy()
    })

    it('writes nothing until a flush, then one row per trace of an existing host', async () => {
      log.note([trace({ fqdn: 'home.dyn.example' }, at(0)), trace({ id: 2 }, at(1))])
      log.note([trace({ fqdn: 'nothere.dyn.example' }, at(2))])
      assert.equal(await count(), 0)
      assert.equal(log.pending, 3)
      await log.flush()
      assert.equal(await count(), 2)
      assert.equal(log.pending, 0)
      assert.deepEqual(errors, [])
    })

    it('keeps the newest 50 per host and reads newest first', async () => {
      for (let i = 0; i < INSPECTOR_PER_HOST + 15; i++) {
        log.note([trace({ fqdn: 'home.dyn.example' }, at(i)), trace({ id: 2 }, at(i))])
      }
      const rows = await log.recent(1, 100)
      assert.equal(rows.length, INSPECTOR_PER_HOST)
      assert.equal(rows[0]?.at, at(INSPECTOR_PER_HOST + 14))
      assert.equal(rows.at(-1)?.at, at(15))
      assert.equal(await count(), 2 * INSPECTOR_PER_HOST)
      assert.deepEqual(rows.at(0)?.taken, { ipv4: '198.51.100.7', ipv6: 'not sent: kept' })
    })

    it('drops rows past the age limit', async () => {
      log.note([trace({ id: 1 }, at(-INSPECTOR_DAYS * 86_400 - 1)), trace({ id: 1 }, at(-60))])
      const rows = await log.recent(1, 50)
      assert.deepEqual(
        rows.map((r) => r.at),
        [at(-60)],
      )
    })

    it('bounds what waits in memory, the oldest going first', () => {
      for (let i = 0; i < MAX_PENDING + 10; i++) log.note([trace({ id: 1 }, at(i))])
      assert.equal(log.pending, MAX_PENDING)
    })
  })
