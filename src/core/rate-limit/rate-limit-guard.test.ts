import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { parseCidr, type IpAddress } from '../addresses/addresses.ts'
import { Authenticator } from '../auth/auth.ts'
import { CredentialGate } from '../auth/credential-gate.ts'
import { createKeyedHasher } from '../auth/keyed-hash.ts'
import { Lockouts, type LockoutRecord, type LockoutStore } from '../auth/lockout.ts'
import type { Fqdn } from '../names.ts'
import type { ChangePublisher, HostRecord, HostWrite, UpdateStore, UserRecord } from '../ports.ts'
import { MemoryWindowCounters, RateLimiter, type Budget } from './rate-limit.ts'
import { AbuseGuard, KeyCache, type GuardBudgets } from './rate-limit-guard.ts'
import type { ChangeSet } from '../records.ts'
import { err, ok } from '../result.ts'
import { Secret } from '../auth/secret.ts'
import type { UpdateIntent, UpdateResult } from '../update/update-intent.ts'
import { UpdateService } from '../update/update-service.ts'

const ZONE = 'dyn.example' as Fqdn

function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start
  return {
    now: () => new Date(t),
    advance: (seconds: number) => {
      t += seconds * 1000
    },
  }
}

/** Two users, each with one host; every change publishes (or fails, when told). */
class Store implements UpdateStore {
  readonly users = new Map<string, UserRecord>([
    ['alice', { id: 1, name: 'alice', passwordHash: 'plain:right', isAdmin: false }],
    ['bob', { id: 2, name: 'bob', passwordHash: 'plain:bobs', isAdmin: false }],
  ])
  readonly hosts = new Map<number, HostRecord>([
    [1, host(1, 'home', 1)],
    [2, host(2, 'bob', 2)],
  ])
  findUserByName = (name: string) => Promise.resolve(this.users.get(name))
  findTokenByHash = () => Promise.resolve(undefined)
  findHost = (fqdn: Fqdn) => Promise.resolve([...this.hosts.values()].find((h) => h.fqdn === fqdn))
  findHostById = (id: number) => Promise.resolve(this.hosts.get(id))
  zoneNames = () => [ZONE]
  touchToken = () => Promise.resolve()
  commitUpdate(changed: readonly HostWrite[]): Promise<ChangeSet[]> {
    for (const w of changed) this.hosts.set(w.host.id, { ...w.host, ipv4: w.ipv4, ipv6: w.ipv6 })
    return Promise.resolve(
      changed.length === 0 ? [] : [{ zone: ZONE, serial: 1, replace: [], remove: [] }],
    )
  }
}

function host(id: number, label: string, ownerId: number): HostRecord {
  const fqdn = `${label}.${ZONE}` as Fqdn
  return { id, zone: ZONE, label, fqdn, ownerId, ttl: 60, ipv4: null, ipv6: null }
}

class MemoryLockoutStore implements LockoutStore {
  readonly rows = new Map<number, LockoutRecord>()
  #next = 1
  find = (subject: string, source: string) =>
    Promise.resolve(
      [...this.rows.values()].find((r) => r.subject === subject && r.source === source),
    )
  save(record: LockoutRecord): Promise<void> {
    const id = record.id ?? this.#next++
    this.rows.set(id, { ...record, id })
    return Promise.resolve()
  }
  remove = (id: number) => Promise.resolve(void this.rows.delete(id))
}

const BUDGETS: GuardBudgets = {
  good: { windowSeconds: 3600, max: 6 },
  hostGood: { windowSeconds: 3600, max: 4 },
  bad: { windowSeconds: 600, max: 5 },
}

let clock: ReturnType<typeof manualClock>
let publishing: boolean
let service: UpdateService

/** The config defaults (see src/config/README.md). */
const DEFAULTS: GuardBudgets = {
  good: { windowSeconds: 3600, max: 720 },
  hostGood: { windowSeconds: 3600, max: 240 },
  bad: { windowSeconds: 900, max: 30 },
}

function build(
  options: {
    lockoutThreshold?: number
    exempt?: string[]
    budgets?: GuardBudgets
    accountBad?: Budget
    maxKnownSources?: number
  } = {},
): void {
  clock = manualClock()
  publishing = true
  const store = new Store()
  const publisher: ChangePublisher = {
    publish: () => Promise.resolve(publishing ? ok(undefined) : err({ message: 'backend down' })),
  }
  const limiter = new RateLimiter(new MemoryWindowCounters(1000), clock)
  const budgets = options.budgets ?? BUDGETS
  const exempt = (options.exempt ?? []).flatMap((c) => {
    const r = parseCidr(c)
    return r.ok ? [r.value] : []
  })
  const guard = new AbuseGuard({ limiter, budgets, exempt })
  const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
  const auth = new Authenticator({
    store,
    hasher,
    passwords: {
      hash: (p) => Promise.resolve(`plain:${p}`),
      verify: (h, p) => Promise.resolve(h === `plain:${p}`),
    },
    clock,
    cacheSeconds: 0,
  })
  const gate = new CredentialGate({
    auth,
    hasher,
    limiter,
    budgets: {
      bad: budgets.bad,
      ...(options.accountBad === undefined ? {} : { accountBad: options.accountBad }),
    },
    exempt,
    ...(options.maxKnownSources === undefined ? {} : { maxKnownSources: options.maxKnownSources }),
    lockouts: new Lockouts({
      store: new MemoryLockoutStore(),
      clock,
      settings: {
        threshold: options.lockoutThreshold ?? 0,
        baseSeconds: 60,
        maxSeconds: 3600,
        resetSeconds: 86400,
      },
      allow: [],
    }),
  })
  service = new UpdateService({
    store,
    gate,
    publisher,
    clock,
    maxHosts: 5,
    answerDeadlineMs: 100,
    guard,
  })
}

const v4 = (text: string): IpAddress => ({ family: 4, text })

function ping(fields: Partial<UpdateIntent> & { user?: string; password?: string } = {}) {
  const { user = 'alice', password = 'right', ...rest } = fields
  return service.update({
    dialect: 'dyndns2',
    credentials: { kind: 'basic', username: user, secret: new Secret(password) },
    hostnames: ['home.dyn.example'],
    ipv4: { kind: 'set', address: v4('198.51.100.1') },
    ipv6: { kind: 'keep' },
    clientIp: v4('203.0.113.7'),
    ...rest,
  })
}

function code(result: UpdateResult): string {
  return result.kind === 'rejected' ? result.code : result.outcomes.map((o) => o.status).join(',')
}

describe('AbuseGuard in the update path', () => {
  beforeEach(() => {
    build()
  })

  it('answers abuse with a Retry-After once the bad budget of an address is spent', async () => {
    for (let i = 0; i < 5; i++) assert.equal(code(await ping({ password: 'wrong' })), 'badauth')
    const refused = await ping()
    assert.equal(code(refused), 'abuse', 'even the right password, from this address')
    assert.ok(refused.kind === 'rejected' && (refused.retryAfterSeconds ?? 0) > 0)
    assert.equal(code(await ping({ clientIp: v4('198.51.100.9') })), 'good', 'other address')
    clock.advance(1200)
    assert.equal(code(await ping()), 'nochg', 'budget back after two windows')
  })

  it('counts failures of the account itself against the account, from any address', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await ping({ hostnames: ['bob.dyn.example'], clientIp: v4(`192.0.2.${String(i)}`) })
      assert.equal(code(r), '!yours')
    }
    assert.equal(code(await ping({ clientIp: v4('192.0.2.99') })), 'abuse')
    assert.equal(
      code(await ping({ user: 'bob', password: 'bobs', hostnames: ['bob.dyn.example'] })),
      'good',
    )
  })

  it('bounds password guesses spread over many addresses, not the known router of the owner', async () => {
    build({ accountBad: { windowSeconds: 600, max: 8 } })
    const router = v4('198.51.100.77')
    assert.equal(code(await ping({ clientIp: router })), 'good', 'the owner logs in first')
    // Two guesses from each of four addresses: under every per-address budget.
    for (let i = 0; i < 8; i++) {
      const r = await ping({
        password: `guess${String(i)}`,
        clientIp: v4(`192.0.2.${String(i >> 1)}`),
      })
      assert.equal(code(r), 'badauth')
    }
    const guess = await ping({ password: 'right', clientIp: v4('192.0.2.200') })
    assert.equal(code(guess), 'abuse', 'a new address, even with the right password')
    assert.ok(guess.kind === 'rejected' && (guess.retryAfterSeconds ?? 0) > 0)
    assert.equal(code(await ping({ clientIp: router })), 'nochg', 'the known router still works')
    assert.equal(
      code(await ping({ user: 'bob', password: 'bobs', hostnames: ['bob.dyn.example'] })),
      'good',
      'other accounts are not affected',
    )
    clock.advance(1200)
    assert.equal(code(await ping({ clientIp: v4('192.0.2.200') })), 'nochg', 'after the window')
  })

  it('remembers at most maxKnownSources owner addresses, the least recently seen forgotten', async () => {
    build({ accountBad: { windowSeconds: 600, max: 8 }, maxKnownSources: 1 })
    const router = v4('198.51.100.77')
    const phone = v4('198.51.100.78')
    assert.equal(code(await ping({ clientIp: router })), 'good')
    assert.equal(code(await ping({ clientIp: phone })), 'nochg', 'the phone pushes out the router')
    for (let i = 0; i < 8; i++) {
      const r = await ping({ password: `guess${String(i)}`, clientIp: v4(`192.0.2.${String(i)}`) })
      assert.equal(code(r), 'badauth')
    }
    assert.equal(code(await ping({ clientIp: phone })), 'nochg', 'the phone is known')
    assert.equal(code(await ping({ clientIp: router })), 'abuse', 'the router was forgotten')
  })

  it('lets a client under budget run all day and stops a runaway client per host', async () => {
    for (let minute = 0; minute < 24 * 60; minute += 20) {
      assert.match(code(await ping()), /good|nochg/, `minute ${String(minute)}`)
      clock.advance(20 * 60)
    }
    clock.advance(3600)
    for (let i = 0; i < 4; i++) await ping({ clientIp: v4(`192.0.2.${String(i)}`) })
    const r = await ping({ clientIp: v4('192.0.2.50') })
    assert.equal(code(r), 'abuse', 'fifth update of one host within the hour')
  })

  it('with the default budgets, never refuses a router pinging every minute with bursts', async () => {
    build({ budgets: DEFAULTS, lockoutThreshold: 5 })
    for (let minute = 0; minute < 24 * 60; minute++) {
      // A reconnect every six hours: five pings at once (ddclient, hotplug script, cron).
      const burst = minute % 360 === 0 ? 5 : 1
      for (let i = 0; i < burst; i++) {
        assert.match(code(await ping()), /good|nochg/, `minute ${String(minute)}`)
      }
      clock.advance(60)
    }
  })

  it('never counts dnserr (backend down) against the client', async () => {
    publishing = false
    for (let i = 0; i < 20; i++) {
      const r = await ping({ ipv4: { kind: 'set', address: v4(`198.51.100.${String(i + 10)}`) } })
      assert.equal(code(r), 'dnserr')
    }
    publishing = true
    assert.equal(code(await ping()), 'good')
  })

  it('locks a credential at one address after repeated bad passwords', async () => {
    build({ lockoutThreshold: 3 })
    for (let i = 0; i < 3; i++) assert.equal(code(await ping({ password: 'wrong' })), 'badauth')
    const locked = await ping()
    assert.equal(code(locked), 'abuse')
    assert.equal(locked.kind === 'rejected' ? locked.retryAfterSeconds : 0, 60)
    assert.equal(code(await ping({ clientIp: v4('198.51.100.9') })), 'good', 'victim elsewhere')
    clock.advance(60)
    assert.equal(code(await ping()), 'nochg', 'lock over, right password clears it')
    // Cleared: the next wrong password is one failure again, not a renewed lock.
    assert.equal(code(await ping({ password: 'wrong' })), 'badauth')
    assert.equal(code(await ping()), 'nochg')
  })

  it('applies no budget to exempt addresses', async () => {
    build({ exempt: ['203.0.113.0/24'] })
    for (let i = 0; i < 20; i++) assert.equal(code(await ping({ password: 'wrong' })), 'badauth')
    assert.equal(code(await ping()), 'good')
  })
})

describe('KeyCache', () => {
  it('holds at most its bound, the least recently used key made again', () => {
    const made: string[] = []
    const cache = new KeyCache((k: string) => {
      made.push(k)
      return k.length === 1 ? null : k
    }, 3)
    for (const k of ['a', 'b', 'c', 'a', 'd']) cache.get(k)
    assert.equal(cache.size, 3)
    assert.equal(cache.get('a'), null, 'a null value is kept too')
    cache.get('b')
    assert.deepEqual(made, ['a', 'b', 'c', 'd', 'b'], 'b was the least recently used')
    for (let i = 0; i < 100; i++) cache.get(`key${String(i)}`)
    assert.equal(cache.size, 3)
  })
})
