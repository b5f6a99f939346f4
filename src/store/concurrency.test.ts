/**
 * Concurrent writers on one database, as several dynzone instances are: updates of one zone
 * sent at once through two separate connection pools must each get their own serial and
 * leave exactly one A record per host (SQLite serializes writers; PostgreSQL and MariaDB
 * rely on the zone row locks of zone-locks.ts).
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import type { Fqdn } from '../core/names.ts'
import type { UpdateContext } from '../core/ports.ts'
import { SqlAccountStore } from './account-store.ts'
import { openDatabase } from './database.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { SqlUpdateStore } from './update-store.ts'
import { syncZones, zoneSerials } from './zones.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const ZONE = 'dyn.example' as Fqdn
const WRITERS = 12

for (const dialect of STORE_DIALECTS) {
  void describe(`${dialect.name}: concurrent writers`, () => {
    dialect.useServer()
    let first: Kysely<Database>
    let second: Kysely<Database>

    beforeEach(async () => {
      first = await dialect.fresh()
      assert.equal((await migrateToLatest(first as Kysely<unknown>)).ok, true)
      // A second pool on the same database: another instance. (SQLite in memory has one.)
      const other = dialect.name === 'sqlite' ? undefined : openDatabase(dialect.settings())
      if (other !== undefined && !other.ok) throw new Error(other.error)
      second = other?.value ?? first
    })

    afterEach(async () => {
      if (second !== first) await second.destroy()
      await first.destroy()
    })

    void it('gives every transaction its own serial and keeps one A record', async () => {
      const zones = await syncZones(first, [{ name: ZONE, backend: 'builtin', ttl: 60 }], NOW)
      const accounts = new SqlAccountStore(
        first,
        zones.map((z) => z.name),
      )
      const owner = await accounts.insertUser({
        name: 'alice',
        email: null,
        passwordHash: null,
        isAdmin: false,
        createdAt: NOW.toISOString(),
      })
      await accounts.insertHost({
        zone: ZONE,
        label: 'home',
        ownerId: owner.id,
        ttl: null,
        createdAt: NOW.toISOString(),
      })
      const stores = [new SqlUpdateStore(first, zones), new SqlUpdateStore(second, zones)] as const
      const home = await stores[0].findHost(`home.${ZONE}` as Fqdn)
      assert.ok(home)
      const at = (i: number): UpdateContext => ({
        dialect: 'dyndns2',
        clientIp: `198.51.100.${String(i)}`,
        actor: 'alice',
        at: new Date(NOW.getTime() + i).toISOString(),
      })
      // Every writer read the host before any wrote: all of them change it.
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          stores[i % 2 === 0 ? 0 : 1].commitUpdate(
            [{ host: home, ipv4: `203.0.113.${String(i + 1)}`, ipv6: null }],
            [],
            at(i + 1),
          ),
        ),
      )
      const serials = results.map((changes) => changes[0]?.serial ?? 0)
      assert.equal(new Set(serials).size, WRITERS, `distinct serials: ${serials.join(' ')}`)
      assert.equal((await zoneSerials(first)).get(ZONE), Math.max(...serials))
      const rows = await first
        .selectFrom('records')
        .select(['type', 'value'])
        .where('host_id', '=', home.id)
        .execute()
      assert.equal(rows.length, 1, JSON.stringify(rows))
      const history = await first.selectFrom('update_history').select('id').execute()
      assert.equal(history.length, WRITERS)
    })
  })
}
