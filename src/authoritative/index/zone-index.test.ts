import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet } from '../../core/records.ts'
import { RRType } from '../../dns/constants.ts'
import { decodeRdata } from '../../dns/rdata-decode.ts'
import { recordLine, recordSetsFromLines, zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import type { PreparedRRset } from './prepared-rrset.ts'
import { ZoneIndex, type LookupResult } from './zone-index.ts'

const DYN = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
dyn.example.test. 300 IN NS ns2.example.test.
myhost.dyn.example.test. 60 IN A 203.0.113.10
myhost.dyn.example.test. 60 IN AAAA 2001:db8::10
www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.
a.b.c.dyn.example.test. 60 IN TXT "deep"
sub.dyn.example.test. 300 IN NS ns.sub.dyn.example.test.
ns.sub.dyn.example.test. 300 IN A 192.0.2.53
`
const PARENT = `
example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 7 3600 600 1209600 300
example.test. 3600 IN NS ns1.example.test.
host.example.test. 60 IN A 192.0.2.1
; shadowed by the dyn.example.test zone
myhost.dyn.example.test. 60 IN A 192.0.2.99
`
const f = (s: string): Fqdn => s as Fqdn

function lines(rrset: PreparedRRset): string[] {
  return rrset.records.map((tail) => {
    const data = decodeRdata(tail, 10, tail.readUInt16BE(8), rrset.type)
    assert.ok(data.ok)
    return recordLine({
      name: rrset.owner,
      type: rrset.type,
      class: 1,
      ttl: rrset.ttl,
      data: data.value,
    })
  })
}

/** A lookup result in words: kind, zone, and the records involved as zone-file lines. */
function describeResult(r: LookupResult): { kind: string; zone?: string; lines: string[] } {
  switch (r.kind) {
    case 'refused':
      return { kind: r.kind, lines: [] }
    case 'answer':
      return { kind: r.kind, zone: r.zone.name, lines: r.rrsets.flatMap(lines) }
    case 'cname':
      return { kind: r.kind, zone: r.zone.name, lines: lines(r.rrset) }
    case 'referral':
      return { kind: r.kind, zone: r.zone.name, lines: [r.ns, ...r.glue].flatMap(lines) }
    case 'nodata':
    case 'nxdomain':
      return { kind: r.kind, zone: r.zone.name, lines: lines(r.zone.negativeSoa) }
  }
}

const NEGATIVE_SOA =
  'dyn.example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60'

function loaded(): ZoneIndex {
  const index = new ZoneIndex()
  assert.ok(index.load(zoneFromLines(PARENT)).ok)
  assert.ok(index.load(zoneFromLines(DYN)).ok)
  return index
}

describe('ZoneIndex.lookup', () => {
  const index = loaded()
  const cases: [string, number, string, string | undefined, string[]][] = [
    [
      'myhost.dyn.example.test',
      RRType.A,
      'answer',
      'dyn.example.test',
      ['myhost.dyn.example.test. 60 IN A 203.0.113.10'],
    ],
    [
      'myhost.dyn.example.test',
      RRType.AAAA,
      'answer',
      'dyn.example.test',
      ['myhost.dyn.example.test. 60 IN AAAA 2001:db8::10'],
    ],
    ['myhost.dyn.example.test', RRType.MX, 'nodata', 'dyn.example.test', [NEGATIVE_SOA]],
    [
      'myhost.dyn.example.test',
      RRType.ANY,
      'answer',
      'dyn.example.test',
      [
        'myhost.dyn.example.test. 60 IN A 203.0.113.10',
        'myhost.dyn.example.test. 60 IN AAAA 2001:db8::10',
      ],
    ],
    [
      'dyn.example.test',
      RRType.SOA,
      'answer',
      'dyn.example.test',
      [
        'dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60',
      ],
    ],
    [
      'dyn.example.test',
      RRType.NS,
      'answer',
      'dyn.example.test',
      [
        'dyn.example.test. 300 IN NS ns1.example.test.',
        'dyn.example.test. 300 IN NS ns2.example.test.',
      ],
    ],
    ['dyn.example.test', RRType.A, 'nodata', 'dyn.example.test', [NEGATIVE_SOA]],
    ['nope.dyn.example.test', RRType.A, 'nxdomain', 'dyn.example.test', [NEGATIVE_SOA]],
    ['b.c.dyn.example.test', RRType.A, 'nodata', 'dyn.example.test', [NEGATIVE_SOA]],
    ['c.dyn.example.test', RRType.TXT, 'nodata', 'dyn.example.test', [NEGATIVE_SOA]],
    ['x.a.b.c.dyn.example.test', RRType.TXT, 'nxdomain', 'dyn.example.test', [NEGATIVE_SOA]],
    [
      'a.b.c.dyn.example.test',
      RRType.TXT,
      'answer',
      'dyn.example.test',
      ['a.b.c.dyn.example.test. 60 IN TXT "deep"'],
    ],
    [
      'www.dyn.example.test',
      RRType.A,
      'cname',
      'dyn.example.test',
      ['www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.'],
    ],
    [
      'www.dyn.example.test',
      RRType.CNAME,
      'answer',
      'dyn.example.test',
      ['www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.'],
    ],
    [
      'sub.dyn.example.test',
      RRType.NS,
      'referral',
      'dyn.example.test',
      [
        'sub.dyn.example.test. 300 IN NS ns.sub.dyn.example.test.',
        'ns.sub.dyn.example.test. 300 IN A 192.0.2.53',
      ],
    ],
    [
      'x.sub.dyn.example.test',
      RRType.A,
      'referral',
      'dyn.example.test',
      [
        'sub.dyn.example.test. 300 IN NS ns.sub.dyn.example.test.',
        'ns.sub.dyn.example.test. 300 IN A 192.0.2.53',
      ],
    ],
    ['sub.dyn.example.test', RRType.DS, 'nodata', 'dyn.example.test', [NEGATIVE_SOA]],
    [
      'host.example.test',
      RRType.A,
      'answer',
      'example.test',
      ['host.example.test. 60 IN A 192.0.2.1'],
    ],
    [
      'nope.example.test',
      RRType.A,
      'nxdomain',
      'example.test',
      [
        'example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 7 3600 600 1209600 300',
      ],
    ],
    ['example.org', RRType.A, 'refused', undefined, []],
    ['test', RRType.A, 'refused', undefined, []],
    ['.', RRType.NS, 'refused', undefined, []],
    ['a\\.b.dyn.example.test', RRType.A, 'nxdomain', 'dyn.example.test', [NEGATIVE_SOA]],
  ]
  for (const [qname, qtype, kind, zone, expected] of cases) {
    it(`${qname} type ${qtype} → ${kind}`, () => {
      const got = describeResult(index.lookup(qname, qtype))
      assert.deepEqual(got, { kind, ...(zone === undefined ? {} : { zone }), lines: expected })
    })
  }
})

describe('ZoneIndex changes', () => {
  let index: ZoneIndex
  beforeEach(() => {
    index = loaded()
  })
  const zone = f('dyn.example.test')
  const kindOf = (name: string, type: number = RRType.A): string => index.lookup(name, type).kind

  it('replaces an RRset in place and sets the serial', () => {
    const replace = recordSetsFromLines('myhost.dyn.example.test. 60 IN A 198.51.100.7')
    assert.deepEqual(index.apply({ zone, serial: 2, replace, remove: [] }), {
      ok: true,
      value: undefined,
    })
    assert.deepEqual(describeResult(index.lookup('myhost.dyn.example.test', RRType.A)).lines, [
      'myhost.dyn.example.test. 60 IN A 198.51.100.7',
    ])
    assert.equal(index.soa(zone)?.serial, 2)
    assert.match(
      describeResult(index.lookup('dyn.example.test', RRType.SOA)).lines[0] ?? '',
      / 2 3600 /,
    )
    assert.match(
      describeResult(index.lookup('nope.dyn.example.test', RRType.A)).lines[0] ?? '',
      / 2 3600 /,
    )
  })

  it('keeps empty non-terminals exactly as long as a name below them exists', () => {
    assert.equal(kindOf('new.x.y.dyn.example.test'), 'nxdomain')
    const replace = recordSetsFromLines('new.x.y.dyn.example.test. 60 IN A 192.0.2.7')
    assert.ok(index.apply({ zone, serial: 2, replace, remove: [] }).ok)
    assert.equal(kindOf('new.x.y.dyn.example.test'), 'answer')
    assert.equal(kindOf('x.y.dyn.example.test'), 'nodata')
    assert.equal(kindOf('y.dyn.example.test'), 'nodata')
    const remove = [
      { name: f('new.x.y.dyn.example.test'), type: 'A' as const },
      { name: f('a.b.c.dyn.example.test'), type: 'TXT' as const },
    ]
    assert.ok(index.apply({ zone, serial: 3, replace: [], remove }).ok)
    for (const name of ['new.x.y', 'x.y', 'y', 'a.b.c', 'b.c', 'c']) {
      assert.equal(kindOf(`${name}.dyn.example.test`), 'nxdomain', name)
    }
  })

  it('treats an RRset with no values as a removal', () => {
    const replace: RecordSet[] = [
      { name: f('myhost.dyn.example.test'), type: 'A', ttl: 60, values: [] },
    ]
    assert.ok(index.apply({ zone, serial: 2, replace, remove: [] }).ok)
    assert.equal(kindOf('myhost.dyn.example.test'), 'nodata')
  })

  it('stops referring once a delegation is removed', () => {
    assert.ok(
      index.apply({
        zone,
        serial: 2,
        replace: [],
        remove: [{ name: f('sub.dyn.example.test'), type: 'NS' }],
      }).ok,
    )
    assert.equal(kindOf('x.sub.dyn.example.test'), 'nxdomain')
    assert.equal(kindOf('sub.dyn.example.test'), 'nodata')
    assert.equal(kindOf('ns.sub.dyn.example.test'), 'answer')
  })

  it('refuses a bad record and leaves the zone untouched, serial included', () => {
    const replace = recordSetsFromLines(`
      myhost.dyn.example.test. 60 IN A 198.51.100.7
      other.dyn.example.test. 60 IN AAAA 198.51.100.8
    `)
    const got = index.apply({ zone, serial: 9, replace, remove: [] })
    assert.ok(!got.ok)
    assert.equal(got.error.code, 'invalid-record')
    assert.match(got.error.message, /other\.dyn\.example\.test AAAA/)
    assert.deepEqual(describeResult(index.lookup('myhost.dyn.example.test', RRType.A)).lines, [
      'myhost.dyn.example.test. 60 IN A 203.0.113.10',
    ])
    assert.equal(index.soa(zone)?.serial, 1)
  })

  const refusals: [string, Parameters<ZoneIndex['apply']>[0], string][] = [
    [
      'a zone that is not served',
      { zone: f('other.test'), serial: 1, replace: [], remove: [] },
      'zone-not-found',
    ],
    [
      'a record outside the zone',
      {
        zone,
        serial: 2,
        replace: recordSetsFromLines('x.example.test. 60 IN A 192.0.2.1'),
        remove: [],
      },
      'invalid-record',
    ],
    [
      'a removal outside the zone',
      { zone, serial: 2, replace: [], remove: [{ name: f('host.example.test'), type: 'A' }] },
      'invalid-record',
    ],
    [
      'a TTL out of range',
      {
        zone,
        serial: 2,
        replace: [{ name: f('x.dyn.example.test'), type: 'A', ttl: -1, values: ['192.0.2.1'] }],
        remove: [],
      },
      'invalid-record',
    ],
    ['a serial out of range', { zone, serial: 2 ** 32, replace: [], remove: [] }, 'invalid-record'],
  ]
  for (const [what, change, code] of refusals) {
    it(`refuses ${what}`, () => {
      const got = index.apply(change)
      assert.ok(!got.ok)
      assert.equal(got.error.code, code)
    })
  }

  it('falls back to the parent zone when a child zone is removed', () => {
    assert.equal(index.removeZone(zone), true)
    assert.equal(index.removeZone(zone), false)
    assert.deepEqual(describeResult(index.lookup('myhost.dyn.example.test', RRType.A)), {
      kind: 'answer',
      zone: 'example.test',
      lines: ['myhost.dyn.example.test. 60 IN A 192.0.2.99'],
    })
    assert.deepEqual(index.zoneNames(), ['example.test'])
  })

  it('reloading replaces the whole zone, and a bad snapshot keeps the old one', () => {
    const snapshot = zoneFromLines(DYN)
    assert.ok(
      index.load({
        ...snapshot,
        records: recordSetsFromLines('only.dyn.example.test. 60 IN A 192.0.2.5'),
      }).ok,
    )
    assert.equal(kindOf('myhost.dyn.example.test'), 'nxdomain')
    assert.equal(kindOf('only.dyn.example.test'), 'answer')
    const bad = index.load({
      ...snapshot,
      records: recordSetsFromLines('x.dyn.example.test. 60 IN A nope'),
    })
    assert.ok(!bad.ok)
    assert.equal(kindOf('only.dyn.example.test'), 'answer')
  })

  it('reads back what was loaded, apex NS included', () => {
    const sets = index.read(zone)
    assert.ok(sets !== undefined)
    const summary = sets.map((s) => `${s.name} ${s.type} ${s.values.join(',')}`).sort()
    assert.deepEqual(summary, [
      'a.b.c.dyn.example.test TXT "deep"',
      'dyn.example.test NS ns1.example.test,ns2.example.test',
      'myhost.dyn.example.test A 203.0.113.10',
      'myhost.dyn.example.test AAAA 2001:db8::10',
      'ns.sub.dyn.example.test A 192.0.2.53',
      'sub.dyn.example.test NS ns.sub.dyn.example.test.',
      'www.dyn.example.test CNAME myhost.dyn.example.test.',
    ])
    assert.equal(index.read(f('other.test')), undefined)
  })
})

describe('ZoneIndex split horizon', () => {
  const index = new ZoneIndex()
  const zone = 'dyn.example.test' as Fqdn
  const host = 'myhost.dyn.example.test' as Fqdn
  // The record values of an answer (the last field of each zone-file line), or the kind.
  const values = (r: LookupResult, _type: number): string[] =>
    r.kind === 'answer' ? r.rrsets.flatMap(lines).map((l) => l.split(' ').pop() ?? '') : [r.kind]
  beforeEach(() => {
    assert.ok(index.load(zoneFromLines(DYN)).ok)
    const lan = [{ name: host, ttl: 60, ipv4: '192.168.1.10', ipv6: 'fd00::10' }]
    assert.ok(index.setLanAddresses(zone, lan).ok)
  })

  const cases: [string, string | undefined, number, string[]][] = [
    ['WAN IPv4 client gets LAN A', '203.0.113.10', RRType.A, ['192.168.1.10']],
    ['IPv4-mapped WAN client gets LAN A', '::ffff:203.0.113.10', RRType.A, ['192.168.1.10']],
    ['WAN IPv6 client gets LAN AAAA', '2001:db8:0::10', RRType.AAAA, ['fd00::10']],
    ['other client gets WAN A', '198.51.100.1', RRType.A, ['203.0.113.10']],
    ['no client gets WAN AAAA', undefined, RRType.AAAA, ['2001:db8::10']],
    ['garbage client gets WAN A', 'not-an-ip', RRType.A, ['203.0.113.10']],
  ]
  for (const [title, client, type, expected] of cases) {
    it(title, () => {
      assert.deepEqual(values(index.lookup(host, type, client), type), expected)
    })
  }

  it('keeps LAN addresses across a reload and refuses a bad address', () => {
    assert.ok(index.load(zoneFromLines(DYN)).ok)
    assert.deepEqual(values(index.lookup(host, RRType.A, '203.0.113.10'), RRType.A), [
      '192.168.1.10',
    ])
    const bad = index.setLanAddresses(zone, [{ name: host, ttl: 60, ipv4: 'x', ipv6: null }])
    assert.equal(bad.ok, false)
    assert.deepEqual(values(index.lookup(host, RRType.A, '203.0.113.10'), RRType.A), [
      '192.168.1.10',
    ])
  })
})
