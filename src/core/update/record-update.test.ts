import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../names.ts'
import type { ChangePublisher, HostRecord, RecordStore, RecordWrite } from '../ports.ts'
import type { ChangeSet } from '../records.ts'
import { ok } from '../result.ts'
import { AddressPolicy, type AddressPolicyMode } from '../addresses/address-policy.ts'
import { RecordUpdateService, type RecordChange, type RecordUpdate } from './record-update.ts'
import { grantAllows, wildcardMatches, type UpdatePrincipal } from './update-policy.ts'

const ZONE = 'dyn.example.com' as Fqdn
const HOST = `home.${ZONE}` as Fqdn
const ACME = `_acme-challenge.${HOST}` as Fqdn

class FakeStore implements RecordStore {
  records = new Map<string, string[]>([['A', ['192.0.2.1']]])
  commits: RecordWrite[][] = []
  readonly host: HostRecord = {
    id: 1,
    zone: ZONE,
    label: 'home',
    fqdn: HOST,
    ownerId: 1,
    ttl: null,
    ipv4: '192.0.2.1',
    ipv6: null,
    txt: [],
  }
  zoneNames(): readonly Fqdn[] {
    return [ZONE]
  }
  findHost(fqdn: Fqdn): Promise<HostRecord | undefined> {
    return Promise.resolve(fqdn === HOST ? this.host : undefined)
  }
  hostRecords(): Promise<ReadonlyMap<string, readonly string[]>> {
    return Promise.resolve(this.records)
  }
  commitRecords(writes: readonly RecordWrite[]): Promise<ChangeSet[]> {
    this.commits.push([...writes])
    return Promise.resolve([{ zone: ZONE, serial: 2, replace: [], remove: [] }])
  }
}

const publisher: ChangePublisher = { publish: () => Promise.resolve(ok(undefined)) }
const all: UpdatePrincipal = {
  keyName: 'k',
  grants: [{ match: 'subdomain', name: ZONE, types: [] }],
}
const acmeOnly: UpdatePrincipal = {
  keyName: 'acme',
  grants: [{ match: 'wildcard', name: `_acme-challenge.*.${ZONE}` as Fqdn, types: ['TXT'] }],
}

function run(
  store: FakeStore,
  changes: RecordChange[],
  principal = all,
  extra: Partial<RecordUpdate> = {},
  mode: AddressPolicyMode = 'auto',
) {
  const service = new RecordUpdateService({
    store,
    publisher,
    clock: { now: () => new Date('2030-01-01T00:00:00Z') },
    answerDeadlineMs: 1000,
    addressPolicy: new AddressPolicy({ mode, zones: new Map() }),
  })
  return service.update({
    zone: ZONE,
    prerequisites: [],
    changes,
    principal,
    dialect: 'rfc2136',
    clientIp: '127.0.0.1',
    ...extra,
  })
}

void describe('update policy', () => {
  void it('matches wildcards label by label, a leading * over several labels', () => {
    assert.ok(wildcardMatches(`_acme-challenge.*.${ZONE}`, ACME))
    assert.ok(!wildcardMatches(`_acme-challenge.*.${ZONE}`, `_acme-challenge.a.b.${ZONE}`))
    assert.ok(wildcardMatches(`*.${ZONE}`, `a.b.${ZONE}`))
    assert.ok(!wildcardMatches(`*.${ZONE}`, ZONE))
  })
  void it('checks types and self', () => {
    assert.ok(grantAllows(acmeOnly, ACME, 'TXT'))
    assert.ok(!grantAllows(acmeOnly, ACME, 'A'))
    const self: UpdatePrincipal = {
      keyName: HOST,
      grants: [{ match: 'self', name: null, types: [] }],
    }
    assert.ok(grantAllows(self, HOST, 'A'))
    assert.ok(!grantAllows(self, ACME, 'A'))
  })
})

void describe('RecordUpdateService', () => {
  void it('adds to an RRset and commits only what changed', async () => {
    const store = new FakeStore()
    const r = await run(store, [
      { kind: 'add', name: HOST, type: 'A', ttl: 60, value: '192.0.2.2' },
    ])
    assert.deepEqual(r, ok({ changed: true, ignored: [] }))
    const write = store.commits[0]?.[0]
    assert.ok(write?.kind === 'host')
    assert.deepEqual(write.values, ['192.0.2.1', '192.0.2.2'])
  })
  void it('does not commit when nothing changes', async () => {
    const store = new FakeStore()
    const r = await run(store, [
      { kind: 'add', name: HOST, type: 'A', ttl: 60, value: '192.0.2.1' },
    ])
    assert.deepEqual(r, ok({ changed: false, ignored: [] }))
    assert.equal(store.commits.length, 0)
  })
  void it('writes ACME TXT values with an expiry', async () => {
    const store = new FakeStore()
    await run(store, [{ kind: 'add', name: ACME, type: 'TXT', ttl: 60, value: '"tok"' }], acmeOnly)
    const write = store.commits[0]?.[0]
    assert.ok(write?.kind === 'acme')
    assert.deepEqual(write.values, [{ value: 'tok', expiresAt: '2030-01-01T01:00:00.000Z' }])
  })
  void it('refuses what the key is not granted, and names no host can hold', async () => {
    const store = new FakeStore()
    const a = await run(
      store,
      [{ kind: 'add', name: HOST, type: 'A', ttl: 60, value: '192.0.2.9' }],
      acmeOnly,
    )
    assert.equal(a.ok ? 'ok' : a.error.code, 'refused')
    const other = `nohost.${ZONE}` as Fqdn
    const b = await run(store, [
      { kind: 'add', name: other, type: 'A', ttl: 60, value: '192.0.2.9' },
    ])
    assert.equal(b.ok ? 'ok' : b.error.code, 'refused')
    assert.equal(store.commits.length, 0)
  })
  void it('applies the address policy of HTTP updates to every A and AAAA it adds', async () => {
    const table: [string, string, string | undefined][] = [
      ['A', '10.0.0.1', '10.0.0.1 is a private address'],
      ['AAAA', 'fd00::1', 'fd00::1 is a unique local address'],
      ['AAAA', '64:ff9b::a00:1', '64:ff9b::a00:1 is a private (NAT64 of 10.0.0.1) address'],
      ['AAAA', '::ffff:10.0.0.1', '"10.0.0.1" is not an IPv6 address'],
      ['A', '93.184.216.34', undefined],
      ['AAAA', '2a00:1450:4001::1', undefined],
    ]
    for (const [type, value, why] of table) {
      const store = new FakeStore()
      const add: RecordChange = { kind: 'add', name: HOST, type, ttl: 60, value }
      const r = await run(store, [add], all, {}, 'public')
      if (why === undefined) {
        assert.deepEqual(r, ok({ changed: true, ignored: [] }), value)
        continue
      }
      assert.ok(!r.ok && r.error.code === 'refused', value)
      assert.ok(r.error.message.includes(why), r.error.message)
      assert.equal(store.commits.length, 0, 'nothing written')
    }
    // The same addresses pass where the zone takes any (a lab or documentation zone).
    const store = new FakeStore()
    const lab = await run(store, [
      { kind: 'add', name: HOST, type: 'A', ttl: 60, value: '10.0.0.1' },
    ])
    assert.deepEqual(lab, ok({ changed: true, ignored: [] }))
  })

  void it('evaluates prerequisites with their rcodes', async () => {
    const store = new FakeStore()
    const cases = [
      [{ kind: 'rrset-absent', name: HOST, type: 'A' }, 'yxrrset'],
      [{ kind: 'rrset-exists', name: HOST, type: 'AAAA' }, 'nxrrset'],
      [{ kind: 'name-in-use', name: `x.${ZONE}` as Fqdn }, 'nxdomain'],
      [{ kind: 'name-not-in-use', name: HOST }, 'yxdomain'],
      [{ kind: 'rrset-equals', name: HOST, type: 'A', values: ['192.0.2.3'] }, 'nxrrset'],
    ] as const
    for (const [p, code] of cases) {
      const r = await run(store, [], all, { prerequisites: [p] })
      assert.equal(r.ok ? 'ok' : r.error.code, code, p.kind)
    }
    const outside = await run(store, [{ kind: 'delete-name', name: 'example.org' as Fqdn }])
    assert.equal(outside.ok ? 'ok' : outside.error.code, 'notzone')
  })
})
