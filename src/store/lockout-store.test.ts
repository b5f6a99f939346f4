import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { parseIp, type IpAddress } from '../core/addresses/addresses.ts'
import { Lockouts } from '../core/auth/lockout.ts'
import { liftLockout, listLockouts, SqlLockoutStore, sweepLockouts } from './lockout-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'

const T0 = Date.parse('2030-01-01T00:00:00Z')
let t = T0
const clock = { now: () => new Date(t) }
const SETTINGS = { threshold: 2, baseSeconds: 60, maxSeconds: 600, resetSeconds: 3600 }

function ip(text: string): IpAddress {
  const r = parseIp(text)
  assert.ok(r.ok)
  return r.value
}

let db: Kysely<Database>

for (const dialect of STORE_DIALECTS) {
  void describe(`lockout store (${dialect.name})`, () => {
    dialect.useServer()

    beforeEach(async () => {
      t = T0
      db = await dialect.fresh()
      assert.equal((await migrateToLatest(db as Kysely<unknown>)).ok, true)
    })
    afterEach(async () => {
      await db.destroy()
    })

    it('persists failures and locks, and a second store sees them (a restart)', async () => {
      const first = new Lockouts({
        store: new SqlLockoutStore(db),
        clock,
        settings: SETTINGS,
        allow: [],
      })
      await first.failed('user:alice', ip('203.0.113.7'))
      await first.failed('user:alice', ip('203.0.113.7'))
      const second = new Lockouts({
        store: new SqlLockoutStore(db),
        clock,
        settings: SETTINGS,
        allow: [],
      })
      assert.equal(await second.check('user:alice', ip('203.0.113.7')), 60)
      t += 60_000
      await second.failed('user:alice', ip('203.0.113.7'))
      assert.equal(await first.check('user:alice', ip('203.0.113.7')), 120, 'doubled')
    })

    it('lists locked pairs first and lifts by user name, optionally per source', async () => {
      const lockouts = new Lockouts({
        store: new SqlLockoutStore(db),
        clock,
        settings: SETTINGS,
        allow: [],
      })
      for (const source of ['203.0.113.7', '198.51.100.1']) {
        await lockouts.failed('user:alice', ip(source))
        await lockouts.failed('user:alice', ip(source))
      }
      await lockouts.failed('token', ip('2001:db8:1:2::5'))
      const listed = await listLockouts(db, clock.now())
      assert.deepEqual(
        listed.map((l) => [l.subject, l.source, l.locked]),
        [
          ['user:alice', '203.0.113.7', true],
          ['user:alice', '198.51.100.1', true],
          ['token', '2001:db8:1:2::/64', false],
        ].sort((a, b) => Number(b[2]) - Number(a[2])),
      )
      assert.equal((await listLockouts(db, clock.now(), { lockedOnly: true })).length, 2)
      assert.equal(await liftLockout(db, 'alice', '198.51.100.1'), 1)
      assert.equal(await lockouts.check('user:alice', ip('198.51.100.1')), undefined)
      assert.equal(await lockouts.check('user:alice', ip('203.0.113.7')), 60)
      assert.equal(await liftLockout(db, 'user:alice'), 1)
      assert.equal(await liftLockout(db, 'nobody'), 0)
      assert.equal(await liftLockout(db, 'token'), 1)
      assert.deepEqual(await listLockouts(db, clock.now()), [])
    })

    it('sweeps pairs whose lock ended and whose last failure is old', async () => {
      const lockouts = new Lockouts({
        store: new SqlLockoutStore(db),
        clock,
        settings: SETTINGS,
        allow: [],
      })
      await lockouts.failed('user:old', ip('203.0.113.1'))
      t += 7200_000
      await lockouts.failed('user:new', ip('203.0.113.2'))
      await lockouts.failed('user:new', ip('203.0.113.2'))
      assert.equal(await sweepLockouts(db, new Date(t - 3600_000)), 1)
      assert.deepEqual(
        (await listLockouts(db, clock.now())).map((l) => l.subject),
        ['user:new'],
      )
    })
  })
}
