import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import type { IpAddress } from '../addresses/addresses.ts'
import { Authenticator } from '../auth/auth.ts'
import { gateOf } from '../../../test/fakes/gate.ts'
import { joinPrefix, networkOf, parseInterfaceId } from '../addresses/ipv6-prefix.ts'
import { createKeyedHasher } from '../auth/keyed-hash.ts'
import type { Fqdn } from '../names.ts'
import { ok } from '../result.ts'
import { Secret } from '../auth/secret.ts'
import type { PrefixWish, UpdateIntent } from './update-intent.ts'
import { UpdateService } from './update-service.ts'
import { FakePublisher, FakeUpdateStore } from '../../../test/fakes/update-store.ts'

const ZONE = 'dyn.example' as Fqdn
const v4 = (text: string): IpAddress => ({ family: 4, text })
const v6 = (text: string): IpAddress => ({ family: 6, text })

// Three members of alice's /56 group (router, nas, tv) and bob's host `bobs`.

let store: FakeUpdateStore
let publisher: FakePublisher
let service: UpdateService

beforeEach(() => {
  store = new FakeUpdateStore(ZONE)
  publisher = new FakePublisher()
  store.users.set('alice', {
    id: 1,
    name: 'alice',
    passwordHash: 'plain:alicepass',
    isAdmin: false,
  })
  store.users.set('bob', { id: 2, name: 'bob', passwordHash: 'plain:bobpass', isAdmin: false })
  const host = (id: number, label: string, ownerId: number, ipv6: string | null, iid?: string) => {
    const fqdn = `${label}.${ZONE}` as Fqdn
    store.hosts.set(id, { id, zone: ZONE, label, fqdn, ownerId, ttl: null, ipv4: null, ipv6 })
    if (iid !== undefined) store.iids.set(id, iid)
  }
  host(1, 'router', 1, '2001:db8:aa:100::1', '::1')
  host(2, 'nas', 1, '2001:db8:aa:101::2', '::1:0:0:0:2')
  host(3, 'tv', 1, null, '::a8bb:ccff:fedd:eeff')
  host(4, 'bobs', 2, null)
  const clock = { now: () => new Date('2030-01-01T00:00:00Z') }
  const passwords = {
    hash: (p: string) => Promise.resolve(`plain:${p}`),
    verify: (h: string, p: string) => Promise.resolve(h === `plain:${p}`),
  }
  const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
  const auth = new Authenticator({ store, hasher, passwords, clock, cacheSeconds: 60 })
  service = new UpdateService({
    store,
    gate: gateOf(auth),
    publisher,
    clock,
    maxHosts: 5,
    answerDeadlineMs: 100,
  })
})

function intent(user: string, hostname: string, ipv6prefix: PrefixWish): UpdateIntent {
  return {
    dialect: 'dynv6',
    credentials: { kind: 'basic', username: user, secret: new Secret(`${user}pass`) },
    hostnames: [hostname],
    ipv4: { kind: 'keep' },
    ipv6: { kind: 'keep' },
    ipv6prefix,
    clientIp: v4('198.51.100.7'),
  }
}

const PREFIX: PrefixWish = { kind: 'set', prefix: v6('2001:db8:bb:200::'), length: 56 }

describe('ipv6-prefix arithmetic', () => {
  it('joins prefix bits and interface identifier bits', () => {
    assert.equal(joinPrefix('2001:db8:bb:2ff::', 56, '::1:0:0:0:2'), '2001:db8:bb:201::2')
    assert.equal(
      joinPrefix('2001:db8:1:2:ffff::', 64, '::a8bb:ccff:fedd:eeff'),
      '2001:db8:1:2:a8bb:ccff:fedd:eeff',
    )
  })
  it('takes the network of an address', () => {
    assert.deepEqual(networkOf(v6('2001:db8:1:2:3:4:5:6'), 64), ok('2001:db8:1:2::'))
    assert.equal(networkOf(v4('192.0.2.1'), 64).ok, false)
  })
  it('refuses an interface identifier that reaches into the prefix', () => {
    assert.deepEqual(parseInterfaceId('::1:2', 64), ok('::1:2'))
    assert.equal(parseInterfaceId('::1:0:0:0:2', 64).ok, false)
    assert.equal(parseInterfaceId('::100:0:0:0:2', 56).ok, false)
    assert.equal(parseInterfaceId('::ff:0:0:0:2', 56).ok, true)
    assert.equal(parseInterfaceId('not-an-iid', 64).ok, false)
  })
})

describe('UpdateService: IPv6 prefix groups', () => {
  it('re-prefixes all three members in one commit and one publish', async () => {
    const result = await service.update(intent('alice', 'router.dyn.example', PREFIX))
    assert.deepEqual(result, {
      kind: 'hosts',
      outcomes: [
        {
          hostname: 'router.dyn.example',
          fqdn: 'router.dyn.example',
          status: 'good',
          ipv6: '2001:db8:bb:200::1',
        },
      ],
    })
    assert.equal(store.commits.length, 1)
    const written = new Map(store.commits[0]?.changed.map((w) => [w.host.label, w.ipv6]))
    assert.deepEqual(Object.fromEntries(written), {
      router: '2001:db8:bb:200::1',
      nas: '2001:db8:bb:201::2',
      tv: '2001:db8:bb:200:a8bb:ccff:fedd:eeff',
    })
    assert.ok(store.commits[0]?.changed.every((w) => w.group?.prefix === '2001:db8:bb:200::'))
    assert.equal(publisher.calls.length, 1)
  })

  it('answers nochg when the prefix is already in place', async () => {
    await service.update(intent('alice', 'nas.dyn.example', PREFIX))
    const again = await service.update(intent('alice', 'tv.dyn.example', PREFIX))
    assert.equal(again.kind === 'hosts' ? again.outcomes[0]?.status : again.kind, 'nochg')
  })

  it('removes every member AAAA on delete', async () => {
    await service.update(intent('alice', 'router.dyn.example', { kind: 'delete' }))
    assert.deepEqual(
      [1, 2, 3].map((id) => store.hosts.get(id)?.ipv6),
      [null, null, null],
    )
  })

  it('takes the prefix from an IPv6 source address with auto', async () => {
    const i = {
      ...intent('alice', 'router.dyn.example', { kind: 'auto' }),
      clientIp: v6('2001:db8:cc:3344::99'),
    }
    await service.update(i)
    assert.equal(store.hosts.get(2)?.ipv6, '2001:db8:cc:3301::2')
  })

  it('refuses a prefix of the wrong length and changes nothing', async () => {
    const wrong: PrefixWish = { kind: 'set', prefix: v6('2001:db8:bb:200::'), length: 64 }
    const result = await service.update(intent('alice', 'router.dyn.example', wrong))
    assert.equal(result.kind === 'rejected' ? result.code : result.kind, 'badip')
    assert.equal(store.commits.length, 0)
  })

  it("refuses another user's group", async () => {
    store.groupOwner = 2
    const result = await service.update(intent('alice', 'router.dyn.example', PREFIX))
    assert.equal(result.kind === 'hosts' ? result.outcomes[0]?.status : result.kind, '!yours')
    assert.equal(store.hosts.get(2)?.ipv6, '2001:db8:aa:101::2')
  })

  it('leaves a host without a group alone', async () => {
    const result = await service.update(intent('bob', 'bobs.dyn.example', PREFIX))
    assert.equal(result.kind === 'hosts' ? result.outcomes[0]?.status : result.kind, 'nochg')
    assert.equal(store.hosts.get(2)?.ipv6, '2001:db8:aa:101::2')
  })
})
