import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Flag, RRType } from '../../dns/constants.ts'
import { encodeQuery, type QueryOptions } from '../../dns/encode-query.ts'
import { zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import type { Fqdn } from '../../core/names.ts'
import { answerQuery } from './answer.ts'
import { fastAnswer } from './fast-answer.ts'
import { ZoneIndex } from '../index/zone-index.ts'

const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 7 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
dyn.example.test. 300 IN A 192.0.2.1
myhost.dyn.example.test. 60 IN A 203.0.113.10
myhost.dyn.example.test. 60 IN AAAA 2001:db8::10
multi.dyn.example.test. 60 IN A 192.0.2.2
multi.dyn.example.test. 60 IN A 192.0.2.3
moved.dyn.example.test. 60 IN A 192.0.2.4
txt.dyn.example.test. 60 IN TXT "hello world"
www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.
mail.dyn.example.test. 60 IN MX 10 myhost.dyn.example.test.
deep.ent.dyn.example.test. 60 IN A 192.0.2.8
lanhost.dyn.example.test. 60 IN A 198.51.100.7
*.wild.dyn.example.test. 60 IN A 192.0.2.9
${Array.from({ length: 30 }, (_, i) => `big.dyn.example.test. 60 IN TXT "${'x'.repeat(40)}${i}"`).join('\n')}
`
const index = new ZoneIndex()
assert.ok(index.load(zoneFromLines(ZONE)).ok)
// An owner changed after the load is held as objects rather than packed.
assert.ok(
  index.apply({
    zone: 'dyn.example.test' as Fqdn,
    serial: 8,
    replace: [
      { name: 'moved.dyn.example.test' as Fqdn, type: 'A', ttl: 60, values: ['192.0.2.5'] },
    ],
    remove: [],
  }).ok,
)
assert.ok(
  index.setLanAddresses('dyn.example.test' as Fqdn, [
    { name: 'lanhost.dyn.example.test' as Fqdn, ttl: 60, ipv4: '192.168.1.7', ipv6: null },
  ]).ok,
)

function query(name: string, type: number, options: QueryOptions = {}): Buffer {
  const q = encodeQuery(name, type, { id: 0x1234, ...options })
  assert.ok(q.ok)
  return q.value
}

const general = (q: Buffer): Buffer | null => answerQuery(q, index, { transport: 'udp' })

const EDNS_VARIANTS: [string, QueryOptions][] = [
  ['no EDNS', { edns: false }],
  ['EDNS', {}],
  ['EDNS with DO', { edns: { dnssecOk: true } }],
  ['EDNS payload 600', { edns: { udpPayloadSize: 600 } }],
  ['RD', { recursionDesired: true, id: 0xfffe }],
]

describe('fastAnswer', () => {
  const fastCases: [string, number][] = [
    ['myhost.dyn.example.test', RRType.A],
    ['MyHost.DYN.example.test', RRType.AAAA],
    ['multi.dyn.example.test', RRType.A],
    ['moved.dyn.example.test', RRType.A],
    ['txt.dyn.example.test', RRType.TXT],
    ['myhost.dyn.example.test', RRType.TXT], // NODATA, packed owner
    ['moved.dyn.example.test', RRType.AAAA], // NODATA, object owner
    ['ent.dyn.example.test', RRType.A], // NODATA, empty non-terminal
    ['DYN.example.test', RRType.A], // the apex, an object node
    ['dyn.example.test', RRType.TXT], // NODATA at the apex
    ['lanhost.dyn.example.test', RRType.AAAA], // LAN entry, but no LAN AAAA... still general
  ]
  for (const [name, type] of fastCases) {
    for (const [variant, options] of EDNS_VARIANTS) {
      it(`answers ${name} type ${String(type)} (${variant}) with the general path's bytes`, () => {
        const q = query(name, type, options)
        const fast = fastAnswer(q, index)
        if (name.startsWith('lanhost')) {
          assert.equal(fast, undefined, 'names with LAN addresses take the general path')
          return
        }
        assert.ok(fast !== undefined, 'expected the fast path to answer')
        assert.deepEqual(fast, general(q))
      })
    }
  }

  const generalCases: [string, string, Buffer][] = [
    ['a name that does not exist', 'nope', query('nope.dyn.example.test', RRType.A)],
    ['a wildcard match', 'wild', query('x.wild.dyn.example.test', RRType.A)],
    ['a CNAME', 'cname', query('www.dyn.example.test', RRType.A)],
    ['MX (additional data)', 'mx', query('mail.dyn.example.test', RRType.MX)],
    ['ANY', 'any', query('myhost.dyn.example.test', RRType.ANY)],
    ['AXFR', 'axfr', query('dyn.example.test', RRType.AXFR)],
    [
      'EDNS version 1',
      'badvers',
      query('myhost.dyn.example.test', RRType.A, { edns: { version: 1 } }),
    ],
    ['class CH', 'chaos', query('myhost.dyn.example.test', RRType.A, { class: 3 })],
    ['an opcode other than QUERY', 'notify', query('dyn.example.test', RRType.SOA, { opcode: 4 })],
    ['a name outside every zone', 'refused', query('example.org', RRType.A)],
    [
      'an answer too big for 512 bytes',
      'tc',
      query('big.dyn.example.test', RRType.TXT, { edns: false }),
    ],
    ['a name with an escaped dot', 'escape', query('a\\.b.dyn.example.test', RRType.A)],
  ]
  for (const [what, , q] of generalCases) {
    it(`leaves ${what} to the general path`, () => {
      assert.equal(fastAnswer(q, index), undefined)
    })
  }

  it('leaves responses, trailing bytes and a second record to the general path', () => {
    const q = query('myhost.dyn.example.test', RRType.A, { edns: false })
    const response = Buffer.from(q)
    response.writeUInt16BE(Flag.QR, 2)
    assert.equal(fastAnswer(response, index), undefined)
    assert.equal(fastAnswer(Buffer.concat([q, Buffer.from([0])]), index), undefined)
    const twoRecords = Buffer.from(query('myhost.dyn.example.test', RRType.A))
    twoRecords.writeUInt16BE(2, 10)
    assert.equal(fastAnswer(twoRecords, index), undefined)
    assert.equal(fastAnswer(q.subarray(0, 20), index), undefined)
  })

  it('never throws on mutated queries, and answers only as the general path would', () => {
    // A fixed-seed generator: the same mutations on every run.
    let seed = 0x2545f491
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff
      return seed % n
    }
    const bases = [
      query('myhost.dyn.example.test', RRType.A),
      query('moved.dyn.example.test', RRType.A, { edns: false }),
      query('ent.dyn.example.test', RRType.TXT, { edns: { dnssecOk: true } }),
    ]
    let answered = 0
    for (let i = 0; i < 3000; i++) {
      const q = Buffer.from(bases[i % bases.length] ?? Buffer.alloc(0))
      for (let m = 0, count = 1 + next(2); m < count; m++) {
        const at = next(q.length)
        // Half the mutations flip one bit (case, flags, counts), half write any byte.
        q[at] = next(2) === 0 ? (q[at] ?? 0) ^ (1 << next(8)) : next(256)
      }
      const cut = next(8) === 0 ? q.subarray(0, next(q.length)) : q
      const fast = fastAnswer(cut, index)
      if (fast === undefined) continue
      answered++
      assert.deepEqual(fast, general(cut), `mutation ${String(i)}: ${cut.toString('hex')}`)
    }
    assert.ok(answered > 50, `only ${String(answered)} mutated queries took the fast path`)
  })

  it('copies CD and the question case as received', () => {
    const q = query('MYHOST.dyn.example.test', RRType.A)
    q[3] = (q[3] ?? 0) | 0x10
    const fast = fastAnswer(q, index)
    assert.ok(fast !== undefined)
    assert.deepEqual(fast, general(q))
    assert.equal(fast.toString('latin1', 13, 19), 'MYHOST')
    assert.equal((fast[3] ?? 0) & 0x10, 0x10)
  })

  it('picks the longest matching zone by bytes, with few zones and with many', () => {
    const zones = new ZoneIndex()
    const child = ZONE.replaceAll('dyn.example.test', 'sub.dyn.example.test')
    assert.ok(zones.load(zoneFromLines(ZONE)).ok)
    assert.ok(zones.load(zoneFromLines(child)).ok)
    const check = (): void => {
      for (const name of ['myhost.sub.dyn.example.test', 'myhost.dyn.example.test']) {
        const q = query(name, RRType.A)
        const fast = fastAnswer(q, zones)
        assert.ok(fast !== undefined, name)
        assert.deepEqual(fast, answerQuery(q, zones, { transport: 'udp' }))
      }
      // A zone's name as the tail of a label is no match: `xdyn.example.test` is outside.
      assert.equal(fastAnswer(query('myhost.xdyn.example.test', RRType.A), zones), undefined)
    }
    check()
    for (let i = 0; i < 10; i++) {
      const other = ZONE.replaceAll('dyn.example.test', `z${String(i)}.example.org`)
      assert.ok(zones.load(zoneFromLines(other)).ok)
    }
    check() // more zones than the byte comparison handles: by string
  })
})
