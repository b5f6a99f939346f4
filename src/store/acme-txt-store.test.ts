import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import type { TxtValue } from '../core/update/acme-txt.ts'
import type { Fqdn } from '../core/names.ts'
import type { HostRecord, UpdateContext } from '../core/ports.ts'
import { SqlAccountStore } from './account-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { SqlUpdateStore, type StoreZone } from './update-store.ts'
import { readZone, syncZones, zoneSerials } from './zones.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const S0 = Math.floor(NOW.getTime() / 1000)
const ZONE = 'dyn.example' as Fqdn
const CTX: UpdateContext = {
  dialect: 'acme-dns',
  clientIp: '198.51.100.7',
  actor: 'alice',
  at: NOW.toISOString(),
}
const at = (minutes: number): string => new Date(NOW.getTime() + minutes * 60_000).toISOString()
const A: TxtValue = { value: 'a'.repeat(43), expiresAt: at(60) }
const B: TxtValue = { value: 'b'.repeat(43), expiresAt: at(90) }

let db: Kysely<Database>
let zones: StoreZone[]
let store: SqlUpdateStore

for (const dialect of STORE_DIALECTS) {
  void describe(dialect.name, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      assert.equal((await migrateToLatest(db as Kysely<unknown>)).ok, true)
      zones = await syncZones(db, [{ name: ZONE, backend: 'builtin', ttl: 60 }], NOW)
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
      await accounts.insertHost({
        zone: ZONE,
        label: 'home',
        ownerId: alice.id,
        ttl: null,
        createdAt: NOW.toISOString(),
      })
      store = new SqlUpdateStore(db, zones)
    })

    afterEach(async () => {
      await db.destroy()
    })

    async function home(): Promise<HostRecord> {
      const h = await store.findHost('home.dyn.example' as Fqdn)
      assert.ok(h)
      return h
    }

    async function lines(): Promise<string[]> {
      const zone = zones[0]
      assert.ok(zone)
      const { records } = await readZone(db, zone)
      return records
        .flatMap((r) => r.values.map((v) => `${r.name}. ${String(r.ttl)} IN ${r.type} ${v}`))
        .sort()
    }

    async function history(): Promise<string[][]> {
      const rows = await db
        .selectFrom('update_history')
        .select(['result', 'old_value', 'new_value'])
        .orderBy('id')
        .execute()
      return rows.map((r) => [r.result, r.old_value, r.new_value])
    }

    const serial = async (): Promise<number | undefined> => (await zoneSerials(db)).get(ZONE)

    void describe('SqlUpdateStore: ACME TXT values', () => {
      it('serves several values at once, each with its own expiry', async () => {
        const h = await home()
        const first = await store.commitUpdate(
          [{ host: h, ipv4: null, ipv6: null, txt: [A] }],
          [],
          CTX,
        )
        assert.deepEqual(first, [
          {
            zone: ZONE,
            serial: S0 + 1,
            base: S0,
            replace: [
              {
                name: '_acme-challenge.home.dyn.example',
                type: 'TXT',
                ttl: 60,
                values: [`"${A.value}"`],
              },
            ],
            remove: [],
          },
        ])
        const again = await home()
        assert.deepEqual(again.txt, [A])
        const second = await store.commitUpdate(
          [{ host: again, ipv4: null, ipv6: null, txt: [A, B] }],
          [],
          CTX,
        )
        assert.deepEqual(second[0]?.replace[0]?.values, [`"${A.value}"`, `"${B.value}"`])
        assert.deepEqual(await lines(), [
          `_acme-challenge.home.dyn.example. 60 IN TXT "${A.value}"`,
          `_acme-challenge.home.dyn.example. 60 IN TXT "${B.value}"`,
        ])
        assert.deepEqual(await history(), [
          ['good', 'txt:-', `txt:${A.value}`],
          ['good', `txt:${A.value}`, `txt:${A.value}|${B.value}`],
        ])
      })

      it('renews an expiry without a DNS change, a serial bump or history', async () => {
        await store.commitUpdate(
          [{ host: await home(), ipv4: null, ipv6: null, txt: [A] }],
          [],
          CTX,
        )
        const renewed = { ...A, expiresAt: at(120) }
        const changes = await store.commitUpdate(
          [{ host: await home(), ipv4: null, ipv6: null, txt: [renewed] }],
          [],
          CTX,
        )
        assert.deepEqual(changes, [])
        assert.equal(await serial(), S0 + 1)
        assert.deepEqual((await home()).txt, [renewed])
        assert.equal((await history()).length, 1)
      })

      it('sweeps expired values only, publishing the rest, then finds nothing to do', async () => {
        await store.commitUpdate(
          [{ host: await home(), ipv4: null, ipv6: null, txt: [A, B] }],
          [],
          CTX,
        )
        assert.deepEqual(await store.expireTxt(at(59)), [])
        const swept = await store.expireTxt(at(60))
        assert.deepEqual(swept, [
          {
            zone: ZONE,
            // Unix-time serials: the sweep's instant.
            serial: S0 + 3600,
            base: S0 + 1,
            replace: [
              {
                name: '_acme-challenge.home.dyn.example',
                type: 'TXT',
                ttl: 60,
                values: [`"${B.value}"`],
              },
            ],
            remove: [],
          },
        ])
        assert.deepEqual(await lines(), [
          `_acme-challenge.home.dyn.example. 60 IN TXT "${B.value}"`,
        ])
        assert.deepEqual((await history()).at(-1), [
          'expired',
          `txt:${A.value}|${B.value}`,
          `txt:${B.value}`,
        ])
        const last = await store.expireTxt(at(90))
        assert.deepEqual(last[0]?.remove, [
          { name: '_acme-challenge.home.dyn.example', type: 'TXT' },
        ])
        assert.deepEqual(await lines(), [])
        assert.deepEqual(await store.expireTxt(at(200)), [])
        assert.equal(await serial(), S0 + 5400)
      })

      it('clears every value and leaves the addresses alone', async () => {
        const h = await home()
        await store.commitUpdate([{ host: h, ipv4: '203.0.113.5', ipv6: null, txt: [A] }], [], CTX)
        const changes = await store.commitUpdate(
          [{ host: await home(), ipv4: '203.0.113.5', ipv6: null, txt: [] }],
          [],
          CTX,
        )
        assert.deepEqual(changes, [
          {
            zone: ZONE,
            serial: S0 + 2,
            base: S0 + 1,
            replace: [],
            remove: [{ name: '_acme-challenge.home.dyn.example', type: 'TXT' }],
          },
        ])
        assert.deepEqual(await lines(), ['home.dyn.example. 60 IN A 203.0.113.5'])
      })
    })

    void describe('token scopes in SQL', () => {
      it('stores the scope, reads it back on lookup and lists it', async () => {
        const accounts = new SqlAccountStore(db, [ZONE])
        const user = await accounts.userByName('alice')
        assert.ok(user)
        const t = await accounts.insertToken({
          ownerId: user.id,
          hash: 'f'.repeat(64),
          label: 'certbot',
          hostId: null,
          expiresAt: null,
          createdAt: NOW.toISOString(),
          scope: 'acme',
        })
        assert.equal(t.scope, 'acme')
        assert.equal((await store.findTokenByHash('f'.repeat(64)))?.scope, 'acme')
        assert.deepEqual(
          (await accounts.listTokens('alice')).map((x) => x.scope),
          ['acme'],
        )
      })
    })
  })
}
