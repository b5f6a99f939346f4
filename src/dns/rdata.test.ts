import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import type { RecordType } from '../core/records.ts'
import { RRType, typeCode } from './constants.ts'
import { formatIPv6, parseIPv6 } from './ip-address.ts'
import { decodeRdata } from './rdata-decode.ts'
import { encodeSoaRdata } from './rdata-encode.ts'
import { encodeRdata } from '../zone/record-value.ts'

describe('encodeRdata → decodeRdata', () => {
  const cases: [RecordType, string, string, string?][] = [
    // [type, value, canonical text after the round trip, rdata hex when worth pinning]
    ['A', '203.0.113.10', '203.0.113.10', 'cb00710a'],
    ['A', ' 0.0.0.0 ', '0.0.0.0'],
    ['AAAA', '2001:db8::10', '2001:db8::10', '20010db8000000000000000000000010'],
    ['AAAA', '2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['AAAA', '::', '::'],
    ['AAAA', '::ffff:192.0.2.1', '::ffff:c000:201'],
    ['AAAA', 'fe80:0:0:0:1:0:0:0', 'fe80::1:0:0:0'],
    ['NS', 'ns1.example.test.', 'ns1.example.test'],
    ['CNAME', 'Target.Example.test', 'Target.Example.test'],
    [
      'MX',
      '10 mail.example.com',
      '10 mail.example.com',
      '000a046d61696c076578616d706c6503636f6d00',
    ],
    ['MX', '0 .', '0 .'],
    ['SRV', '10 60 5060 sip.example.com.', '10 60 5060 sip.example.com'],
    ['TXT', '"abc" "def"', '"abc" "def"', '0361626303646566'],
    ['TXT', 'v=spf1 -all', '"v=spf1 -all"'],
    ['TXT', '"say \\"hi\\"" \\065bc', '"say \\"hi\\"" "Abc"'],
    ['TXT', '""', '""', '00'],
    ['TXT', '', '""', '00'],
    ['TXT', '"tab\\009"', '"tab\\009"'],
    ['TXT', 'héllo', '"h\\195\\169llo"'],
    [
      'CAA',
      '0 issue "letsencrypt.org"',
      '0 issue "letsencrypt.org"',
      '000569737375656c657473656e63727970742e6f7267',
    ],
    ['CAA', '128 iodef "mailto:security@example.com"', '128 iodef "mailto:security@example.com"'],
    ['CAA', '0 issue ";"', '0 issue ";"'],
  ]
  for (const [type, value, text, rdataHex] of cases) {
    it(`${type} ${JSON.stringify(value)}`, () => {
      const rdata = encodeRdata(type, value)
      assert.ok(rdata.ok, JSON.stringify(rdata))
      if (rdataHex !== undefined) assert.equal(rdata.value.toString('hex'), rdataHex)
      const decoded = decodeRdata(rdata.value, 0, rdata.value.length, typeCode(type))
      assert.ok(decoded.ok, JSON.stringify(decoded))
      assert.equal(decoded.value, text)
      // The canonical text encodes to the same bytes (a fixpoint).
      const again = encodeRdata(type, text)
      assert.ok(again.ok)
      assert.deepEqual(again.value, rdata.value)
    })
  }

  it('splits TXT strings longer than 255 octets into 255-octet chunks', () => {
    const long = 'x'.repeat(600)
    for (const value of [long, `"${long}"`]) {
      const rdata = encodeRdata('TXT', value)
      assert.ok(rdata.ok)
      assert.equal(rdata.value.length, 600 + 3)
      assert.deepEqual([rdata.value[0], rdata.value[256], rdata.value[512]], [255, 255, 90])
    }
  })

  it('encodes SOA fields', () => {
    const soa = encodeSoaRdata({
      mname: 'ns1.example.test' as Fqdn,
      rname: 'hostmaster.example.test' as Fqdn,
      serial: 2024010101,
      refresh: 3600,
      retry: 600,
      expire: 1209600,
      minimum: 60,
    })
    assert.ok(soa.ok)
    const text = decodeRdata(soa.value, 0, soa.value.length, RRType.SOA)
    assert.ok(text.ok)
    assert.equal(
      text.value,
      'ns1.example.test hostmaster.example.test 2024010101 3600 600 1209600 60',
    )
  })

  const invalid: [RecordType, string][] = [
    ['A', '256.1.1.1'],
    ['A', '01.2.3.4'],
    ['A', '1.2.3'],
    ['A', '2001:db8::1'],
    ['A', ''],
    ['AAAA', '203.0.113.10'],
    ['AAAA', '1::2::3'],
    ['AAAA', '1:2:3:4:5:6:7:8:9'],
    ['AAAA', 'fe80::1%eth0'],
    ['AAAA', '12345::'],
    ['AAAA', ':1::'],
    ['NS', 'a..b'],
    ['CNAME', 'has space.example'],
    ['MX', 'mail.example.com'],
    ['MX', '70000 mail.example.com'],
    ['MX', '-1 mail.example.com'],
    ['SRV', '10 60 sip.example.com'],
    ['SRV', '10 60 99999 sip.example.com'],
    ['TXT', '"unterminated'],
    ['TXT', '"a" b"c'],
    ['TXT', '"bad \\999 escape"'],
    ['TXT', 'x'.repeat(70000)],
    ['CAA', 'issue "letsencrypt.org"'],
    ['CAA', '256 issue "x"'],
    ['CAA', '0 is-sue "x"'],
    ['CAA', '0 issue "a" "b"'],
  ]
  for (const [type, value] of invalid) {
    it(`refuses ${type} ${JSON.stringify(value.slice(0, 30))}`, () => {
      const got = encodeRdata(type, value)
      assert.ok(!got.ok, `accepted ${value}`)
      assert.equal(got.error.code, 'bad-rdata')
    })
  }
})

describe('decodeRdata', () => {
  const bad: [string, number, string][] = [
    ['MX without exchange', RRType.MX, '000a'],
    ['MX with trailing bytes', RRType.MX, '000a00ff'],
    ['TXT string past the end', RRType.TXT, '05616263'],
    ['empty TXT', RRType.TXT, ''],
    ['CAA shorter than its tag', RRType.CAA, '0009697373'],
    ['SOA cut in its timers', RRType.SOA, '0000000000010000'],
  ]
  for (const [what, type, rdataHex] of bad) {
    it(`refuses ${what}`, () => {
      const rdata = Buffer.from(rdataHex, 'hex')
      const got = decodeRdata(rdata, 0, rdata.length, type)
      assert.ok(!got.ok)
    })
  }

  it('prints unknown types in RFC 3597 form and follows compression pointers', () => {
    const unknown = decodeRdata(Buffer.from('abcd', 'hex'), 0, 2, 999)
    assert.deepEqual(unknown, { ok: true, value: '\\# 2 abcd' })
    // "example" at 0, then CNAME rdata at 9: "www" + pointer to 0.
    const msg = Buffer.from('076578616d706c650003777777c000', 'hex')
    assert.deepEqual(decodeRdata(msg, 9, 6, RRType.CNAME), { ok: true, value: 'www.example' })
  })
})

describe('IPv6 text', () => {
  const canonical: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['0::0', '::'],
  ]
  for (const [input, text] of canonical) {
    it(`${input} → ${text}`, () => {
      const bytes = parseIPv6(input)
      assert.ok(bytes !== undefined)
      assert.equal(formatIPv6(bytes), text)
    })
  }
})
