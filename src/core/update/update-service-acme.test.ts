import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { tokenHash } from '../accounts/accounts.ts'
import { parseTxtText, type TxtText } from './acme-txt.ts'
import { Authenticator } from '../auth/auth.ts'
import { gateOf } from '../../../test/fakes/gate.ts'
import { createKeyedHasher } from '../auth/keyed-hash.ts'
import type { Fqdn } from '../names.ts'
import type { ChangePublisher } from '../ports.ts'
import { ok } from '../result.ts'
import { Secret } from '../auth/secret.ts'
import type { TokenScope } from '../auth/token-scope.ts'
import type { Credentials, HostOutcome, UpdateIntent, UpdateResult } from './update-intent.ts'
import { UpdateService } from './update-service.ts'
import { FakeUpdateStore } from '../../../test/fakes/update-store.ts'

const ZONE = 'dyn.example' as Fqdn
const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
const T0 = Date.parse('2030-01-01T00:00:00Z')

const publisher: ChangePublisher = { publish: () => Promise.resolve(ok(undefined)) }
const txt = (s: string): TxtText => {
  const r = parseTxtText(s)
  assert.ok(r.ok)
  return r.value
}
const TOKEN_A = 'x'.repeat(43)
const TOKEN_B = 'y'.repeat(43)

let store: FakeUpdateStore
let now: number
let service: UpdateService
const secrets = new Map<TokenScope, Credentials>()

beforeEach(() => {
  store = new FakeUpdateStore(ZONE)
  now = T0
  store.hosts.set(1, {
    id: 1,
    zone: ZONE,
    label: 'home',
    fqdn: 'home.dyn.example' as Fqdn,
    ownerId: 1,
    ttl: null,
    ipv4: '203.0.113.1',
    ipv6: null,
  })
  for (const scope of ['all', 'address', 'acme'] as const) {
    const secret = `${scope}-token-secret-of-some-length`
    const hash = tokenHash(hasher, secret)
    store.tokens.set(hash, {
      id: 7,
      ownerId: 1,
      ownerName: 'alice',
      hash,
      hostId: null,
      expiresAt: null,
      scope,
    })
    secrets.set(scope, { kind: 'token', secret: new Secret(secret) })
  }
  const clock = { now: () => new Date(now) }
  const passwords = { hash: () => Promise.resolve(''), verify: () => Promise.resolve(false) }
  const auth = new Authenticator({ store, hasher, passwords, clock, cacheSeconds: 0 })
  service = new UpdateService({
    store,
    gate: gateOf(auth),
    publisher,
    clock,
    maxHosts: 5,
    answerDeadlineMs: 100,
    txtTtlSeconds: 600,
  })
})

function intent(scope: TokenScope, fields: Partial<UpdateIntent>): UpdateIntent {
  return {
    dialect: 'acme-dns',
    credentials: secrets.get(scope) ?? null,
    hostnames: ['home.dyn.example'],
    ipv4: { kind: 'keep' },
    ipv6: { kind: 'keep' },
    clientIp: { family: 4, text: '198.51.100.7' },
    ...fields,
  }
}

function only(result: UpdateResult): HostOutcome {
  if (result.kind !== 'hosts') assert.fail(JSON.stringify(result))
  const [o] = result.outcomes
  assert.ok(o)
  return o
}

const add = (scope: TokenScope, value: string): Promise<UpdateResult> =>
  service.update(intent(scope, { txt: { kind: 'add', value: txt(value) } }))

describe('UpdateService: ACME TXT values', () => {
  it('keeps two values live at once and reports both', async () => {
    assert.deepEqual(only(await add('acme', TOKEN_A)).txt, [TOKEN_A])
    const second = only(await add('acme', TOKEN_B))
    assert.equal(second.status, 'good')
    assert.deepEqual(second.txt, [TOKEN_A, TOKEN_B])
    assert.equal(store.hosts.get(1)?.ipv4, '203.0.113.1')
  })

  it('gives each value its own expiry and drops expired ones on the next write', async () => {
    await add('acme', TOKEN_A)
    now = T0 + 300_000
    await add('acme', TOKEN_B)
    const stored = store.hosts.get(1)?.txt
    assert.deepEqual(stored, [
      { value: TOKEN_A, expiresAt: new Date(T0 + 600_000).toISOString() },
      { value: TOKEN_B, expiresAt: new Date(T0 + 900_000).toISOString() },
    ])
    now = T0 + 700_000
    assert.deepEqual(only(await add('acme', TOKEN_B)).txt, [TOKEN_B])
  })

  it('answers nochg for a value already live, and renews its expiry', async () => {
    await add('acme', TOKEN_A)
    now = T0 + 60_000
    const again = only(await add('acme', TOKEN_A))
    assert.equal(again.status, 'nochg')
    assert.equal(store.hosts.get(1)?.txt?.[0]?.expiresAt, new Date(T0 + 660_000).toISOString())
  })

  it('clears every value', async () => {
    await add('acme', TOKEN_A)
    const cleared = only(await service.update(intent('acme', { txt: { kind: 'clear' } })))
    assert.deepEqual([cleared.status, cleared.txt], ['good', []])
    const twice = only(await service.update(intent('acme', { txt: { kind: 'clear' } })))
    assert.equal(twice.status, 'nochg')
  })
})

describe('UpdateService: token scopes', () => {
  const setA = { ipv4: { kind: 'set', address: { family: 4, text: '203.0.113.9' } } } as const
  const table: { scope: TokenScope; what: 'address' | 'txt'; status: string }[] = [
    { scope: 'acme', what: 'address', status: '!yours' },
    { scope: 'acme', what: 'txt', status: 'good' },
    { scope: 'address', what: 'address', status: 'good' },
    { scope: 'address', what: 'txt', status: '!yours' },
    { scope: 'all', what: 'address', status: 'good' },
    { scope: 'all', what: 'txt', status: 'good' },
  ]
  for (const row of table) {
    it(`${row.scope} token, ${row.what} update: ${row.status}`, async () => {
      const result =
        row.what === 'address'
          ? await service.update(intent(row.scope, setA))
          : await add(row.scope, TOKEN_A)
      assert.equal(only(result).status, row.status)
      const host = store.hosts.get(1)
      if (row.status === '!yours') {
        assert.deepEqual([host?.ipv4, host?.txt], ['203.0.113.1', undefined])
        assert.equal(store.commits.length, 0)
      }
    })
  }

  it('refuses an acme token that also asks for the source address', async () => {
    const both = intent('acme', {
      ipv4: { kind: 'auto' },
      txt: { kind: 'add', value: txt(TOKEN_A) },
    })
    assert.equal(only(await service.update(both)).status, '!yours')
  })
})

describe('parseTxtText', () => {
  it('accepts printable ASCII up to 255 characters and refuses the rest', () => {
    assert.equal(parseTxtText(TOKEN_A).ok, true)
    assert.equal(parseTxtText('').ok, false)
    assert.equal(parseTxtText('a'.repeat(256)).ok, false)
    assert.equal(parseTxtText('tab\there').ok, false)
    assert.equal(parseTxtText('ünï').ok, false)
  })
})
