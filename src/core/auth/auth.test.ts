import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { tokenHash } from '../accounts/accounts.ts'
import { parseCidr, type IpAddress } from '../addresses/addresses.ts'
import { Authenticator, type AuthOptions } from './auth.ts'
import { createKeyedHasher } from './keyed-hash.ts'
import type { Fqdn } from '../names.ts'
import type { PasswordHasher } from '../ports.ts'
import { Secret } from './secret.ts'
import type { Credentials } from '../update/update-intent.ts'
import { FakeUpdateStore } from '../../../test/fakes/update-store.ts'

const HERE: IpAddress = { family: 4, text: '127.0.0.1' }
const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))

/** "Hashes" by tagging; counts verify calls, which stand for argon2's cost. */
class CountingHasher implements PasswordHasher {
  verifyCalls = 0
  #n = 0
  hash(password: string): Promise<string> {
    this.#n += 1
    return Promise.resolve(`fake$${String(this.#n)}$${password}`)
  }
  verify(hash: string, password: string): Promise<boolean> {
    this.verifyCalls += 1
    return Promise.resolve(hash.slice(hash.indexOf('$', 5) + 1) === password)
  }
}

class ManualClock {
  ms = Date.parse('2030-01-01T00:00:00Z')
  now(): Date {
    return new Date(this.ms)
  }
}

const basic = (username: string, secret: string): Credentials => ({
  kind: 'basic',
  username,
  secret: new Secret(secret),
})
const bare = (secret: string): Credentials => ({ kind: 'token', secret: new Secret(secret) })

const TOKEN = 'abcdefghijklmnopqrstuvwxyz234567'
const HOST_TOKEN = 'hosttokenhosttokenhosttokenhost2'

let store: FakeUpdateStore
let passwords: CountingHasher
let clock: ManualClock
let auth: Authenticator

async function setPassword(name: string, id: number, password: string): Promise<void> {
  store.users.set(name, { id, name, passwordHash: await passwords.hash(password), isAdmin: false })
}

function build(overrides: Partial<AuthOptions> = {}): Authenticator {
  return new Authenticator({ store, hasher, passwords, clock, cacheSeconds: 300, ...overrides })
}

beforeEach(async () => {
  store = new FakeUpdateStore('dyn.example' as Fqdn)
  passwords = new CountingHasher()
  clock = new ManualClock()
  await setPassword('alice', 1, 'correct horse')
  store.users.set('tokenonly', { id: 3, name: 'tokenonly', passwordHash: null, isAdmin: false })
  const t = (id: number, secret: string, hostId: number | null, expiresAt: string | null): void => {
    const hash = tokenHash(hasher, secret)
    store.tokens.set(hash, { id, ownerId: 1, ownerName: 'alice', hash, hostId, expiresAt })
  }
  t(10, TOKEN, null, null)
  t(11, HOST_TOKEN, 7, null)
  t(12, 'expiredexpiredexpiredexpiredexpi', null, '2030-01-01T00:00:00.000Z')
  t(13, 'laterlaterlaterlaterlaterlaterla', null, '2030-01-01T00:00:01.000Z')
  auth = build()
})

describe('Authenticator: tokens', () => {
  it('accepts a bare token and records its use', async () => {
    const p = await auth.authenticate(bare(TOKEN), HERE)
    assert.deepEqual(p, {
      userId: 1,
      userName: 'alice',
      isAdmin: false,
      tokenId: 10,
      hostId: null,
      scope: 'all',
    })
    assert.deepEqual(store.touched, [{ id: 10, at: '2030-01-01T00:00:00.000Z' }])
  })

  it('records a use at most once a minute, not on every ping', async () => {
    const record = store.tokens.get(tokenHash(hasher, TOKEN))
    assert.ok(record !== undefined)
    store.tokens.set(record.hash, { ...record, lastUsedAt: '2029-12-31T23:59:30.000Z' })
    assert.equal((await auth.authenticate(bare(TOKEN), HERE))?.tokenId, 10)
    assert.deepEqual(store.touched, [], '30 s ago: not written again')
    store.tokens.set(record.hash, { ...record, lastUsedAt: '2029-12-31T23:58:59.000Z' })
    assert.equal((await auth.authenticate(bare(TOKEN), HERE))?.tokenId, 10)
    assert.deepEqual(store.touched, [{ id: 10, at: '2030-01-01T00:00:00.000Z' }])
  })

  it('carries the host scope of a host token', async () => {
    const p = await auth.authenticate(bare(HOST_TOKEN), HERE)
    assert.equal(p?.tokenId, 11)
    assert.equal(p.hostId, 7)
  })

  it('refuses a token whose expiry has come, accepts one not yet expired', async () => {
    assert.equal(await auth.authenticate(bare('expiredexpiredexpiredexpiredexpi'), HERE), undefined)
    assert.equal(
      (await auth.authenticate(bare('laterlaterlaterlaterlaterlaterla'), HERE))?.tokenId,
      13,
    )
    clock.ms += 1000
    assert.equal(await auth.authenticate(bare('laterlaterlaterlaterlaterlaterla'), HERE), undefined)
  })

  it('refuses a token used from outside its source ranges, as if unknown, on every path', async () => {
    const range = parseCidr('198.51.100.0/24')
    assert.ok(range.ok)
    const hash = tokenHash(hasher, 'rangedrangedrangedrangedrangedra')
    const limited = { sources: [range.value] }
    store.tokens.set(hash, {
      ...{ id: 14, ownerId: 1, ownerName: 'alice', hash, hostId: null, expiresAt: null },
      restrictions: limited,
    })
    const inside: IpAddress = { family: 4, text: '198.51.100.9' }
    assert.equal(await auth.authenticate(bare('rangedrangedrangedrangedrangedra'), HERE), undefined)
    assert.deepEqual(store.touched, [], 'an out-of-range use is no use')
    const p = await auth.authenticate(bare('rangedrangedrangedrangedrangedra'), inside)
    assert.deepEqual([p?.tokenId, p?.restrictions], [14, limited])
  })

  it('refuses unknown and empty tokens', async () => {
    assert.equal(await auth.authenticate(bare('nosuchtokennosuchtokennosuchtoke'), HERE), undefined)
    assert.equal(await auth.authenticate(bare(''), HERE), undefined)
    assert.equal(await auth.authenticate(basic('alice', ''), HERE), undefined)
    assert.deepEqual(store.touched, [])
  })

  const usernames: [string, boolean][] = [
    ['alice', true],
    ['home.dyn.example', true],
    ['', true],
    ['mallory', false],
    ['Alice', false],
  ]
  for (const [username, accepted] of usernames) {
    it(`Basic with a token and user name ${JSON.stringify(username)}: ${accepted ? 'accepted' : 'refused'}`, async () => {
      const p = await auth.authenticate(basic(username, TOKEN), HERE)
      assert.equal(p?.tokenId, accepted ? 10 : undefined)
    })
  }
})

describe('Authenticator: passwords', () => {
  it('accepts the right password', async () => {
    const p = await auth.authenticate(basic('alice', 'correct horse'), HERE)
    assert.deepEqual(p, { userId: 1, userName: 'alice', isAdmin: false })
  })

  const refused: [string, Credentials][] = [
    ['a wrong password', basic('alice', 'wrong horse')],
    ['an unknown user', basic('bob', 'correct horse')],
    ['a user without a password', basic('tokenonly', 'anything at all')],
    ['a password without a user name', bare('correct horse')],
  ]
  for (const [name, credentials] of refused) {
    it(`refuses ${name}`, async () => {
      assert.equal(await auth.authenticate(credentials, HERE), undefined)
    })
  }

  it('marks admins', async () => {
    store.users.set('root', {
      id: 2,
      name: 'root',
      passwordHash: await passwords.hash('rootpass'),
      isAdmin: true,
    })
    assert.equal((await auth.authenticate(basic('root', 'rootpass'), HERE))?.isAdmin, true)
  })
})

describe('Authenticator: password cache', () => {
  it('does not verify again for a second ping with the same password', async () => {
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal(passwords.verifyCalls, 1)
  })

  it('verifies again after the password changed', async () => {
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    await setPassword('alice', 1, 'battery staple')
    assert.equal(await auth.authenticate(basic('alice', 'correct horse'), HERE), undefined)
    assert.equal(passwords.verifyCalls, 2)
    assert.ok(await auth.authenticate(basic('alice', 'battery staple'), HERE))
    assert.equal(passwords.verifyCalls, 3)
  })

  it('verifies again after a rehash of the same password', async () => {
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    await setPassword('alice', 1, 'correct horse')
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal(passwords.verifyCalls, 2)
  })

  it('verifies again once cacheSeconds have passed', async () => {
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    clock.ms += 300_000 - 1
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal(passwords.verifyCalls, 1)
    clock.ms += 1
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal(passwords.verifyCalls, 2)
  })

  it('never caches a wrong password', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(await auth.authenticate(basic('alice', 'wrong horse'), HERE), undefined)
    }
    assert.equal(passwords.verifyCalls, 3)
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal(await auth.authenticate(basic('alice', 'wrong horse'), HERE), undefined)
    assert.equal(passwords.verifyCalls, 5)
  })

  it('does not let a cached password serve another user', async () => {
    await setPassword('bob', 2, 'correct horse')
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal((await auth.authenticate(basic('bob', 'correct horse'), HERE))?.userId, 2)
    assert.equal(passwords.verifyCalls, 2)
  })

  it('caches nothing with cacheSeconds = 0', async () => {
    auth = build({ cacheSeconds: 0 })
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal(passwords.verifyCalls, 2)
  })

  it('evicts the oldest entry past cacheMaxEntries', async () => {
    auth = build({ cacheMaxEntries: 1 })
    await setPassword('bob', 2, 'bobs password')
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.ok(await auth.authenticate(basic('bob', 'bobs password'), HERE))
    assert.ok(await auth.authenticate(basic('bob', 'bobs password'), HERE))
    assert.equal(passwords.verifyCalls, 2)
    assert.ok(await auth.authenticate(basic('alice', 'correct horse'), HERE))
    assert.equal(passwords.verifyCalls, 3)
  })
})
