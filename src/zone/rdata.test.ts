import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseRdata } from './rdata-parse.ts'
import { formatRdata } from './rdata-format.ts'
import { typeCodeOf } from './rr-types.ts'
import { EntryJoiner, type Token } from './tokens.ts'

const ORIGIN = 'example.com.'

function tokens(text: string): Token[] {
  const entry = new EntryJoiner().push(` ${text}`, 1)
  assert.ok(entry.ok, entry.ok ? '' : entry.error)
  return [...(entry.value?.tokens ?? [])]
}

function parse(type: string, text: string): ReturnType<typeof parseRdata> {
  const code = typeCodeOf(type)
  assert.ok(code !== undefined, type)
  return parseRdata(code, tokens(text), ORIGIN)
}

describe('rdata text → wire → canonical text', () => {
  // [type, as written, canonical text, wire hex when worth pinning]
  const cases: [string, string, string, string?][] = [
    ['A', '192.0.2.1', '192.0.2.1', 'c0000201'],
    ['AAAA', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['NS', 'ns1', 'ns1.example.com.', '036e7331076578616d706c6503636f6d00'],
    ['CNAME', '@', 'example.com.'],
    ['CNAME', 'a\\.b.example.net.', 'a\\.b.example.net.'],
    ['PTR', 'host.example.net.', 'host.example.net.'],
    ['MX', '10 mail', '10 mail.example.com.'],
    ['MX', '0 .', '0 .', '000000'],
    ['SRV', '10 60 5060 sip', '10 60 5060 sip.example.com.'],
    ['TXT', 'plain "two words" "\\"q\\" \\\\ \\059"', '"plain" "two words" "\\"q\\" \\\\ ;"'],
    ['TXT', '"caf\\195\\169" ""', '"caf\\195\\169" ""', '05636166c3a900'],
    ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    ['CAA', '128 iodef mailto:a@example.com', '128 iodef "mailto:a@example.com"'],
    [
      'SOA',
      'ns1 hostmaster 1 3h 15m 1w 1h30m',
      'ns1.example.com. hostmaster.example.com. 1 10800 900 604800 5400',
    ],
    [
      'DS',
      '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118',
      '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118',
    ],
    [
      'SSHFP',
      '1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac',
      '1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC',
    ],
    [
      'TLSA',
      '3 1 1 0c72ac70b745ac19998811b131d662c9 ac69dbdbe7cb23e5b514b56664c5d3d6',
      '3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B566 64C5D3D6',
    ],
    // RFC 9460 Appendix D.2 test vectors.
    ['SVCB', '1 .', '1 .', '000100'],
    ['HTTPS', '0 foo.example.com.', '0 foo.example.com.', '000003666f6f076578616d706c6503636f6d00'],
    [
      'SVCB',
      '16 foo.example.com. port=53',
      '16 foo.example.com. port=53',
      '001003666f6f076578616d706c6503636f6d000003000200' + '35',
    ],
    [
      'SVCB',
      '1 foo.example.com. key667=hello',
      '1 foo.example.com. key667="hello"',
      '000103666f6f076578616d706c6503636f6d00029b000568656c6c6f',
    ],
    [
      'SVCB',
      '1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1',
      '1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1',
    ],
    [
      'SVCB',
      '16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1',
      '16 foo.example.org. mandatory=alpn,ipv4hint alpn="h2,h3-19" ipv4hint=192.0.2.1',
      '001003666f6f076578616d706c65036f726700000000040001000400010009026832056833' +
        '2d3139000400' +
        '04c0000201',
    ],
    [
      'SVCB',
      '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
      '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
      '001003666f6f076578616d706c65036f726700' + '0001000c08665c6f6f2c62617202' + '6832',
    ],
    [
      'HTTPS',
      '1 . no-default-alpn alpn=h2 ech=AEX+DQ==',
      '1 . alpn="h2" no-default-alpn ech=AEX+DQ==',
    ],
    ['TYPE65534', '\\# 3 abcdef', '\\# 3 ABCDEF', 'abcdef'],
    ['TYPE65534', '\\# 0', '\\# 0', ''],
    ['A', '\\# 4 c0000203', '192.0.2.3', 'c0000203'],
  ]
  for (const [type, text, canonical, hex] of cases) {
    it(`${type} ${text}`, () => {
      const wire = parse(type, text)
      assert.ok(wire.ok, wire.ok ? '' : wire.error)
      if (hex !== undefined) assert.equal(wire.value.toString('hex'), hex)
      const code = typeCodeOf(type) ?? 0
      const back = formatRdata(code, wire.value)
      assert.ok(back.ok, back.ok ? '' : back.error)
      assert.equal(back.value, canonical)
      // The canonical text reads back to the same octets.
      const again = parseRdata(code, tokens(back.value), ORIGIN)
      assert.ok(again.ok, again.ok ? '' : again.error)
      assert.deepEqual(again.value, wire.value)
    })
  }
})

describe('rdata errors', () => {
  const cases: [string, string, string][] = [
    ['A', '192.0.2', '"192.0.2" is not an IPv4 address'],
    ['A', '192.0.2.1 extra', 'unexpected "extra" after its fields'],
    ['MX', '10', 'MX needs 2 fields, got 1'],
    ['MX', '65536 mail', '"65536" is not an integer 0..65535'],
    ['TXT', `"${'x'.repeat(256)}"`, 'is longer than 255 octets (split it)'],
    ['TXT', '"\\256"', 'escape \\256 is above 255'],
    ['CAA', '0 is-sue "x"', '"is-sue" is not a CAA tag'],
    ['DS', '1 13 2 abcd', 'digest type 2 needs 32 octets, got 2'],
    ['SSHFP', '1 1 abc', 'is not an even number of hex digits'],
    ['SVCB', '1 . port=53 port=54', 'SvcParam "port" given twice'],
    ['SVCB', '1 . mandatory=port', 'mandatory lists port, which is missing'],
    ['SVCB', '1 . mandatory=mandatory', 'mandatory may not list itself'],
    ['SVCB', '1 . no-default-alpn=h2', 'SvcParam no-default-alpn: takes no value'],
    ['SVCB', '1 . bogus=1', 'unknown SvcParam key "bogus"'],
    ['SVCB', '1 . ipv4hint=2001:db8::1', '"2001:db8::1" is not an address'],
    ['TYPE65534', '\\# 2 abcdef', '\\# says 2 octets, the hex holds 3'],
    ['TYPE65534', 'abc', 'type 65534 has no text form here: write it as \\# <length> <hex>'],
    ['A', '\\# 3 c00002', '\\# rdata is not valid for its type: A: rdata shorter than its fields'],
    ['CNAME', 'a..b', 'empty label in "a..b.example.com."'],
    ['NS', 'a'.repeat(64), 'label longer than 63 octets'],
  ]
  for (const [type, text, message] of cases) {
    it(`${type} ${text.slice(0, 40)}`, () => {
      const wire = parse(type, text)
      assert.ok(!wire.ok)
      assert.ok(wire.error.includes(message), `${wire.error} should say ${message}`)
    })
  }
})
