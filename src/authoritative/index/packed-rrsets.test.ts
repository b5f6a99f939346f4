import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet, ZoneSnapshot } from '../../core/records.ts'
import { RRType } from '../../dns/constants.ts'
import { hashBytes } from './owner-table.ts'
import { PackedRRsets } from './packed-rrsets.ts'
import { ZoneIndex } from './zone-index.ts'

const f = (name: string): Fqdn => name as Fqdn
const ZONE = f('dyn.example.test')

function snapshot(records: RecordSet[], serial = 1): ZoneSnapshot {
  return {
    name: ZONE,
    ttl: 300,
    soa: {
      mname: f('ns1.example.test'),
      rname: f('hostmaster.example.test'),
      serial,
      refresh: 3600,
      retry: 600,
      expire: 1209600,
      minimum: 60,
    },
    ns: [f('ns1.example.test')],
    records,
  }
}

const HOSTS: RecordSet[] = [
  { name: f('a.dyn.example.test'), type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] },
  { name: f('a.dyn.example.test'), type: 'AAAA', ttl: 60, values: ['2001:db8::1'] },
  { name: f('_acme-challenge.a.dyn.example.test'), type: 'TXT', ttl: 60, values: ['"tok en"'] },
  { name: f('b.dyn.example.test'), type: 'A', ttl: 120, values: ['192.0.2.3', '192.0.2.3'] },
  { name: f('Mixed.dyn.example.test'), type: 'A', ttl: 60, values: ['192.0.2.4'] },
]

function loaded(): ZoneIndex {
  const index = new ZoneIndex()
  assert.ok(index.load(snapshot(HOSTS)).ok)
  return index
}

function addresses(index: ZoneIndex, name: string, type: number): string[] {
  const r = index.lookup(name, type)
  if (r.kind !== 'answer') return [r.kind]
  return r.rrsets.flatMap((s) => s.records.map((b) => [...b.subarray(10)].join('.')))
}

describe('PackedRRsets', () => {
  it('holds a loaded zone packed and answers from it', () => {
    const index = loaded()
    const data = index.zone('dyn.example.test')
    assert.ok(data !== undefined)
    // Plain lowercase names are packed; a mixed-case name is kept as objects.
    assert.deepEqual(
      [...data.packed.owners()],
      ['a.dyn.example.test', '_acme-challenge.a.dyn.example.test', 'b.dyn.example.test'],
    )
    assert.deepEqual(addresses(index, 'a.dyn.example.test', RRType.A), ['192.0.2.1', '192.0.2.2'])
    assert.deepEqual(addresses(index, 'b.dyn.example.test', RRType.A), ['192.0.2.3'])
    assert.deepEqual(addresses(index, 'mixed.dyn.example.test', RRType.A), ['192.0.2.4'])
    assert.deepEqual(addresses(index, 'b.dyn.example.test', RRType.AAAA), ['nodata'])
  })

  it('reads back exactly what was loaded', () => {
    const back = loaded().read(ZONE) ?? []
    const key = (s: RecordSet): string =>
      `${s.name} ${s.type} ${String(s.ttl)} ${s.values.join(',')}`
    for (const set of HOSTS) assert.ok(back.map(key).includes(key(set)), key(set))
  })

  it('moves a changed owner to objects, keeping its other RRsets and journaling the old one', () => {
    const index = loaded()
    const data = index.zone('dyn.example.test')
    assert.ok(data !== undefined)
    const change = {
      zone: ZONE,
      serial: 2,
      replace: [
        { name: f('a.dyn.example.test'), type: 'A' as const, ttl: 60, values: ['198.51.100.9'] },
      ],
      remove: [],
    }
    assert.ok(index.apply(change).ok)
    assert.equal(data.packed.has('a.dyn.example.test'), false)
    assert.notEqual(data.objectNode('a.dyn.example.test'), undefined)
    assert.deepEqual(addresses(index, 'a.dyn.example.test', RRType.A), ['198.51.100.9'])
    assert.equal(index.lookup('a.dyn.example.test', RRType.AAAA).kind, 'answer')
    const delta = data.journal.since(1)
    assert.ok(delta !== undefined)
    const before = delta.before.get(`a.dyn.example.test ${String(RRType.A)}`)
    assert.equal(before?.records.length, 2)
  })

  it('removes packed RRsets; the empty non-terminal above goes with the last name below it', () => {
    const index = loaded()
    const remove = [
      { name: f('_acme-challenge.a.dyn.example.test'), type: 'TXT' as const },
      { name: f('a.dyn.example.test'), type: 'A' as const },
      { name: f('a.dyn.example.test'), type: 'AAAA' as const },
    ]
    assert.ok(index.apply({ zone: ZONE, serial: 2, replace: [], remove }).ok)
    assert.equal(index.lookup('a.dyn.example.test', RRType.A).kind, 'nxdomain')
    assert.equal(index.lookup('_acme-challenge.a.dyn.example.test', RRType.TXT).kind, 'nxdomain')
  })

  it('refuses a bad value with the same message as objects, and keeps the old zone', () => {
    const index = loaded()
    const bad = snapshot(
      [{ name: f('c.dyn.example.test'), type: 'A', ttl: 60, values: ['192.0.2.256'] }],
      2,
    )
    const got = index.load(bad)
    assert.ok(!got.ok)
    assert.equal(got.error.code, 'invalid-record')
    assert.match(
      got.error.message,
      /^c\.dyn\.example\.test A: "192\.0\.2\.256" is not an IPv4 address/,
    )
    assert.deepEqual(addresses(index, 'b.dyn.example.test', RRType.A), ['192.0.2.3'])
    const ttl = index.load(
      snapshot([{ name: f('c.dyn.example.test'), type: 'A', ttl: -1, values: ['192.0.2.1'] }], 2),
    )
    assert.ok(!ttl.ok)
    assert.match(ttl.error.message, /TTL -1 of c\.dyn\.example\.test A is out of range/)
  })

  it('accepts only strict dotted quads on its own A parser', () => {
    const packed = new PackedRRsets()
    const add = (value: string): boolean => {
      const r = packed.add('h.dyn.example.test', {
        name: f('h.dyn.example.test'),
        type: 'A',
        ttl: 1,
        values: [value],
      })
      return r.ok
    }
    for (const good of ['0.0.0.0', '255.255.255.255', ' 10.0.0.1 ']) assert.ok(add(good), good)
    for (const bad of ['01.0.0.0', '256.0.0.0', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.4a', '']) {
      assert.equal(add(bad), false, bad)
    }
  })

  it('finds every owner of a table that grew, by text and by bytes, after drops too', () => {
    const packed = new PackedRRsets()
    const name = (i: number): string => `h${String(i)}.dyn.example.test`
    const N = 5000 // the table starts at 1024 slots: it grows several times
    for (let i = 0; i < N; i++) {
      const set = { name: f(name(i)), type: 'A' as const, ttl: 60, values: ['192.0.2.1'] }
      assert.deepEqual(packed.add(name(i), set), { ok: true, value: true })
    }
    const txt = { name: f(name(7)), type: 'TXT' as const, ttl: 60, values: ['"x"'] }
    assert.ok(packed.add(name(7), txt).ok)
    for (let i = 0; i < N; i += 2) assert.ok(packed.drop(name(i)))
    assert.equal(packed.drop(name(0)), false)
    assert.equal(packed.size, N / 2)
    for (let i = 0; i < N; i++) {
      const bytes = Buffer.from(name(i), 'latin1')
      const ref = packed.find(bytes, bytes.length, hashBytes(bytes, bytes.length))
      assert.equal(packed.has(name(i)), i % 2 === 1, name(i))
      assert.equal(ref >= 0, i % 2 === 1, name(i))
      assert.equal(packed.recordsAt(ref, RRType.A)?.count, i % 2 === 1 ? 1 : undefined)
    }
    // A prefix of a held name, and a name differing in its last byte, are not found.
    const near = Buffer.from(`${name(1)}x`, 'latin1')
    assert.equal(packed.find(near, near.length - 1, hashBytes(near, near.length - 1)) >= 0, true)
    assert.equal(packed.find(near, near.length, hashBytes(near, near.length)), -1)
    assert.equal(packed.records(name(7), RRType.TXT)?.count, 1)
    assert.equal(packed.node(name(7))?.size, 2)
    const owners = [...packed.owners()]
    assert.equal(owners.length, N / 2)
    assert.deepEqual(owners.slice(0, 3), [name(1), name(3), name(5)])
  })
})
