import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { AccountService, tokenHash } from '../core/accounts/accounts.ts'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import type { Fqdn } from '../core/names.ts'
import type { PasswordHasher } from '../core/ports.ts'
import type { Result } from '../core/result.ts'
import { Secret } from '../core/auth/secret.ts'
import { SqlAccountStore } from './account-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { SqlUpdateStore, type StoreZone } from './update-store.ts'
import { readZone, syncZones, zoneSerials } from './zones.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const START_SERIAL = Math.floor(NOW.getTime() / 1000)
const ZONE = 'dyn.example' as Fqdn
const SUB = 'sub.dyn.example' as Fqdn
const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
const passwords: PasswordHasher = {
  hash: (p) => Promise.resolve(`plain:${p}`),
  verify: (h, p) => Promise.resolve(h === `plain:${p}`),
}

let db: Kysely<Database>
let zones: StoreZone[]
let accounts: AccountService
let updates: SqlUpdateStore
let counter: number

for (const dialect of STORE_DIALECTS) {
  void describe(dialect.name, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      let migrated = await migrateToLatest(db as Kysely<unknown>)
      if (!migrated.ok) {
        // Seen twice under CI load on MariaDB, cause not yet known: say why, then try once
        // more on another fresh database (the assertion below still requires success).
        console.error(`${dialect.name}: first migration attempt failed: ${migrated.error}`)
        await db.destroy()
        db = await dialect.fresh()
        migrated = await migrateToLatest(db as Kysely<unknown>)
      }
      // Every migration applies on a fresh database, the initial one first.
      assert.equal(migrated.ok ? migrated.value[0] : migrated.error, '0001-initial')
      zones = await syncZones(
        db,
        [
          { name: ZONE, backend: 'builtin', ttl: 60 },
          { name: SUB, backend: 'builtin', ttl: 120 },
        ],
        NOW,
      )
      counter = 0
      accounts = new AccountService({
        store: new SqlAccountStore(
          db,
          zones.map((z) => z.name),
        ),
        passwords,
        hasher,
        // Different bytes on every call, the same run after run.
        randomBytes: (n) => new Uint8Array(n).map((_, i) => (i * 7 + ++counter) & 0xff),
        now: () => NOW,
      })
      updates = new SqlUpdateStore(db, zones)
    })

    afterEach(async () => {
      await db.destroy()
    })

    function zone(name: Fqdn): StoreZone {
      const z = zones.find((x) => x.name === name)
      assert.ok(z)
      return z
    }

    async function value<T>(p: Promise<Result<T, unknown>>): Promise<T> {
      const r = await p
      assert.ok(r.ok, JSON.stringify(r))
      return r.value
    }

    async function code(p: Promise<Result<unknown, { code: string }>>): Promise<string> {
      const r = await p
      return r.ok ? 'ok' : r.error.code
    }

    void describe('AccountService: users', () => {
      it('adds a user once; the name is taken after', async () => {
        const u = await value(
          accounts.addUser({ name: 'alice', password: 'alicepass', email: 'a@example.com' }),
        )
        assert.deepEqual(u, {
          id: u.id,
          name: 'alice',
          email: 'a@example.com',
          isAdmin: false,
          hasPassword: true,
          createdAt: NOW.toISOString(),
        })
        assert.equal(
          await code(accounts.addUser({ name: 'alice', password: 'otherpass' })),
          'exists',
        )
        assert.equal((await accounts.listUsers()).length, 1)
      })

      const invalid: [string, { name: string; password?: string }][] = [
        ['an empty name', { name: '' }],
        ['a name with a space', { name: 'al ice' }],
        ['a name starting with a dot', { name: '.alice' }],
        ['a 65-character name', { name: 'a'.repeat(65) }],
        ['a short password', { name: 'alice', password: 'short' }],
      ]
      for (const [name, input] of invalid) {
        it(`refuses ${name}`, async () => {
          assert.equal(await code(accounts.addUser(input)), 'invalid')
        })
      }

      it('stores the hash the update path reads, and a new one on setPassword', async () => {
        await value(accounts.addUser({ name: 'alice', password: 'alicepass', admin: true }))
        const before = await updates.findUserByName('alice')
        assert.equal(before?.passwordHash, 'plain:alicepass')
        assert.equal(before.isAdmin, true)
        await value(accounts.setPassword('alice', 'newpassword'))
        assert.equal((await updates.findUserByName('alice'))?.passwordHash, 'plain:newpassword')
        assert.equal(await code(accounts.setPassword('bob', 'newpassword')), 'not-found')
      })

      it('keeps token-only users without a password', async () => {
        const u = await value(accounts.addUser({ name: 'router' }))
        assert.equal(u.hasPassword, false)
        assert.equal((await updates.findUserByName('router'))?.passwordHash, null)
      })
    })

    void describe('AccountService: hosts', () => {
      beforeEach(async () => {
        await value(accounts.addUser({ name: 'alice', password: 'alicepass' }))
        await value(accounts.addUser({ name: 'bob', password: 'bobspass' }))
      })

      const placed: [string, string, Fqdn][] = [
        ['Home.Dyn.Example.', 'home.dyn.example', ZONE],
        ['bücher.dyn.example', 'xn--bcher-kva.dyn.example', ZONE],
        ['x.sub.dyn.example', 'x.sub.dyn.example', SUB],
        ['dyn.example', 'dyn.example', ZONE],
      ]
      for (const [input, fqdn, zoneName] of placed) {
        it(`adds ${input} as ${fqdn} in ${zoneName}`, async () => {
          const h = await value(accounts.addHost({ fqdn: input, owner: 'alice' }))
          assert.equal(h.fqdn, fqdn)
          assert.equal(h.zone, zoneName)
          assert.equal(h.owner, 'alice')
          assert.deepEqual([h.ipv4, h.ipv6, h.ttl], [null, null, null])
          const found = await updates.findHost(fqdn as Fqdn)
          assert.equal(found?.id, h.id)
          assert.equal(found.zone, zoneName)
        })
      }

      const refused: [string, { fqdn: string; owner: string; ttl?: number }, string][] = [
        ['a host outside every zone', { fqdn: 'home.example.org', owner: 'alice' }, 'invalid'],
        ['a zone lookalike', { fqdn: 'home.notdyn.example', owner: 'alice' }, 'invalid'],
        ['a bad name', { fqdn: 'bad host.dyn.example', owner: 'alice' }, 'invalid'],
        ['a TTL of 0', { fqdn: 'h.dyn.example', owner: 'alice', ttl: 0 }, 'invalid'],
        ['a fractional TTL', { fqdn: 'h.dyn.example', owner: 'alice', ttl: 1.5 }, 'invalid'],
        ['an unknown owner', { fqdn: 'h.dyn.example', owner: 'carol' }, 'not-found'],
      ]
      for (const [name, input, expected] of refused) {
        it(`refuses ${name}: ${expected}`, async () => {
          assert.equal(await code(accounts.addHost(input)), expected)
          assert.deepEqual(await accounts.listHosts(), [])
        })
      }

      it('refuses a host that exists, in any spelling', async () => {
        await value(accounts.addHost({ fqdn: 'home.dyn.example', owner: 'alice' }))
        assert.equal(
          await code(accounts.addHost({ fqdn: 'HOME.dyn.example.', owner: 'bob' })),
          'exists',
        )
        assert.equal((await accounts.listHosts()).length, 1)
      })

      it('lists hosts per owner', async () => {
        await value(accounts.addHost({ fqdn: 'a.dyn.example', owner: 'alice' }))
        await value(accounts.addHost({ fqdn: 'b.dyn.example', owner: 'bob', ttl: 300 }))
        assert.deepEqual(
          (await accounts.listHosts('bob')).map((h) => [h.fqdn, h.ttl]),
          [['b.dyn.example', 300]],
        )
        assert.equal((await accounts.listHosts()).length, 2)
      })

      it('deleting a host removes its records and bumps the serial', async () => {
        const h = await value(accounts.addHost({ fqdn: 'home.dyn.example', owner: 'alice' }))
        const host = await updates.findHost(h.fqdn)
        assert.ok(host)
        const ctx = {
          dialect: 'test',
          clientIp: '198.51.100.7',
          actor: 'alice',
          at: NOW.toISOString(),
        }
        await updates.commitUpdate([{ host, ipv4: '203.0.113.10', ipv6: null }], [], ctx)
        const before = await readZone(db, zone(ZONE))
        assert.equal(before.records.length, 1)
        assert.equal(await value(accounts.deleteHost('Home.Dyn.Example')), ZONE)
        const after = await readZone(db, zone(ZONE))
        assert.deepEqual(after.records, [])
        assert.equal(after.serial, before.serial + 1)
        assert.equal(await updates.findHost(h.fqdn), undefined)
        const rows = await db.selectFrom('records').selectAll().execute()
        assert.deepEqual(rows, [])
        assert.equal(await code(accounts.deleteHost('home.dyn.example')), 'not-found')
      })

      it('deleting a user removes their hosts and bumps the serial of zones with records', async () => {
        await value(accounts.addHost({ fqdn: 'a.dyn.example', owner: 'alice' }))
        await value(accounts.addHost({ fqdn: 'x.sub.dyn.example', owner: 'alice' }))
        const host = await updates.findHost('a.dyn.example' as Fqdn)
        assert.ok(host)
        const ctx = {
          dialect: 'test',
          clientIp: '198.51.100.7',
          actor: 'alice',
          at: NOW.toISOString(),
        }
        await updates.commitUpdate([{ host, ipv4: '203.0.113.10', ipv6: null }], [], ctx)
        const serials = await zoneSerials(db)
        assert.deepEqual(await value(accounts.deleteUser('alice')), [ZONE])
        const after = await zoneSerials(db)
        assert.equal(after.get(ZONE), (serials.get(ZONE) ?? 0) + 1)
        assert.equal(after.get(SUB), serials.get(SUB))
        assert.deepEqual(await accounts.listHosts(), [])
        assert.deepEqual(
          (await accounts.listUsers()).map((u) => u.name),
          ['bob'],
        )
      })
    })

    void describe('AccountService: tokens', () => {
      beforeEach(async () => {
        await value(accounts.addUser({ name: 'alice', password: 'alicepass' }))
        await value(accounts.addUser({ name: 'bob', password: 'bobspass' }))
        await value(accounts.addHost({ fqdn: 'home.dyn.example', owner: 'alice' }))
        await value(accounts.addHost({ fqdn: 'bobs.dyn.example', owner: 'bob' }))
      })

      it('creates a token that is found by its keyed hash, then revoked', async () => {
        const { token, secret } = await value(
          accounts.createToken({ owner: 'alice', label: 'router' }),
        )
        assert.match(secret, /^[a-z2-7]{32}$/)
        const found = await updates.findTokenByHash(tokenHash(hasher, secret))
        assert.deepEqual(found, {
          id: token.id,
          ownerId: found?.ownerId,
          ownerName: 'alice',
          hash: tokenHash(hasher, secret),
          hostId: null,
          expiresAt: null,
          lastUsedAt: null,
          scope: 'all',
          lowEntropy: false,
        })
        const rows = await db.selectFrom('tokens').select('hash').execute()
        assert.equal(JSON.stringify(rows).includes(secret), false)
        await value(accounts.revokeToken(token.id))
        assert.equal(await updates.findTokenByHash(tokenHash(hasher, secret)), undefined)
        assert.equal(await code(accounts.revokeToken(token.id)), 'not-found')
      })

      it('gives every token its own secret', async () => {
        const one = await value(accounts.createToken({ owner: 'alice' }))
        const two = await value(accounts.createToken({ owner: 'alice' }))
        assert.notEqual(one.secret, two.secret)
        assert.notEqual(one.token.id, two.token.id)
      })

      it('scopes a token to a host and lists it', async () => {
        const expires = new Date('2031-01-01T00:00:00Z')
        const { token, secret } = await value(
          accounts.createToken({ owner: 'alice', host: 'HOME.dyn.example', expiresAt: expires }),
        )
        assert.equal(token.host, 'home.dyn.example')
        const found = await updates.findTokenByHash(tokenHash(hasher, secret))
        const host = await updates.findHost('home.dyn.example' as Fqdn)
        assert.equal(found?.hostId, host?.id)
        assert.equal(found?.expiresAt, expires.toISOString())
        assert.deepEqual(
          (await accounts.listTokens('alice')).map((t) => [t.id, t.host, t.lastUsedAt]),
          [[token.id, 'home.dyn.example', null]],
        )
        await updates.touchToken(token.id, '2030-02-02T00:00:00.000Z')
        assert.equal((await accounts.listTokens())[0]?.lastUsedAt, '2030-02-02T00:00:00.000Z')
        assert.deepEqual(await accounts.listTokens('bob'), [])
      })

      const refused: [string, { owner: string; host?: string }, string][] = [
        ["another user's host", { owner: 'alice', host: 'bobs.dyn.example' }, 'invalid'],
        ['an unknown host', { owner: 'alice', host: 'nothere.dyn.example' }, 'not-found'],
        ['an unknown owner', { owner: 'carol' }, 'not-found'],
      ]
      for (const [name, input, expected] of refused) {
        it(`refuses ${name}: ${expected}`, async () => {
          assert.equal(await code(accounts.createToken(input)), expected)
          assert.deepEqual(await accounts.listTokens(), [])
        })
      }

      it('drops a host token with its host', async () => {
        const { secret } = await value(
          accounts.createToken({ owner: 'alice', host: 'home.dyn.example' }),
        )
        await value(accounts.deleteHost('home.dyn.example'))
        assert.equal(await updates.findTokenByHash(tokenHash(hasher, secret)), undefined)
      })

      it('starts zones at the unix-time serial', async () => {
        assert.deepEqual(
          await zoneSerials(db),
          new Map([
            [ZONE, START_SERIAL],
            [SUB, START_SERIAL],
          ]),
        )
      })
    })
  })
}
