import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { tokenHash } from '../accounts/accounts.ts'
import type { IpAddress } from '../addresses/addresses.ts'
import { Authenticator } from '../auth/auth.ts'
import { gateOf } from '../../../test/fakes/gate.ts'
import { createKeyedHasher } from '../auth/keyed-hash.ts'
import { findZone, type Fqdn } from '../names.ts'
import type { PasswordHasher } from '../ports.ts'
import { Secret } from '../auth/secret.ts'
import type {
  AddressWish,
  Credentials,
  HostOutcome,
  UpdateIntent,
  UpdateResult,
} from './update-intent.ts'
import { UpdateService } from './update-service.ts'
import type { RequestTrace } from './request-trace.ts'
import { FakePublisher, FakeUpdateStore } from '../../../test/fakes/update-store.ts'

const ZONE = 'dyn.example' as Fqdn
const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
const passwords: PasswordHasher = {
  hash: (p) => Promise.resolve(`plain:${p}`),
  verify: (h, p) => Promise.resolve(h === `plain:${p}`),
}

const HOST_TOKEN = 'hosttokenhosttokenhosttokenhost2'
const v4 = (text: string): IpAddress => ({ family: 4, text })
const v6 = (text: string): IpAddress => ({ family: 6, text })
const set = (address: IpAddress): AddressWish => ({ kind: 'set', address })
const KEEP: AddressWish = { kind: 'keep' }
const AUTO: AddressWish = { kind: 'auto' }
const DELETE: AddressWish = { kind: 'delete' }
const alice: Credentials = { kind: 'basic', username: 'alice', secret: new Secret('alicepass') }
const hostToken: Credentials = { kind: 'token', secret: new Secret(HOST_TOKEN) }

function intent(fields: Partial<UpdateIntent> = {}): UpdateIntent {
  return {
    dialect: 'dyndns2',
    credentials: alice,
    hostnames: ['home.dyn.example'],
    ipv4: AUTO,
    ipv6: AUTO,
    clientIp: v4('198.51.100.7'),
    ...fields,
  }
}

function outcomes(result: UpdateResult): readonly HostOutcome[] {
  assert.equal(result.kind, 'hosts', JSON.stringify(result))
  return result.outcomes
}

let store: FakeUpdateStore
let publisher: FakePublisher
let service: UpdateService
let traced: RequestTrace[]

beforeEach(() => {
  store = new FakeUpdateStore(ZONE)
  publisher = new FakePublisher()
  const user = (id: number, name: string, isAdmin = false): void => {
    store.users.set(name, { id, name, passwordHash: `plain:${name}pass`, isAdmin })
  }
  user(1, 'alice')
  user(2, 'bob')
  user(9, 'root', true)
  const host = (
    id: number,
    label: string,
    ownerId: number,
    ipv4: string | null,
    ipv6: string | null,
  ): void => {
    const fqdn = `${label}.${ZONE}` as Fqdn
    store.hosts.set(id, { id, zone: ZONE, label, fqdn, ownerId, ttl: null, ipv4, ipv6 })
  }
  host(1, 'home', 1, '203.0.113.1', '2001:db8::1')
  host(2, 'office', 1, null, null)
  host(3, 'bobs', 2, '203.0.113.3', null)
  const hash = tokenHash(hasher, HOST_TOKEN)
  store.tokens.set(hash, {
    id: 11,
    ownerId: 1,
    ownerName: 'alice',
    hash,
    hostId: 1,
    expiresAt: null,
  })
  const clock = { now: () => new Date('2030-01-01T00:00:00Z') }
  const auth = new Authenticator({ store, hasher, passwords, clock, cacheSeconds: 60 })
  traced = []
  service = new UpdateService({
    store,
    gate: gateOf(auth),
    publisher,
    clock,
    maxHosts: 5,
    answerDeadlineMs: 1234,
    requests: { note: (t) => traced.push(...t) },
  })
})

describe('UpdateService: dual-stack rules', () => {
  // home starts as A 203.0.113.1, AAAA 2001:db8::1.
  const table: {
    name: string
    ipv4: AddressWish
    ipv6: AddressWish
    client?: IpAddress
    stored: [string | null, string | null]
    outcome: Omit<HostOutcome, 'hostname' | 'fqdn'>
  }[] = [
    {
      name: 'v4 only keeps AAAA',
      ipv4: set(v4('198.51.100.9')),
      ipv6: KEEP,
      stored: ['198.51.100.9', '2001:db8::1'],
      outcome: { status: 'good', ipv4: '198.51.100.9' },
    },
    {
      name: 'v6 only keeps A',
      ipv4: KEEP,
      ipv6: set(v6('2001:db8::99')),
      stored: ['203.0.113.1', '2001:db8::99'],
      outcome: { status: 'good', ipv6: '2001:db8::99' },
    },
    {
      name: 'both set',
      ipv4: set(v4('198.51.100.9')),
      ipv6: set(v6('2001:db8::99')),
      stored: ['198.51.100.9', '2001:db8::99'],
      outcome: { status: 'good', ipv4: '198.51.100.9', ipv6: '2001:db8::99' },
    },
    {
      name: 'auto from an IPv4 source fills only A',
      ipv4: AUTO,
      ipv6: AUTO,
      client: v4('198.51.100.7'),
      stored: ['198.51.100.7', '2001:db8::1'],
      outcome: { status: 'good', ipv4: '198.51.100.7' },
    },
    {
      name: 'auto from an IPv6 source fills only AAAA',
      ipv4: AUTO,
      ipv6: AUTO,
      client: v6('2001:db8::7'),
      stored: ['203.0.113.1', '2001:db8::7'],
      outcome: { status: 'good', ipv6: '2001:db8::7' },
    },
    {
      name: 'delete v4 keeps AAAA',
      ipv4: DELETE,
      ipv6: KEEP,
      stored: [null, '2001:db8::1'],
      outcome: { status: 'good' },
    },
    {
      name: 'delete v6 keeps A',
      ipv4: KEEP,
      ipv6: DELETE,
      stored: ['203.0.113.1', null],
      outcome: { status: 'good' },
    },
    {
      name: 'offline deletes both',
      ipv4: DELETE,
      ipv6: DELETE,
      stored: [null, null],
      outcome: { status: 'good' },
    },
    {
      name: 'the same v4 again is nochg',
      ipv4: set(v4('203.0.113.1')),
      ipv6: KEEP,
      stored: ['203.0.113.1', '2001:db8::1'],
      outcome: { status: 'nochg', ipv4: '203.0.113.1' },
    },
    {
      name: 'auto from the same source is nochg',
      ipv4: AUTO,
      ipv6: AUTO,
      client: v6('2001:db8::1'),
      stored: ['203.0.113.1', '2001:db8::1'],
      outcome: { status: 'nochg', ipv6: '2001:db8::1' },
    },
  ]
  for (const row of table) {
    it(row.name, async () => {
      const result = await service.update(
        intent({
          ipv4: row.ipv4,
          ipv6: row.ipv6,
          ...(row.client === undefined ? {} : { clientIp: row.client }),
        }),
      )
      assert.deepEqual(outcomes(result), [
        { hostname: 'home.dyn.example', fqdn: 'home.dyn.example', ...row.outcome },
      ])
      const home = store.host('home.dyn.example')
      assert.deepEqual([home.ipv4, home.ipv6], row.stored)
      assert.equal(publisher.calls.length, row.outcome.status === 'good' ? 1 : 0)
    })
  }
})

describe('UpdateService: outcomes', () => {
  it('answers good, then nochg for the same address, committing once', async () => {
    const wish = intent({ ipv4: set(v4('198.51.100.9')), ipv6: KEEP })
    assert.equal(outcomes(await service.update(wish))[0]?.status, 'good')
    assert.equal(outcomes(await service.update(wish))[0]?.status, 'nochg')
    assert.equal(store.commits.length, 2)
    assert.equal(store.commits[0]?.changed.length, 1)
    assert.deepEqual(store.commits[1]?.changed, [])
    assert.deepEqual(
      store.commits[1].unchanged.map((h) => h.id),
      [1],
    )
    assert.equal(publisher.calls.length, 1)
    assert.equal(publisher.calls[0]?.deadlineMs, 1234)
  })

  it('keeps request order and answers per host', async () => {
    const result = await service.update(
      intent({
        hostnames: [
          'bobs.dyn.example',
          'nothere.dyn.example',
          'Home.Dyn.Example.',
          'bad host',
          'office.dyn.example',
        ],
      }),
    )
    assert.deepEqual(outcomes(result), [
      { hostname: 'bobs.dyn.example', fqdn: 'bobs.dyn.example', status: '!yours' },
      { hostname: 'nothere.dyn.example', fqdn: 'nothere.dyn.example', status: 'nohost' },
      {
        hostname: 'Home.Dyn.Example.',
        fqdn: 'home.dyn.example',
        status: 'good',
        ipv4: '198.51.100.7',
      },
      { hostname: 'bad host', status: 'notfqdn' },
      {
        hostname: 'office.dyn.example',
        fqdn: 'office.dyn.example',
        status: 'good',
        ipv4: '198.51.100.7',
      },
    ])
    assert.equal(store.host('bobs.dyn.example').ipv4, '203.0.113.3')
  })

  it('answers nohost outside every zone', async () => {
    const r = await service.update(intent({ hostnames: ['host.example.org'] }))
    assert.equal(outcomes(r)[0]?.status, 'nohost')
    assert.equal(findZone('host.example.org' as Fqdn, store.zoneNames()), undefined)
  })

  it("lets an admin update another user's host", async () => {
    const root: Credentials = { kind: 'basic', username: 'root', secret: new Secret('rootpass') }
    const r = await service.update(intent({ credentials: root, hostnames: ['bobs.dyn.example'] }))
    assert.equal(outcomes(r)[0]?.status, 'good')
    assert.equal(store.host('bobs.dyn.example').ipv4, '198.51.100.7')
  })

  it('answers a host named twice the same way twice and writes it once', async () => {
    const r = await service.update(intent({ hostnames: ['home.dyn.example', 'HOME.dyn.example.'] }))
    assert.deepEqual(
      outcomes(r).map((o) => [o.status, o.ipv4]),
      [
        ['good', '198.51.100.7'],
        ['good', '198.51.100.7'],
      ],
    )
    assert.equal(store.commits[0]?.changed.length, 1)
  })

  it('records who changed what in the commit context', async () => {
    await service.update(intent({ credentials: hostToken, hostnames: [] }))
    assert.deepEqual(store.commits[0]?.context, {
      dialect: 'dyndns2',
      clientIp: '198.51.100.7',
      actor: 'alice (token 11)',
      at: '2030-01-01T00:00:00.000Z',
    })
  })
})

describe('UpdateService: publishing', () => {
  it('answers dnserr when publishing fails, with the store written', async () => {
    publisher.succeed = false
    const r = await service.update(
      intent({
        hostnames: ['home.dyn.example', 'office.dyn.example', 'home.dyn.example'],
        ipv4: set(v4('203.0.113.1')),
        ipv6: KEEP,
      }),
    )
    // home already had this address (nochg); office changed but DNS did not follow.
    assert.deepEqual(
      outcomes(r).map((o) => o.status),
      ['nochg', 'dnserr', 'nochg'],
    )
    assert.equal(store.host('office.dyn.example').ipv4, '203.0.113.1')
    assert.equal(publisher.calls.length, 1)
    assert.deepEqual(publisher.calls[0]?.changes[0]?.zone, ZONE)
  })

  it('marks every mention of a changed host dnserr', async () => {
    publisher.succeed = false
    const r = await service.update(
      intent({ hostnames: ['office.dyn.example', 'office.dyn.example'] }),
    )
    assert.deepEqual(
      outcomes(r).map((o) => o.status),
      ['dnserr', 'dnserr'],
    )
  })
})

describe('UpdateService: host tokens', () => {
  it('updates the token host when no hostname is given', async () => {
    const r = await service.update(intent({ credentials: hostToken, hostnames: [] }))
    assert.deepEqual(outcomes(r), [
      {
        hostname: 'home.dyn.example',
        fqdn: 'home.dyn.example',
        status: 'good',
        ipv4: '198.51.100.7',
      },
    ])
  })

  it('refuses other hosts of the same owner as !yours', async () => {
    const r = await service.update(
      intent({ credentials: hostToken, hostnames: ['office.dyn.example', 'home.dyn.example'] }),
    )
    assert.deepEqual(
      outcomes(r).map((o) => o.status),
      ['!yours', 'good'],
    )
    assert.equal(store.host('office.dyn.example').ipv4, null)
  })

  it('refuses an account login without hostnames as notfqdn', async () => {
    const r = await service.update(intent({ hostnames: [] }))
    assert.deepEqual(r.kind === 'rejected' ? r.code : r.kind, 'notfqdn')
    assert.equal(store.commits.length, 0)
  })
})

describe('UpdateService: request-level refusals', () => {
  const wrong: Credentials = { kind: 'basic', username: 'alice', secret: new Secret('wrong') }
  const table: [string, Partial<UpdateIntent>, string][] = [
    ['no credentials', { credentials: null }, 'badauth'],
    ['a wrong password', { credentials: wrong }, 'badauth'],
    ['an unknown token', { credentials: { kind: 'token', secret: new Secret('nope') } }, 'badauth'],
    [
      'more hostnames than maxHosts',
      {
        hostnames: ['a', 'b', 'c', 'd', 'e']
          .map((c) => `${c}.dyn.example`)
          .concat('home.dyn.example'),
      },
      'numhost',
    ],
  ]
  for (const [name, fields, code] of table) {
    it(`${name} → ${code}`, async () => {
      const r = await service.update(intent(fields))
      assert.equal(r.kind, 'rejected')
      assert.equal(r.code, code)
      assert.equal(store.commits.length, 0)
      assert.equal(store.host('home.dyn.example').ipv4, '203.0.113.1')
    })
  }

  it('accepts exactly maxHosts hostnames', async () => {
    const r = await service.update(
      intent({
        hostnames: ['a', 'b', 'c', 'd'].map((c) => `${c}.dyn.example`).concat('home.dyn.example'),
      }),
    )
    assert.equal(outcomes(r).length, 5)
  })
})

describe('UpdateService: the router inspector', () => {
  // A door added later calls `update` as every door does, without any inspector code of its
  // own (no wire either): its requests are traced all the same, refusals and all.
  it('traces every request of any door, accepted or refused, secrets redacted', async () => {
    await service.update(intent({ dialect: 'a-new-door', ipv4: set(v4('192.0.2.44')) }))
    await service.update(
      intent({
        dialect: 'a-new-door',
        credentials: { kind: 'basic', username: 'alice', secret: new Secret('wrongpass') },
        wire: { method: 'GET', path: '/x/wrongpass', params: new Map([['p', 'wrongpass']]) },
      }),
    )
    await service.update(intent({ dialect: 'a-new-door', hostnames: ['bobs.dyn.example'] }))
    assert.deepEqual(
      traced.map((t) => [t.dialect, t.host, t.result, t.reply]),
      [
        ['a-new-door', { fqdn: 'home.dyn.example' }, 'good', 'good 192.0.2.44'],
        ['a-new-door', { fqdn: 'home.dyn.example' }, 'badauth', 'badauth'],
        ['a-new-door', { fqdn: 'bobs.dyn.example' }, '!yours', '!yours'],
      ],
    )
    assert.ok(!JSON.stringify(traced).includes('wrongpass'))
    assert.ok(!JSON.stringify(traced).includes('alicepass'))
  })
})
