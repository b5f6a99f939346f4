import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { RRType } from '../dns/constants.ts'
import type { RRset } from './rrset.ts'
import { loadZone } from './zone-file.ts'
import { formatProblem } from './zone-reader.ts'
import { checkZoneRules, formatRuleProblem } from './zone-rules.ts'

const ORIGIN = 'example.test.'
const HEAD = '$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.53\n'

async function rrsets(text: string): Promise<RRset[]> {
  const loaded = await loadZone(Readable.from([Buffer.from(text)]), { origin: ORIGIN, file: 'z' })
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.map(formatProblem).join('\n'))
  return [...loaded.value.rrsets]
}

async function problems(text: string): Promise<string[]> {
  return checkZoneRules(ORIGIN, await rrsets(text)).map(formatRuleProblem)
}

describe('zone content rules', () => {
  // [what, zone text, problems]
  const cases: [string, string, string[]][] = [
    ['a zone with SOA, NS and an address is fine', HEAD, []],
    [
      'a delegation with in-bailiwick glue, a DS and an out-of-zone NS is fine',
      `${HEAD}c NS ns.c\nc NS ns.example.net.\nc DS 1 13 2 ${'ab'.repeat(32)}\nns.c A 192.0.2.9\nns.c AAAA 2001:db8::9\n`,
      [],
    ],
    ['a wildcard CNAME is fine', `${HEAD}*.w CNAME ns1\n`, []],
    ['no SOA', '$TTL 60\n@ NS ns1\nns1 A 192.0.2.53\n', ['example.test. SOA: the apex has no SOA']],
    [
      'no NS at the apex',
      '$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n',
      ['example.test. NS: the apex has no NS records'],
    ],
    [
      'two SOA records',
      `${HEAD}@ SOA ns2 h 2 2 3 4 5\n`,
      ['example.test. SOA: the apex has more than one SOA'],
    ],
    [
      'an SOA below the apex',
      `${HEAD}x SOA ns1 h 1 2 3 4 5\n`,
      ['x.example.test. SOA: an SOA below the apex'],
    ],
    [
      'a CNAME at the apex',
      `${HEAD}@ CNAME x.example.net.\n`,
      ['example.test. CNAME: a CNAME at the apex (RFC 1034 §3.6.2: the apex has SOA and NS)'],
    ],
    [
      'two CNAMEs at one name',
      `${HEAD}w CNAME a.example.net.\nw CNAME b.example.net.\n`,
      ['w.example.test. CNAME: more than one CNAME at one name (RFC 2181 §10.1)'],
    ],
    [
      'a CNAME beside two types',
      `${HEAD}w CNAME a.example.net.\nw MX 10 mx\nw TXT x\n`,
      [
        'w.example.test. CNAME: a CNAME must be alone at its name (RFC 1034 §3.6.2), here beside MX, TXT',
      ],
    ],
    [
      'data at a delegation point',
      `${HEAD}c NS ns.example.net.\nc MX 10 mx.example.net.\n`,
      [
        'c.example.test. MX: at the delegation c.example.test.: only NS, DS and glue may be at a zone cut',
      ],
    ],
    [
      'a delegation below a delegation',
      `${HEAD}c NS ns.example.net.\nd.c NS ns.example.net.\n`,
      [
        'd.c.example.test. NS: below the delegation at c.example.test.: only A/AAAA glue for its NS targets may be there',
      ],
    ],
    [
      'DS at the apex',
      `${HEAD}@ DS 1 13 2 ${'ab'.repeat(32)}\n`,
      ['example.test. DS: DS only at a delegation (a name with NS below the apex)'],
    ],
    [
      'an in-zone name server without an address',
      '$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n',
      [
        'example.test. NS: the name server ns1.example.test. is in the zone but has no A or AAAA record',
      ],
    ],
    [
      'a TTL above 2^31-1',
      `${HEAD}big 2147483648 A 192.0.2.1\n`,
      ['big.example.test. A: TTL 2147483648 is outside 0..2147483647 (RFC 2181 §8)'],
    ],
  ]
  for (const [what, text, expected] of cases) {
    it(what, async () => {
      assert.deepEqual(await problems(text), expected)
    })
  }

  it('checks RRsets from any source: names, rdata and duplicates', async () => {
    const sets = await rrsets(HEAD)
    const long = `${'a'.repeat(63)}.`.repeat(4) + ORIGIN
    sets.push(
      { owner: 'bad.example.test.', type: RRType.A, ttl: 60, rdata: [Buffer.from([1, 2, 3])] },
      { owner: 'bad.example.test.', type: RRType.MX, ttl: 60, rdata: [Buffer.from([0, 1, 5])] },
      { owner: long, type: RRType.A, ttl: 60, rdata: [Buffer.from([1, 2, 3, 4])] },
      { owner: 'www.example.net.', type: RRType.A, ttl: 60, rdata: [Buffer.from([1, 2, 3, 4])] },
      { owner: 'ns1.example.test.', type: RRType.A, ttl: 60, rdata: [Buffer.from([1, 2, 3, 4])] },
      { owner: 'e.example.test.', type: RRType.TXT, ttl: 60, rdata: [] },
    )
    assert.deepEqual(checkZoneRules(ORIGIN, sets).map(formatRuleProblem), [
      'bad.example.test. A: invalid rdata: A is 4 octets',
      'bad.example.test. MX: invalid rdata: MX: malformed name',
      `${long} A: name longer than 255 octets: "${long.slice(0, 40)}…"`,
      'www.example.net. A: outside the zone example.test.',
      'ns1.example.test. A: the RRset is given twice',
      'e.example.test. TXT: an RRset without records',
    ])
  })
})
