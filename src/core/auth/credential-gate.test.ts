import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import type { IpAddress } from '../addresses/addresses.ts'
import { Authenticator } from './auth.ts'
import { CredentialGate, liftSubjects, type CredentialAttempt } from './credential-gate.ts'
import { createKeyedHasher } from './keyed-hash.ts'
import { Lockouts, type LockoutRecord, type LockoutStore } from './lockout.ts'
import type { TokenRecord, UpdateStore, UserRecord } from '../ports.ts'
import { MemoryWindowCounters, RateLimiter } from '../rate-limit/rate-limit.ts'
import { Secret } from './secret.ts'

const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
const TOKEN = 'a-generated-token-of-160-bits-0123456789'
const WEAK = 'sftdyn1'
const clock = { now: () => new Date('2030-01-01T00:00:00Z') }

const users = new Map<string, UserRecord>([
  ['bob', { id: 2, name: 'bob', passwordHash: 'plain:right', isAdmin: false }],
])
const token = (id: number, secret: string, lowEntropy: boolean): [string, TokenRecord] => {
  const hash = hasher.digest(`token\0${secret}`)
  const record = { id, ownerId: 2, ownerName: 'bob', hash, hostId: null, expiresAt: null }
  return [hash, { ...record, lowEntropy, lastUsedAt: clock.now().toISOString() }]
}
const tokens = new Map([token(1, TOKEN, false), token(2, WEAK, true)])

const store = {
  findUserByName: (name: string) => Promise.resolve(users.get(name)),
  findTokenByHash: (hash: string) => Promise.resolve(tokens.get(hash)),
  touchToken: () => Promise.resolve(),
} as Pick<UpdateStore, 'findUserByName' | 'findTokenByHash' | 'touchToken'> as UpdateStore

class MemoryLockoutStore implements LockoutStore {
  readonly rows: LockoutRecord[] = []
  find = (subject: string, source: string) =>
    Promise.resolve(this.rows.find((r) => r.subject === subject && r.source === source))
  save(record: LockoutRecord): Promise<void> {
    const at = this.rows.findIndex((r) => r.id === record.id && record.id !== undefined)
    if (at >= 0) this.rows[at] = record
    else this.rows.push({ ...record, id: this.rows.length + 1 })
    return Promise.resolve()
  }
  remove = (id: number) => {
    const at = this.rows.findIndex((r) => r.id === id)
    if (at >= 0) this.rows.splice(at, 1)
    return Promise.resolve()
  }
}

const v4 = (text: string): IpAddress => ({ family: 4, text })
const basic = (username: string, secret: string) =>
  ({ kind: 'basic', username, secret: new Secret(secret) }) as const

let gate: CredentialGate
let lockoutRows: LockoutRecord[]

beforeEach(() => {
  const lockoutStore = new MemoryLockoutStore()
  lockoutRows = lockoutStore.rows
  const passwords = {
    hash: (p: string) => Promise.resolve(`plain:${p}`),
    verify: (h: string, p: string) => Promise.resolve(h === `plain:${p}`),
  }
  gate = new CredentialGate({
    auth: new Authenticator({ store, hasher, passwords, clock, cacheSeconds: 0 }),
    hasher,
    limiter: new RateLimiter(new MemoryWindowCounters(1000), clock),
    budgets: { bad: { windowSeconds: 900, max: 100 }, accountBad: { windowSeconds: 900, max: 4 } },
    lockouts: new Lockouts({
      store: lockoutStore,
      clock,
      settings: { threshold: 3, baseSeconds: 60, maxSeconds: 3600, resetSeconds: 86400 },
      allow: [],
    }),
  })
})

const check = async (a: Omit<CredentialAttempt, 'door'> & { door?: CredentialAttempt['door'] }) => {
  const r = await gate.check({ door: 'update', ...a })
  return r.ok ? `ok ${r.value.userName}` : r.error.code
}

describe('CredentialGate', () => {
  it('counts parallel guesses from one address as if they came one by one', async () => {
    // Twenty guesses at once: the lock after three must hold for the other seventeen.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        check({ credentials: basic('bob', `guess ${String(i)}`), source: v4('192.0.2.77') }),
      ),
    )
    assert.equal(results.filter((r) => r === 'badauth').length, 3, results.join(' '))
    assert.equal(results.filter((r) => r === 'abuse').length, 17)
  })

  it('lets no bare low-entropy key reset the lock of a bare-key guesser at its address', async () => {
    const shared = v4('192.0.2.88')
    const bare = (secret: string) => ({ kind: 'token', secret: new Secret(secret) }) as const
    for (let i = 0; i < 2; i++)
      assert.equal(
        await check({ credentials: bare(`wrong-${String(i)}`), source: shared }),
        'badauth',
      )
    assert.equal(await check({ credentials: bare(WEAK), source: shared }), 'ok bob')
    assert.equal(await check({ credentials: bare('wrong-3'), source: shared }), 'badauth')
    assert.equal(await check({ credentials: bare('wrong-4'), source: shared }), 'abuse')
  })

  it('never refuses a valid generated token for password guesses; a guessable one it does', async () => {
    const guesser = v4('192.0.2.1')
    for (let i = 0; i < 3; i++)
      assert.equal(await check({ credentials: basic('bob', 'x'), source: guesser }), 'badauth')
    assert.equal(await check({ credentials: basic('bob', 'right'), source: guesser }), 'abuse')
    for (let i = 0; i < 4; i++)
      await check({ credentials: basic('bob', 'x'), source: v4(`198.51.100.${String(i)}`) })
    const stranger = v4('203.0.113.9')
    assert.equal(await check({ credentials: basic('bob', 'right'), source: stranger }), 'abuse')
    for (const source of [guesser, stranger]) {
      assert.equal(await check({ credentials: basic('bob', TOKEN), source }), 'ok bob')
      assert.equal(
        await check({ credentials: { kind: 'token', secret: new Secret(TOKEN) }, source }),
        'ok bob',
      )
    }
    assert.equal(await check({ credentials: basic('bob', WEAK), source: guesser }), 'abuse')
    assert.equal(await check({ credentials: basic('bob', WEAK), source: stranger }), 'abuse')
    // The token's success left the guesser's lock alone.
    assert.equal(await check({ credentials: basic('bob', 'right'), source: guesser }), 'abuse')
  })

  it('keeps each door to what it takes, and counts what it refuses', async () => {
    const source = v4('192.0.2.7')
    assert.equal(
      await check({
        door: 'web-login',
        credentials: basic('bob', TOKEN),
        source,
        accepts: 'password',
      }),
      'badauth',
    )
    assert.equal(
      await check({ door: 'api', credentials: basic('bob', 'right'), source, accepts: 'token' }),
      'badauth',
    )
    assert.equal(lockoutRows.length, 1)
    assert.equal(lockoutRows[0]?.failures, 2)
  })

  it('keeps a name that names no user only as a keyed hash', async () => {
    const source = v4('192.0.2.8')
    assert.equal(await check({ credentials: basic(TOKEN, 'x'), source }), 'badauth')
    const subject = lockoutRows[0]?.subject ?? ''
    assert.match(subject, /^unknown:[0-9a-f]{32}$/)
    assert.ok(!subject.includes(TOKEN))
    assert.ok(liftSubjects(hasher, TOKEN).includes(subject))
    assert.equal(await gate.subjectOf(basic('bob', 'x')), 'user:bob')
  })
})
