import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { AddressType, HostRecord, UpdateContext } from '../core/ports.ts'
import { SqlAccountStore } from './account-store.ts'
import { expireHosts } from './host-expiry-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { SqlUpdateStore, type StoreZone } from './update-store.ts'
import { syncZones } from './zones.ts'

const T0 = new Date('2030-01-01T00:00:00Z')
const ZONE = 'dyn.example' as Fqdn
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000)
const ctx = (seconds: number): UpdateContext => ({
  dialect: 'dyndns2',
  clientIp: '198.51.100.7',
  actor: 'alice',
  at: at(seconds).toISOString(),
})

let db: Kysely<Database>
let zones: StoreZone[]
let store: SqlUpdateStore

for (const dialect of STORE_DIALECTS) {
  void describe(dialect.name, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      assert.equal((await migrateToLatest(db as Kysely<unknown>)).ok, true)
      zones = await syncZones(db, [{ name: ZONE, backend: 'builtin', ttl: 60 }], T0)
      const accounts = new SqlAccountStore(
        db,
        zones.map((z) => z.name),
      )
      const alice = await accounts.insertUser({
        name: 'alice',
        email: 'alice@example.org',
        passwordHash: 'x',
        isAdmin: false,
        createdAt: T0.toISOString(),
      })
      for (const [label, expiryTtl] of [
        ['home', 3600],
        ['forever', 0],
      ] as const) {
        await accounts.insertHost({
          zone: ZONE,
          label,
          ownerId: alice.id,
          ttl: null,
          expiryTtl,
          createdAt: T0.toISOString(),
        })
      }
      store = new SqlUpdateStore(db, zones)
    })

    afterEach(async () => {
      await db.destroy()
    })

    async function host(label: string): Promise<HostRecord> {
      const found = await store.findHost(`${label}.${ZONE}` as Fqdn)
      assert.ok(found)
      return found
    }

    // What UpdateService commits: new addresses (or none) and the families the request named.
    async function ping(
      label: string,
      seconds: number,
      named: AddressType[],
      next?: { ipv4: string | null; ipv6: string | null },
    ): Promise<void> {
      const h = await host(label)
      const refreshed = new Map([[h.id, named]])
      if (next === undefined) await store.commitUpdate([], [h], ctx(seconds), refreshed)
      else await store.commitUpdate([{ host: h, ...next }], [], ctx(seconds), refreshed)
    }

    void describe('expireHosts', () => {
      void it('removes each family not refreshed within expiry_ttl, separately', async () => {
        await ping('home', 0, ['A', 'AAAA'], { ipv4: '192.0.2.1', ipv6: '2001:db8::1' })
        await ping('forever', 0, ['A'], { ipv4: '192.0.2.9', ipv6: null })
        // A nochg ping naming IPv4 only, half-way: A is fresh again, AAAA is not.
        await ping('home', 1800, ['A'])

        assert.deepEqual((await expireHosts(db, zones, at(3599))).expired, [])
        const first = await expireHosts(db, zones, at(3600))
        assert.equal(first.expired.length, 1)
        assert.deepEqual(first.expired.at(0)?.removed, { ipv6: '2001:db8::1' })
        assert.equal(first.expired.at(0)?.expiryTtl, 3600)
        assert.equal(first.expired.at(0)?.lastUpdate, T0.toISOString())
        assert.deepEqual(first.changes.at(0)?.remove, [{ name: `home.${ZONE}`, type: 'AAAA' }])
        assert.deepEqual(first.changes.at(0)?.replace, [])
        const h = await host('home')
        assert.equal(h.ipv4, '192.0.2.1')
        assert.equal(h.ipv6, null)

        const second = await expireHosts(db, zones, at(1800 + 3600))
        assert.deepEqual(second.expired.at(0)?.removed, { ipv4: '192.0.2.1' })
        assert.equal((await host('home')).ipv4, null)
        // expiry_ttl = 0: never.
        assert.equal((await host('forever')).ipv4, '192.0.2.9')

        const history = await db
          .selectFrom('update_history')
          .select(['result', 'old_value', 'new_value'])
          .where('result', '=', 'expired')
          .orderBy('id')
          .execute()
        assert.deepEqual(history, [
          { result: 'expired', old_value: '192.0.2.1,2001:db8::1', new_value: '192.0.2.1,-' },
          { result: 'expired', old_value: '192.0.2.1,-', new_value: '-,-' },
        ])
        const [before, later] = [
          first.changes.at(0)?.serial ?? 0,
          second.changes.at(0)?.serial ?? 0,
        ]
        assert.ok(later > before, 'serial bumped per sweep')
      })

      void it('brings records back with the next update', async () => {
        await ping('home', 0, ['A'], { ipv4: '192.0.2.1', ipv6: null })
        await expireHosts(db, zones, at(4000))
        assert.equal((await host('home')).ipv4, null)
        await ping('home', 4100, ['A'], { ipv4: '192.0.2.1', ipv6: null })
        assert.equal((await host('home')).ipv4, '192.0.2.1')
        assert.deepEqual((await expireHosts(db, zones, at(4100 + 3599))).expired, [])
      })

      void it('keeps the untouched family of a changed host at its old freshness', async () => {
        await ping('home', 0, ['A', 'AAAA'], { ipv4: '192.0.2.1', ipv6: '2001:db8::1' })
        // IPv4 changes at 3000; IPv6 was not named, so it is still as old as T0.
        await ping('home', 3000, ['A'], { ipv4: '192.0.2.2', ipv6: '2001:db8::1' })
        const swept = await expireHosts(db, zones, at(3600))
        assert.deepEqual(swept.expired.at(0)?.removed, { ipv6: '2001:db8::1' })
        assert.equal((await host('home')).ipv4, '192.0.2.2')
      })
    })
  })
}
