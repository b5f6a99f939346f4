import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import type { Fqdn } from '../core/names.ts'
import type { LockoutRecord } from '../core/auth/lockout.ts'
import type { HostRecord, UpdateContext } from '../core/ports.ts'
import { EpochProbe } from './cache-epochs.ts'
import { CachedLockoutStore, CachedUpdateStore } from './cached-update-store.ts'
import { SqlLockoutStore } from './lockout-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { SeenMarks } from './seen-marks.ts'
import { SqlUpdateStore, type StoreZone } from './update-store.ts'
import { syncZones } from './zones.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const ZONE = 'dyn.example' as Fqdn
const HASH = 'aa'.repeat(32)
const ctx = (at: string): UpdateContext => ({
  dialect: 'dyndns2',
  clientIp: '198.51.100.7',
  actor: 'alice',
  at,
})
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** SqlUpdateStore counting the reads that reach the database. */
class CountingStore extends SqlUpdateStore {
  reads = 0
  override findHost(fqdn: Fqdn): Promise<HostRecord | undefined> {
    this.reads++
    return super.findHost(fqdn)
  }
}

/** SqlLockoutStore counting the reads that reach the database. */
class CountingLockouts extends SqlLockoutStore {
  reads = 0
  override find(subject: string, source: string): Promise<LockoutRecord | undefined> {
    this.reads++
    return super.find(subject, source)
  }
}

let db: Kysely<Database>
let zones: StoreZone[]
let hostIds: Record<string, number>

async function seed(): Promise<void> {
  zones = await syncZones(db, [{ name: ZONE, backend: 'builtin', ttl: 60 }], NOW)
  const zoneId = zones[0]?.id ?? 0
  const at = NOW.toISOString()
  await db
    .insertInto('users')
    .values({ name: 'alice', email: null, password_hash: 'x', is_admin: 0, created_at: at })
    .execute()
  const owner = await db.selectFrom('users').select('id').executeTakeFirstOrThrow()
  hostIds = {}
  for (const label of ['home', 'office']) {
    await db
      .insertInto('hosts')
      .values({
        zone_id: zoneId,
        label,
        owner_id: owner.id,
        dns_ttl: null,
        expiry_ttl: 0,
        created_at: at,
      })
      .execute()
    const row = await db
      .selectFrom('hosts')
      .select('id')
      .where('label', '=', label)
      .executeTakeFirstOrThrow()
    hostIds[label] = row.id
    await db
      .insertInto('records')
      .values({ host_id: row.id, type: 'A', value: '192.0.2.1', updated_at: at })
      .execute()
  }
  await db
    .insertInto('tokens')
    .values({
      owner_id: owner.id,
      hash: HASH,
      label: 'router',
      host_id: null,
      expires_at: null,
      created_at: at,
      last_used_at: null,
    })
    .execute()
}

async function epochs(): Promise<Record<string, string>> {
  const rows = await db.selectFrom('cache_epochs').select(['name', 'value']).execute()
  return Object.fromEntries(rows.map((r) => [r.name, String(r.value)]))
}

for (const dialect of STORE_DIALECTS) {
  void describe(`cached update store (${dialect.name})`, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      assert.equal((await migrateToLatest(db as Kysely<unknown>)).ok, true)
      await seed()
    })
    afterEach(async () => {
      await db.destroy()
    })

    function cached(inner = new SqlUpdateStore(db, zones)): CachedUpdateStore {
      const keepWarm = dialect.name === 'sqlite'
      return new CachedUpdateStore(inner, { probe: new EpochProbe(db), maxEntries: 100, keepWarm })
    }

    it('triggers raise the data epoch for cached columns only', async () => {
      const start = await epochs()
      await db.updateTable('tokens').set({ last_used_at: 'later' }).execute()
      await db
        .updateTable('hosts')
        .set({ last_seen_at: 'later', last_client_ip: '192.0.2.9' })
        .execute()
      await db.updateTable('records').set({ updated_at: 'later' }).execute()
      assert.deepEqual(await epochs(), start, 'last-seen columns change no epoch')
      await db.updateTable('users').set({ password_hash: 'y' }).execute()
      const afterUser = await epochs()
      assert.notEqual(afterUser.data, start.data)
      assert.equal(afterUser.lockouts, start.lockouts)
      await db.updateTable('records').set({ value: '192.0.2.2' }).execute()
      assert.notEqual((await epochs()).data, afterUser.data, 'an address change')
      await db
        .insertInto('lockouts')
        .values({
          subject: 'token',
          source: '192.0.2.1',
          failures: 1,
          level: 0,
          locked_until: null,
          last_failure_at: 'x',
        })
        .execute()
      assert.notEqual((await epochs()).lockouts, start.lockouts)
    })

    it('a token revoked behind its back is refused from the next turn on', async () => {
      const store = cached()
      assert.equal((await store.findTokenByHash(HASH))?.ownerName, 'alice')
      await nextTurn()
      assert.ok(await store.findTokenByHash(HASH), 'still there')
      await db.deleteFrom('tokens').execute()
      await nextTurn()
      assert.equal(await store.findTokenByHash(HASH), undefined)
    })

    it('an address set by another writer is seen on the next turn', async () => {
      const store = cached()
      assert.equal((await store.findHost(`home.${ZONE}` as Fqdn))?.ipv4, '192.0.2.1')
      await db
        .updateTable('records')
        .set({ value: '192.0.2.77' })
        .where('host_id', '=', hostIds.home ?? 0)
        .execute()
      await nextTurn()
      assert.equal((await store.findHost(`home.${ZONE}` as Fqdn))?.ipv4, '192.0.2.77')
    })

    it('answers repeated reads from memory, and its own commits stay correct', async () => {
      const inner = new CountingStore(db, zones)
      const store = cached(inner)
      const home = `home.${ZONE}` as Fqdn
      const office = `office.${ZONE}` as Fqdn
      const found = await store.findHost(home)
      await store.findHost(office)
      await nextTurn()
      await store.findHost(home)
      await store.findHost(office)
      assert.equal(inner.reads, 2, 'the second reads came from memory')
      assert.ok(found)
      await store.commitUpdate(
        [{ host: found, ipv4: '192.0.2.50', ipv6: null }],
        [],
        ctx(NOW.toISOString()),
      )
      await nextTurn()
      assert.equal(
        (await store.findHost(home))?.ipv4,
        '192.0.2.50',
        'the written host is read anew',
      )
      await store.findHost(office)
      // SQLite: the commit moved the cache along and only the written host was read again.
      assert.equal(inner.reads, dialect.name === 'sqlite' ? 3 : 4)
    })

    it('holds at most maxEntries per map, the least recently used read again', async () => {
      const inner = new CountingStore(db, zones)
      const probe = new EpochProbe(db)
      const store = new CachedUpdateStore(inner, { probe, maxEntries: 1, keepWarm: false })
      const home = `home.${ZONE}` as Fqdn
      const office = `office.${ZONE}` as Fqdn
      await store.findHost(home)
      await store.findHost(office)
      await store.findHost(office)
      assert.equal(inner.reads, 2, 'office came from memory')
      await store.findHost(home)
      assert.equal(inner.reads, 3, 'home was pushed out by office')
      const lockouts = new CountingLockouts(db)
      const cachedLockouts = new CachedLockoutStore(lockouts, probe, 1)
      for (const source of ['192.0.2.1', '192.0.2.2', '192.0.2.2', '192.0.2.1']) {
        await cachedLockouts.find('token', source)
      }
      assert.equal(lockouts.reads, 3, 'the first source was pushed out by the second')
    })

    it('caches "no lockout" until a lockout is written by anyone', async () => {
      const probe = new EpochProbe(db)
      const store = new CachedLockoutStore(new SqlLockoutStore(db), probe, 100)
      assert.equal(await store.find('token', '192.0.2.1'), undefined)
      await db
        .insertInto('lockouts')
        .values({
          subject: 'token',
          source: '192.0.2.1',
          failures: 3,
          level: 1,
          locked_until: 'z',
          last_failure_at: 'x',
        })
        .execute()
      await nextTurn()
      assert.equal((await store.find('token', '192.0.2.1'))?.failures, 3)
    })

    it('writes last-seen marks behind, never moving a time backwards', async () => {
      const seen = new SeenMarks(db, () => undefined)
      const inner = new SqlUpdateStore(db, zones, seen)
      const home = await inner.findHost(`home.${ZONE}` as Fqdn)
      assert.ok(home)
      const later = '2030-01-01T00:05:00.000Z'
      const refreshed = new Map([[home.id, ['A' as const]]])
      assert.deepEqual(await inner.commitUpdate([], [home], ctx(later), refreshed), [])
      const row = () =>
        db
          .selectFrom('hosts')
          .select(['last_seen_at', 'last_client_ip'])
          .where('id', '=', home.id)
          .executeTakeFirstOrThrow()
      assert.equal((await row()).last_seen_at, null, 'nothing written yet')
      assert.equal(seen.pending, 1)
      await seen.flush()
      assert.deepEqual(await row(), { last_seen_at: later, last_client_ip: '198.51.100.7' })
      const record = await db
        .selectFrom('records')
        .select('updated_at')
        .where('host_id', '=', home.id)
        .executeTakeFirstOrThrow()
      assert.equal(record.updated_at, later, 'the named family counts as refreshed')
      await inner.commitUpdate([], [home], ctx('2030-01-01T00:01:00.000Z'), refreshed)
      await seen.stop()
      assert.equal((await row()).last_seen_at, later, 'an older mark does not win')
    })
  })
}
