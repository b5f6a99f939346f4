import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Flag, Opcode, Rcode, RRType } from '../../dns/constants.ts'
import { decodeMessage, type DecodedMessage } from '../../dns/decode-message.ts'
import { encodeQuery, type QueryOptions } from '../../dns/encode-query.ts'
import { recordLine, zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import { answerQuery } from './answer.ts'
import { ZoneIndex, type ZoneLookup } from '../index/zone-index.ts'

const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
myhost.dyn.example.test. 60 IN A 203.0.113.10
www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.
chain.dyn.example.test. 60 IN CNAME www.dyn.example.test.
dangling.dyn.example.test. 60 IN CNAME gone.dyn.example.test.
away.dyn.example.test. 60 IN CNAME www.example.org.
loop1.dyn.example.test. 60 IN CNAME loop2.dyn.example.test.
loop2.dyn.example.test. 60 IN CNAME loop1.dyn.example.test.
sub.dyn.example.test. 300 IN NS ns.sub.dyn.example.test.
ns.sub.dyn.example.test. 300 IN A 192.0.2.53
deep.ent.dyn.example.test. 60 IN A 192.0.2.8
${Array.from({ length: 40 }, (_, i) => `big.dyn.example.test. 60 IN TXT "${'x'.repeat(40)}${i}"`).join('\n')}
`
const index = new ZoneIndex()
assert.ok(index.load(zoneFromLines(ZONE)).ok)
const NEG_SOA =
  'dyn.example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60'

function ask(
  name: string,
  type: number,
  options: QueryOptions = {},
  transport: 'udp' | 'tcp' = 'udp',
): { msg: DecodedMessage; bytes: Buffer } {
  const q = encodeQuery(name, type, { id: 4242, recursionDesired: true, ...options })
  assert.ok(q.ok)
  const bytes = answerQuery(q.value, index, { transport })
  assert.ok(bytes !== null)
  const msg = decodeMessage(bytes)
  assert.ok(msg.ok, JSON.stringify(msg))
  return { msg: msg.value, bytes }
}

const flagsOf = (m: DecodedMessage): string[] =>
  (['QR', 'AA', 'TC', 'RD', 'RA', 'CD'] as const).filter((f) => (m.header.flags & Flag[f]) !== 0)
const linesOf = (rrs: DecodedMessage['answers']): string[] =>
  rrs.filter((r) => r.type !== RRType.OPT).map(recordLine)

describe('answerQuery', () => {
  const cases: [string, string, number, number, string[], string[], string[], string[]?][] = [
    // [what, qname, qtype, rcode, flags, answer, authority, additional]
    [
      'an A record',
      'myhost.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      ['myhost.dyn.example.test. 60 IN A 203.0.113.10'],
      [],
    ],
    [
      'the apex SOA',
      'dyn.example.test',
      RRType.SOA,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      [
        'dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60',
      ],
      [],
    ],
    [
      'the apex NS',
      'dyn.example.test',
      RRType.NS,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      ['dyn.example.test. 300 IN NS ns1.example.test.'],
      [],
    ],
    [
      'NXDOMAIN',
      'nope.dyn.example.test',
      RRType.A,
      Rcode.NXDOMAIN,
      ['QR', 'AA', 'RD'],
      [],
      [NEG_SOA],
    ],
    [
      'NODATA',
      'myhost.dyn.example.test',
      RRType.AAAA,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      [],
      [NEG_SOA],
    ],
    [
      'NODATA at an empty non-terminal',
      'ent.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      [],
      [NEG_SOA],
    ],
    [
      'a referral for a name below the glue',
      'x.ns.sub.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'RD'],
      [],
      ['sub.dyn.example.test. 300 IN NS ns.sub.dyn.example.test.'],
      ['ns.sub.dyn.example.test. 300 IN A 192.0.2.53'],
    ],
    ['REFUSED outside the zones', 'example.org', RRType.A, Rcode.REFUSED, ['QR', 'RD'], [], []],
    [
      'a CNAME followed in the zone',
      'www.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      [
        'www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.',
        'myhost.dyn.example.test. 60 IN A 203.0.113.10',
      ],
      [],
    ],
    [
      'a CNAME chain',
      'chain.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      [
        'chain.dyn.example.test. 60 IN CNAME www.dyn.example.test.',
        'www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.',
        'myhost.dyn.example.test. 60 IN A 203.0.113.10',
      ],
      [],
    ],
    [
      'a CNAME itself',
      'www.dyn.example.test',
      RRType.CNAME,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      ['www.dyn.example.test. 60 IN CNAME myhost.dyn.example.test.'],
      [],
    ],
    [
      'a dangling CNAME (RFC 6604 rcode)',
      'dangling.dyn.example.test',
      RRType.A,
      Rcode.NXDOMAIN,
      ['QR', 'AA', 'RD'],
      ['dangling.dyn.example.test. 60 IN CNAME gone.dyn.example.test.'],
      [NEG_SOA],
    ],
    [
      'a CNAME leaving our zones',
      'away.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      ['away.dyn.example.test. 60 IN CNAME www.example.org.'],
      [],
    ],
    [
      'a CNAME loop, cut short',
      'loop1.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'AA', 'RD'],
      [
        'loop1.dyn.example.test. 60 IN CNAME loop2.dyn.example.test.',
        'loop2.dyn.example.test. 60 IN CNAME loop1.dyn.example.test.',
      ],
      [],
    ],
    [
      'a referral',
      'host.sub.dyn.example.test',
      RRType.A,
      Rcode.NOERROR,
      ['QR', 'RD'],
      [],
      ['sub.dyn.example.test. 300 IN NS ns.sub.dyn.example.test.'],
      ['ns.sub.dyn.example.test. 300 IN A 192.0.2.53'],
    ],
  ]
  for (const [what, qname, qtype, rcode, flags, answer, authority, additional = []] of cases) {
    it(`answers ${what}`, () => {
      const { msg } = ask(qname, qtype)
      assert.equal(msg.header.id, 4242)
      assert.equal(msg.header.rcode, rcode)
      assert.deepEqual(flagsOf(msg), flags)
      assert.deepEqual(msg.questions, [{ name: qname, type: qtype, class: 1 }])
      assert.deepEqual(linesOf(msg.answers), answer)
      assert.deepEqual(linesOf(msg.authority), authority)
      assert.deepEqual(linesOf(msg.additional), additional)
    })
  }

  it('echoes the question with its original case and points answers at it', () => {
    const { msg, bytes } = ask('MyHost.DYN.example.test', RRType.A, { edns: false })
    assert.equal(msg.questions[0]?.name, 'MyHost.DYN.example.test')
    assert.equal(msg.answers[0]?.name, 'MyHost.DYN.example.test')
    // The answer's owner is a compression pointer to the question at offset 12.
    assert.equal(bytes.readUInt16BE(12 + 25 + 4), 0xc00c)
  })

  it('answers EDNS with an OPT of payload 1232, copying DO', () => {
    const { msg } = ask('myhost.dyn.example.test', RRType.A, {
      edns: { udpPayloadSize: 4096, dnssecOk: true },
    })
    const opt = msg.additional.find((r) => r.type === RRType.OPT)
    assert.ok(opt !== undefined)
    assert.equal(opt.class, 1232)
    assert.equal(opt.ttl, 0x8000)
    const plain = ask('myhost.dyn.example.test', RRType.A, { edns: false }).msg
    assert.equal(plain.additional.length, 0)
  })

  it('answers BADVERS to EDNS version 1', () => {
    const { msg } = ask('myhost.dyn.example.test', RRType.A, { edns: { version: 1 } })
    const opt = msg.additional.find((r) => r.type === RRType.OPT)
    assert.ok(opt !== undefined)
    assert.equal(((opt.ttl >>> 24) << 4) | msg.header.rcode, Rcode.BADVERS)
    assert.equal(msg.answers.length, 0)
  })

  const sizes: [string, QueryOptions, 'udp' | 'tcp', boolean][] = [
    ['UDP without EDNS (512)', { edns: false }, 'udp', true],
    ['UDP with a 512-byte payload', { edns: { udpPayloadSize: 512 } }, 'udp', true],
    [
      'UDP with a 4096-byte payload (capped at 1232)',
      { edns: { udpPayloadSize: 4096 } },
      'udp',
      true,
    ],
    ['TCP', { edns: false }, 'tcp', false],
  ]
  for (const [what, options, transport, truncated] of sizes) {
    it(`${truncated ? 'truncates' : 'does not truncate'} a 40-record TXT set over ${what}`, () => {
      const { msg, bytes } = ask('big.dyn.example.test', RRType.TXT, options, transport)
      assert.equal((msg.header.flags & Flag.TC) !== 0, truncated)
      assert.equal(msg.answers.length, truncated ? 0 : 40)
      if (transport === 'udp') assert.ok(bytes.length <= 1232)
      assert.deepEqual(msg.questions[0]?.name, 'big.dyn.example.test')
    })
  }

  it('answers ANY with one RRset over UDP and all of them over TCP', () => {
    assert.equal(
      ask('dyn.example.test', RRType.ANY).msg.answers.filter((r) => r.type !== RRType.OPT).length,
      1,
    )
    assert.equal(ask('dyn.example.test', RRType.ANY, {}, 'tcp').msg.answers.length, 2)
  })

  const refusals: [string, string, number, QueryOptions, number][] = [
    ['class CH', 'version.bind', RRType.TXT, { class: 3 }, Rcode.REFUSED],
    ['opcode NOTIFY', 'dyn.example.test', RRType.SOA, { opcode: Opcode.NOTIFY }, Rcode.NOTIMP],
    ['opcode UPDATE', 'dyn.example.test', RRType.SOA, { opcode: Opcode.UPDATE }, Rcode.NOTIMP],
    ['AXFR (not yet served)', 'dyn.example.test', RRType.AXFR, {}, Rcode.NOTIMP],
  ]
  for (const [what, qname, qtype, options, rcode] of refusals) {
    it(`answers ${what} with rcode ${rcode} and no AA`, () => {
      const { msg } = ask(qname, qtype, options)
      assert.equal(msg.header.rcode, rcode)
      assert.equal(msg.header.flags & Flag.AA, 0)
      assert.equal(msg.answers.length, 0)
    })
  }

  const malformed: [string, string, number | null][] = [
    // [what, message hex, rcode (null: no answer)]
    ['an empty packet', '', null],
    ['a short packet', 'abcd01', null],
    ['a response (QR set)', 'abcd 8000 0001 0000 0000 0000 01 61 00 0001 0001', null],
    ['no question', 'abcd 0100 0000 0000 0000 0000', Rcode.FORMERR],
    ['a compression loop', 'abcd 0100 0001 0000 0000 0000 c00c 0001 0001', Rcode.FORMERR],
    ['a truncated question', 'abcd 0100 0001 0000 0000 0000 05 61', Rcode.FORMERR],
    ['a malformed NOTIFY', 'abcd 2000 0000 0000 0000 0000', Rcode.NOTIMP],
  ]
  for (const [what, hex, rcode] of malformed) {
    it(`handles ${what}`, () => {
      const response = answerQuery(Buffer.from(hex.replace(/\s+/g, ''), 'hex'), index, {
        transport: 'udp',
      })
      if (rcode === null) {
        assert.equal(response, null)
        return
      }
      assert.ok(response !== null)
      const msg = decodeMessage(response)
      assert.ok(msg.ok)
      assert.equal(msg.value.header.id, 0xabcd)
      assert.equal(msg.value.header.rcode, rcode)
      assert.ok((msg.value.header.flags & Flag.QR) !== 0)
    })
  }

  it('answers SERVFAIL and reports the error when the lookup throws', () => {
    const broken: ZoneLookup = {
      lookup: () => {
        throw new Error('bug')
      },
    }
    const errors: unknown[] = []
    const q = encodeQuery('x.test', RRType.A, { id: 9 })
    assert.ok(q.ok)
    const response = answerQuery(q.value, broken, {
      transport: 'udp',
      onError: (e) => errors.push(e),
    })
    assert.ok(response !== null)
    const msg = decodeMessage(response)
    assert.ok(msg.ok)
    assert.equal(msg.value.header.rcode, Rcode.SERVFAIL)
    assert.equal(errors.length, 1)
  })

  it('never throws on random bytes', () => {
    let seed = 1
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256
    const q = encodeQuery('myhost.dyn.example.test', RRType.A)
    assert.ok(q.ok)
    for (let i = 0; i < 2000; i++) {
      const packet = Buffer.from(q.value)
      for (let k = 0; k < 3; k++) packet[12 + (random() % (packet.length - 12))] = random()
      const response = answerQuery(packet, index, {
        transport: 'udp',
        onError: (e) => assert.fail(String(e)),
      })
      if (response !== null) assert.ok(decodeMessage(response).ok)
    }
  })
})
