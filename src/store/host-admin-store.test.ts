/**
 * The host-administration store's reads over every SQL dialect: a page of one owner's hosts
 * (never another's) with current addresses and search, a host's last attempt and merged
 * history, its settings, users with and without their password hash, tokens per owner, and
 * zones with their host counts.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { AccountService } from '../core/accounts/accounts.ts'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import type { Fqdn } from '../core/names.ts'
import type { Result } from '../core/result.ts'
import { Secret } from '../core/auth/secret.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { SqlAccountStore } from './account-store.ts'
import { SqlFailureHistory } from './failure-history.ts'
import { hostSettings } from './host-admin-store.ts'
import { historyPage } from './host-history-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { SqlUpdateStore } from './update-store.ts'
import { syncZones } from './zones.ts'

const ZONE = 'dyn.example' as Fqdn
const T1 = '2030-01-01T00:00:00.000Z'
const T2 = '2030-01-01T01:00:00.000Z'
const T3 = '2030-01-01T02:00:00.000Z'

let db: Kysely<Database>
let store: SqlAccountStore
let accounts: AccountService
let updates: SqlUpdateStore

async function value<T>(p: Promise<Result<T, unknown>>): Promise<T> {
  const r = await p
  assert.ok(r.ok, JSON.stringify(r))
  return r.value
}

// An accepted update of `fqdn` from `ip` at `at`.
async function update(fqdn: string, ipv4: string, at: string): Promise<void> {
  const host = await updates.findHost(fqdn as Fqdn)
  assert.ok(host)
  const ctx = { dialect: 'dyndns2', clientIp: '198.51.100.7', actor: 'alice', at }
  await updates.commitUpdate([{ host, ipv4, ipv6: '2001:db8::1' }], [], ctx)
}

async function hostId(fqdn: string): Promise<number> {
  const h = await store.hostByName(fqdn as Fqdn)
  assert.ok(h)
  return h.id
}

for (const dialect of STORE_DIALECTS) {
  void describe(`host-administration store: ${dialect.name}`, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      const migrated = await migrateToLatest(db as Kysely<unknown>)
      assert.ok(migrated.ok, migrated.ok ? '' : migrated.error)
      const zones = await syncZones(db, [{ name: ZONE, backend: 'builtin', ttl: 60 }], new Date(T1))
      store = new SqlAccountStore(
        db,
        zones.map((z) => z.name),
      )
      updates = new SqlUpdateStore(db, zones)
      let n = 0
      accounts = new AccountService({
        store,
        passwords: {
          hash: (p) => Promise.resolve(`plain:${p}`),
          verify: () => Promise.resolve(true),
        },
        hasher: createKeyedHasher(new Secret('a test pepper of at least 32 characters')),
        randomBytes: (size) => new Uint8Array(size).map((_, i) => (i * 7 + ++n) & 0xff),
        now: () => new Date(T1),
      })
      await value(accounts.addUser({ name: 'alice', password: 'alicepass' }))
      await value(accounts.addUser({ name: 'bob' }))
      for (const [label, owner] of [
        ['a', 'alice'],
        ['b', 'alice'],
        ['c', 'bob'],
      ] as const) {
        await value(accounts.addHost({ fqdn: `${label}.${ZONE}`, owner }))
      }
    })

    afterEach(async () => {
      await db.destroy()
    })

    it('pages one owner’s hosts with their addresses and never shows another’s', async () => {
      await update('a.dyn.example', '203.0.113.10', T1)
      const alice = await store.userByName('alice')
      assert.ok(alice)
      const page = (q: { offset: number; limit: number; search?: string; ownerId?: number }) =>
        store.hosts(q).then((p) => [p.hosts.map((h) => [h.fqdn, h.owner, h.ipv4, h.ipv6]), p.more])
      const mine = { ownerId: alice.id }
      assert.deepEqual(await page({ ...mine, offset: 0, limit: 1 }), [
        [['a.dyn.example', 'alice', '203.0.113.10', '2001:db8::1']],
        true,
      ])
      assert.deepEqual(await page({ ...mine, offset: 1, limit: 1 }), [
        [['b.dyn.example', 'alice', null, null]],
        false,
      ])
      assert.deepEqual(await page({ ...mine, search: 'C', offset: 0, limit: 10 }), [[], false])
      assert.deepEqual(await page({ search: 'C', offset: 0, limit: 10 }), [
        [['c.dyn.example', 'bob', null, null]],
        false,
      ])
      // LIKE wildcards in the search are dropped, not obeyed.
      assert.deepEqual(await page({ search: '%b_', offset: 0, limit: 10 }), [
        [['b.dyn.example', 'alice', null, null]],
        false,
      ])
    })

    it('shows a host’s last attempt: a newer failure, else its last change', async () => {
      const id = await hostId('a.dyn.example')
      assert.equal((await store.host(id))?.lastResult, null)
      await update('a.dyn.example', '203.0.113.10', T1)
      const changed = await store.host(id)
      assert.deepEqual(
        [changed?.lastSeenAt, changed?.lastResult, changed?.lastDialect, changed?.lastClientIp],
        [T1, 'good', 'dyndns2', '198.51.100.7'],
      )
      const failures = new SqlFailureHistory(db, (e) => {
        throw e
      })
      const failure = { hostname: 'a.dyn.example', result: 'badauth', message: 'wrong password' }
      await failures.record(
        [{ ...failure, dialect: 'duckdns', clientIp: '192.0.2.9', actor: 'alice' }],
        T2,
      )
      const failed = await store.host(id)
      assert.deepEqual(
        [failed?.lastSeenAt, failed?.lastResult, failed?.lastDialect, failed?.lastClientIp],
        [T2, 'badauth', 'duckdns', '192.0.2.9'],
      )
      await update('a.dyn.example', '203.0.113.11', T3)
      const events = await store.history(id, 10)
      assert.deepEqual(
        events.map((e) => [e.at, e.result]),
        [
          [T3, 'good'],
          [T2, 'badauth'],
          [T1, 'good'],
        ],
      )
      assert.deepEqual([events[1]?.oldValue, events[1]?.newValue], ['-', 'wrong password'])
      assert.equal(events[0]?.newValue.includes('203.0.113.11'), true)
      const [newest, ...older] = await historyPage(db, id, 10)
      assert.ok(newest)
      assert.deepEqual(
        (await historyPage(db, id, 10, newest)).map((r) => [r.at, r.refused, r.reason]),
        older.map((r) => [r.at, r.refused, r.reason]),
      )
      assert.deepEqual(
        older.map((r) => [r.result, r.refused, r.reason, r.oldValue]),
        [
          ['badauth', true, 'wrong password', null],
          ['good', false, null, '-,-'],
        ],
      )
    })

    it('reads and writes a host’s settings', async () => {
      const host = await store.host(await hostId('a.dyn.example'))
      assert.ok(host)
      await value(accounts.addGroup({ name: 'home', owner: 'alice', prefixLength: 64 }))
      await value(accounts.joinGroup({ host: host.fqdn, group: 'home', iid: '::1:2' }))
      await store.setHostLan(host.id, { ipv4: '192.168.1.10' })
      await store.changeHost(host, { dnsTtl: 300, expiryTtl: 86400 }, T2)
      assert.deepEqual(await hostSettings(db, host.id), {
        expiryTtl: 86400,
        lanIpv4: '192.168.1.10',
        lanIpv6: null,
        lastClientIp: null,
        lastDialect: null,
        group: { name: 'home', iid: '::1:2' },
      })
      const after = await store.host(host.id)
      assert.deepEqual(
        [after?.dnsTtl, after?.expiryTtl, after?.lanIpv4],
        [300, 86400, '192.168.1.10'],
      )
      assert.equal(await hostSettings(db, 999_999), undefined)
    })

    it('changes a host all or nothing: a failed last part undoes the first ones', async () => {
      const host = await store.host(await hostId('a.dyn.example'))
      assert.ok(host)
      await value(accounts.addGroup({ name: 'home', owner: 'alice', prefixLength: 64 }))
      await value(accounts.joinGroup({ host: host.fqdn, group: 'home', iid: '::1:2' }))
      const state = async () => [
        await hostSettings(db, host.id),
        (await store.host(host.id))?.dnsTtl,
        (await store.zones()).find((z) => z.name === ZONE)?.serial,
      ]
      const before = await state()
      // The membership goes last; a group that does not exist breaks its foreign key.
      const change = {
        lan: { ipv4: '192.168.1.10', ipv6: 'fd00::10' },
        dnsTtl: 300,
        expiryTtl: 86400,
        membership: { groupId: 999_999, iid: '::1:3' },
      }
      await assert.rejects(store.changeHost(host, change, T2))
      assert.deepEqual(await state(), before)
      await store.changeHost(host, { ...change, membership: null }, T2)
      const after = await state()
      assert.deepEqual(
        [after[0], after[1]],
        [
          {
            expiryTtl: 86400,
            lanIpv4: '192.168.1.10',
            lanIpv6: 'fd00::10',
            lastClientIp: null,
            lastDialect: null,
            group: null,
          },
          300,
        ],
      )
      assert.notEqual(after[2], before[2])
    })

    it('gives the password hash to the login only; listings say whether there is one', async () => {
      assert.equal((await store.userByName('alice'))?.passwordHash, 'plain:alicepass')
      assert.deepEqual(
        (await store.users()).map((u) => [u.name, u.passwordHash]),
        [
          ['alice', 'plain:alicepass'],
          ['bob', null],
        ],
      )
      const listed = await store.listUsers()
      assert.deepEqual(
        listed.map((u) => [u.name, u.hasPassword]),
        [
          ['alice', true],
          ['bob', false],
        ],
      )
      assert.equal(JSON.stringify(listed).includes('plain:'), false)
      const alice = listed[0]
      assert.ok(alice)
      await store.setUserFields(alice.id, { isAdmin: true })
      assert.equal((await store.userByName('alice'))?.isAdmin, true)
    })

    it('lists one owner’s tokens only and revokes by id', async () => {
      const mine = await value(accounts.createToken({ owner: 'alice', host: 'a.dyn.example' }))
      const bobs = await value(accounts.createToken({ owner: 'bob', label: 'router' }))
      assert.deepEqual(
        (await store.listTokens('alice')).map((t) => [t.id, t.host]),
        [[mine.token.id, 'a.dyn.example']],
      )
      assert.deepEqual(
        (await store.listTokens()).map((t) => t.label),
        ['', 'router'],
      )
      assert.equal(await store.deleteToken(bobs.token.id), true)
      assert.equal(await store.deleteToken(bobs.token.id), false)
      assert.deepEqual(
        (await store.listTokens()).map((t) => t.id),
        [mine.token.id],
      )
    })

    it('counts each zone’s hosts', async () => {
      assert.deepEqual(
        (await store.zones()).map((z) => [z.name, z.backend, z.hosts]),
        [[ZONE, 'builtin', 3]],
      )
    })
  })
}
