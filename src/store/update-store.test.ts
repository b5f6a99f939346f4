import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { HostRecord, UpdateContext } from '../core/ports.ts'
import type { ChangeSet } from '../core/records.ts'
import { SqlAccountStore } from './account-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { SqlUpdateStore, type StoreZone } from './update-store.ts'
import { readZone, syncZones, zoneSerials } from './zones.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const S0 = Math.floor(NOW.getTime() / 1000)
const ZONE = 'dyn.example' as Fqdn
const OTHER = 'other.example' as Fqdn
const CTX: UpdateContext = {
  dialect: 'dyndns2',
  clientIp: '198.51.100.7',
  actor: 'alice',
  at: NOW.toISOString(),
}

let db: Kysely<Database>
let zones: StoreZone[]
let store: SqlUpdateStore

for (const dialect of STORE_DIALECTS) {
  void describe(dialect.name, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      assert.equal((await migrateToLatest(db as Kysely<unknown>)).ok, true)
      zones = await syncZones(
        db,
        [
          { name: ZONE, backend: 'builtin', ttl: 60 },
          { name: OTHER, backend: 'builtin', ttl: 90 },
        ],
        NOW,
      )
      const accounts = new SqlAccountStore(
        db,
        zones.map((z) => z.name),
      )
      const alice = await accounts.insertUser({
        name: 'alice',
        email: null,
        passwordHash: 'x',
        isAdmin: false,
        createdAt: NOW.toISOString(),
      })
      const add = (zone: Fqdn, label: string, ttl: number | null) =>
        accounts.insertHost({ zone, label, ownerId: alice.id, ttl, createdAt: NOW.toISOString() })
      await add(ZONE, 'home', null)
      await add(ZONE, 'office', 300)
      await add(OTHER, 'cabin', null)
      store = new SqlUpdateStore(db, zones)
    })

    afterEach(async () => {
      await db.destroy()
    })

    function zone(name: Fqdn): StoreZone {
      const z = zones.find((x) => x.name === name)
      assert.ok(z)
      return z
    }

    async function host(fqdn: string): Promise<HostRecord> {
      const h = await store.findHost(fqdn as Fqdn)
      assert.ok(h, fqdn)
      return h
    }

    /** Zone contents as zone-file lines, sorted. */
    async function zoneLines(name: Fqdn): Promise<string[]> {
      const { records } = await readZone(db, zone(name))
      return records
        .flatMap((r) => r.values.map((v) => `${r.name}. ${String(r.ttl)} IN ${r.type} ${v}`))
        .sort()
    }

    async function history() {
      return db
        .selectFrom('update_history')
        .select(['host_id', 'dialect', 'client_ip', 'actor', 'result', 'old_value', 'new_value'])
        .orderBy('id')
        .execute()
    }

    void describe('SqlUpdateStore: reads', () => {
      it('knows its zones', () => {
        assert.deepEqual([...store.zoneNames()].sort(), [ZONE, OTHER])
      })

      it('finds hosts by name and id, without addresses at first', async () => {
        const home = await host('home.dyn.example')
        assert.deepEqual(home, {
          id: home.id,
          zone: ZONE,
          label: 'home',
          fqdn: 'home.dyn.example',
          ownerId: home.ownerId,
          ttl: null,
          ipv4: null,
          ipv6: null,
          txt: [],
        })
        assert.deepEqual(await store.findHostById(home.id), home)
        assert.equal((await host('office.dyn.example')).ttl, 300)
      })

      it('finds nothing for unknown names, other zones and unknown ids', async () => {
        assert.equal(await store.findHost('nothere.dyn.example' as Fqdn), undefined)
        assert.equal(await store.findHost('home.example.org' as Fqdn), undefined)
        assert.equal(await store.findHost('home.other.example' as Fqdn), undefined)
        assert.equal(await store.findHostById(999), undefined)
        assert.equal(await store.findUserByName('bob'), undefined)
        assert.equal(await store.findTokenByHash('0'.repeat(64)), undefined)
      })
    })

    void describe('SqlUpdateStore: commitUpdate', () => {
      it('writes records, history and one serial bump, and returns the change set', async () => {
        const home = await host('home.dyn.example')
        const changes = await store.commitUpdate(
          [{ host: home, ipv4: '203.0.113.10', ipv6: '2001:db8::10' }],
          [],
          CTX,
        )
        const expected: ChangeSet[] = [
          {
            zone: ZONE,
            serial: S0 + 1,
            base: S0,
            replace: [
              { name: home.fqdn, type: 'A', ttl: 60, values: ['203.0.113.10'] },
              { name: home.fqdn, type: 'AAAA', ttl: 60, values: ['2001:db8::10'] },
            ],
            remove: [],
          },
        ]
        assert.deepEqual(changes, expected)
        assert.deepEqual(await zoneLines(ZONE), [
          'home.dyn.example. 60 IN A 203.0.113.10',
          'home.dyn.example. 60 IN AAAA 2001:db8::10',
        ])
        assert.equal((await readZone(db, zone(ZONE))).serial, S0 + 1)
        assert.equal((await zoneSerials(db)).get(OTHER), S0)
        assert.deepEqual(await history(), [
          {
            host_id: home.id,
            dialect: 'dyndns2',
            client_ip: '198.51.100.7',
            actor: 'alice',
            result: 'good',
            old_value: '-,-',
            new_value: '203.0.113.10,2001:db8::10',
          },
        ])
        const again = await host('home.dyn.example')
        assert.deepEqual([again.ipv4, again.ipv6], ['203.0.113.10', '2001:db8::10'])
      })

      it('replaces one family and removes the other', async () => {
        const home = await host('home.dyn.example')
        await store.commitUpdate(
          [{ host: home, ipv4: '203.0.113.10', ipv6: '2001:db8::10' }],
          [],
          CTX,
        )
        const current = await host('home.dyn.example')
        const changes = await store.commitUpdate(
          [{ host: current, ipv4: null, ipv6: '2001:db8::11' }],
          [],
          CTX,
        )
        assert.deepEqual(changes, [
          {
            zone: ZONE,
            serial: S0 + 2,
            base: S0 + 1,
            replace: [{ name: home.fqdn, type: 'AAAA', ttl: 60, values: ['2001:db8::11'] }],
            remove: [{ name: home.fqdn, type: 'A' }],
          },
        ])
        assert.deepEqual(await zoneLines(ZONE), ['home.dyn.example. 60 IN AAAA 2001:db8::11'])
        assert.deepEqual(
          (await history()).map((h) => [h.old_value, h.new_value]),
          [
            ['-,-', '203.0.113.10,2001:db8::10'],
            ['203.0.113.10,2001:db8::10', '-,2001:db8::11'],
          ],
        )
      })

      it('uses the host TTL over the zone TTL', async () => {
        const office = await host('office.dyn.example')
        const [change] = await store.commitUpdate(
          [{ host: office, ipv4: '203.0.113.20', ipv6: null }],
          [],
          CTX,
        )
        assert.deepEqual(change?.replace, [
          { name: office.fqdn, type: 'A', ttl: 300, values: ['203.0.113.20'] },
        ])
        assert.deepEqual(change.remove, [{ name: office.fqdn, type: 'AAAA' }])
        assert.deepEqual(await zoneLines(ZONE), ['office.dyn.example. 300 IN A 203.0.113.20'])
      })

      it('gives one change set and one bump per touched zone', async () => {
        const writes = [
          { host: await host('home.dyn.example'), ipv4: '203.0.113.1', ipv6: null },
          { host: await host('office.dyn.example'), ipv4: '203.0.113.2', ipv6: null },
          { host: await host('cabin.other.example'), ipv4: '203.0.113.3', ipv6: null },
        ]
        const changes = await store.commitUpdate(writes, [], CTX)
        assert.deepEqual(
          changes.map((c) => [c.zone, c.serial, c.replace.map((r) => r.name)]),
          [
            [ZONE, S0 + 1, ['home.dyn.example', 'office.dyn.example']],
            [OTHER, S0 + 1, ['cabin.other.example']],
          ],
        )
        assert.deepEqual(
          await zoneSerials(db),
          new Map([
            [ZONE, S0 + 1],
            [OTHER, S0 + 1],
          ]),
        )
        assert.equal((await history()).length, 3)
      })

      it('moves the serial to the clock when the clock is ahead', async () => {
        const home = await host('home.dyn.example')
        const at = new Date(NOW.getTime() + 3600_000).toISOString()
        const [change] = await store.commitUpdate(
          [{ host: home, ipv4: '203.0.113.1', ipv6: null }],
          [],
          { ...CTX, at },
        )
        assert.equal(change?.serial, S0 + 3600)
      })

      it('records last-seen for unchanged hosts without a serial bump or history', async () => {
        const cabin = await host('cabin.other.example')
        const changes = await store.commitUpdate([], [cabin], CTX)
        assert.deepEqual(changes, [])
        assert.equal((await zoneSerials(db)).get(OTHER), S0)
        assert.deepEqual(await history(), [])
        const row = await db
          .selectFrom('hosts')
          .select(['last_seen_at', 'last_client_ip', 'last_dialect'])
          .where('id', '=', cabin.id)
          .executeTakeFirstOrThrow()
        assert.deepEqual(row, {
          last_seen_at: CTX.at,
          last_client_ip: '198.51.100.7',
          last_dialect: 'dyndns2',
        })
      })

      it('writes nothing when part of the transaction fails', async () => {
        const home = await host('home.dyn.example')
        const ghost: HostRecord = {
          ...home,
          id: 999,
          label: 'ghost',
          fqdn: 'ghost.dyn.example' as Fqdn,
        }
        await assert.rejects(
          store.commitUpdate(
            [
              { host: home, ipv4: '203.0.113.10', ipv6: null },
              { host: ghost, ipv4: '203.0.113.11', ipv6: null },
            ],
            [],
            CTX,
          ),
        )
        assert.deepEqual(await zoneLines(ZONE), [])
        assert.deepEqual(await history(), [])
        assert.equal((await zoneSerials(db)).get(ZONE), S0)
        const row = await db
          .selectFrom('hosts')
          .select('last_seen_at')
          .where('id', '=', home.id)
          .executeTakeFirstOrThrow()
        assert.equal(row.last_seen_at, null)
      })
    })

    void describe('syncZones', () => {
      it('keeps existing zones and their serials, updates the backend', async () => {
        const home = await host('home.dyn.example')
        await store.commitUpdate([{ host: home, ipv4: '203.0.113.1', ipv6: null }], [], CTX)
        const later = new Date(NOW.getTime() + 86_400_000)
        const again = await syncZones(db, [{ name: ZONE, backend: 'rfc2136', ttl: 30 }], later)
        assert.deepEqual(again, [{ id: zone(ZONE).id, name: ZONE, ttl: 30 }])
        const row = await db
          .selectFrom('zones')
          .select(['serial', 'backend'])
          .where('name', '=', ZONE)
          .executeTakeFirstOrThrow()
        assert.deepEqual([row.serial, row.backend], [S0 + 1, 'rfc2136'])
      })
    })
  })
}
