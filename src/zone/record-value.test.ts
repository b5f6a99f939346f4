import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RecordType } from '../core/records.ts'
import { canonicalValue, encodeRdata, zoneFileValue } from './record-value.ts'

describe('record values of every type', () => {
  const canonical: [RecordType, string, string][] = [
    ['A', ' 192.0.2.1 ', '192.0.2.1'],
    ['AAAA', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['CNAME', 'www.example.test.', 'www.example.test'],
    ['NS', 'ns1.example.test', 'ns1.example.test'],
    ['PTR', 'host.example.test.', 'host.example.test'],
    ['MX', '10   mail.example.test.', '10 mail.example.test'],
    ['MX', '0 .', '0 .'],
    ['SRV', '0 5 5060 sip.example.test', '0 5 5060 sip.example.test'],
    // An HTTP client's TXT: one string as typed; quoted text is zone-file strings.
    ['TXT', 'v=spf1 mx -all', '"v=spf1 mx -all"'],
    ['TXT', '"two" "strings"', '"two" "strings"'],
    ['TXT', 'café', '"caf\\195\\169"'],
    ['TXT', '"café"', '"caf\\195\\169"'],
    ['TXT', 'say "hi"', '"say \\"hi\\""'],
    ['CAA', '0 issue letsencrypt.org', '0 issue "letsencrypt.org"'],
    ['CAA', '128 iodef "mailto:a@example.test"', '128 iodef "mailto:a@example.test"'],
    ['CAA', '0 issuewild ;', '0 issuewild ";"'],
    [
      'SSHFP',
      '1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac',
      '1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC',
    ],
    [
      'TLSA',
      '3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
      '3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B566 64C5D3D6',
    ],
    ['SVCB', '1 svc.example.test alpn=h2 port=8443', '1 svc.example.test alpn="h2" port=8443'],
    ['HTTPS', '1 . ipv6hint=2001:db8::1 alpn="h2,h3"', '1 . alpn="h2,h3" ipv6hint=2001:db8::1'],
    [
      'DS',
      '60485 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      '60485 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF',
    ],
    // RFC 3597 generic text of a known type reads as that type.
    [
      'SSHFP',
      '\\# 22 0101dd465c09cfa51fb45020cc83316fff21b9ec74ac',
      '1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC',
    ],
  ]
  for (const [type, value, want] of canonical) {
    it(`${type} ${value} → ${want}`, () => {
      assert.deepEqual(canonicalValue(type, value), { ok: true, value: want })
      // The canonical form is a fixed point.
      assert.deepEqual(canonicalValue(type, want), { ok: true, value: want })
    })
  }

  it('writes zone-file text with absolute names', () => {
    const rdata = encodeRdata('MX', '10 mail.example.test')
    assert.ok(rdata.ok)
    assert.deepEqual(zoneFileValue('MX', rdata.value), { ok: true, value: '10 mail.example.test.' })
  })

  it('splits TXT strings longer than 255 octets', () => {
    const rdata = encodeRdata('TXT', 'x'.repeat(300))
    assert.ok(rdata.ok)
    assert.deepEqual([rdata.value[0], rdata.value[256]], [255, 45])
  })

  const refused: [RecordType, string, string][] = [
    ['A', '192.0.2.300', '"192.0.2.300" is not an IPv4 address'],
    ['MX', 'mail.example.test', '"mail.example.test" is not an integer 0..65535'],
    ['CNAME', '', 'empty value'],
    ['CNAME', 'a..b', 'empty label in "a..b."'],
    ['SRV', '1 2 3', 'SRV needs 4 fields, got 3'],
    ['CAA', '0 issue', 'expected CAA "<flags> <tag> <value>", got "0 issue"'],
    ['CAA', '0 issue "a" "b"', 'the CAA value must be one string'],
    ['SSHFP', '1 1 abcd', 'digest type 1 needs 20 octets, got 2'],
    ['DS', '1 13 2 zz', '"zz" is not an even number of hex digits'],
    ['SVCB', '1 . port=1 port=2', 'SvcParam "port" given twice'],
    ['TLSA', '3 1 1', 'TLSA needs 4 fields, got 3'],
  ]
  for (const [type, value, message] of refused) {
    it(`refuses ${type} ${value}`, () => {
      const got = encodeRdata(type, value)
      assert.ok(!got.ok)
      assert.equal(got.error.message, message)
    })
  }
})
