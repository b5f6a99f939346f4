import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { formatRdata } from './rdata-format.ts'
import { typeMnemonic } from './rr-types.ts'
import { loadZone } from './zone-file.ts'
import { formatProblem } from './zone-reader.ts'

const ORIGIN = 'example.test.'

// The zone text read as records, each as `owner ttl TYPE rdata`, or its errors.
async function read(
  text: string,
): Promise<{ lines: string[]; errors: string[]; warnings: string[] }> {
  const loaded = await loadZone(Readable.from([Buffer.from(text, 'utf8')]), {
    origin: ORIGIN,
    file: 'z',
  })
  if (!loaded.ok) return { lines: [], errors: loaded.error.map(formatProblem), warnings: [] }
  const lines = loaded.value.rrsets.flatMap((s) =>
    s.rdata.map((r) => {
      const t = formatRdata(s.type, r)
      return `${s.owner} ${s.ttl} ${typeMnemonic(s.type)} ${t.ok ? t.value : '?'}`
    }),
  )
  return { lines, errors: [], warnings: loaded.value.warnings.map(formatProblem) }
}

describe('the zone-file reader', () => {
  // [what, zone text, records read (owner ttl TYPE rdata)]
  const cases: [string, string, string[]][] = [
    [
      '$ORIGIN, @, relative and absolute names',
      '$TTL 60\n@ A 192.0.2.1\nwww CNAME @\n$ORIGIN sub.example.test.\n@ A 192.0.2.2\nx CNAME y.example.net.\n',
      [
        'example.test. 60 A 192.0.2.1',
        'www.example.test. 60 CNAME example.test.',
        'sub.example.test. 60 A 192.0.2.2',
        'x.sub.example.test. 60 CNAME y.example.net.',
      ],
    ],
    [
      'a relative $ORIGIN is relative to the current one',
      '$TTL 60\n$ORIGIN sub\nx A 192.0.2.1\n',
      ['x.sub.example.test. 60 A 192.0.2.1'],
    ],
    [
      'a blank owner is the previous owner',
      'a 60 A 192.0.2.1\n  AAAA 2001:db8::1\n\tTXT "x"\n',
      [
        'a.example.test. 60 A 192.0.2.1',
        'a.example.test. 60 AAAA 2001:db8::1',
        'a.example.test. 60 TXT "x"',
      ],
    ],
    [
      'TTL and class in either order, in any case, with BIND units',
      'a 1h IN A 192.0.2.1\nb in 1H30M a 192.0.2.2\nc 2w1d1s CLASS1 A 192.0.2.3\n',
      [
        'a.example.test. 3600 A 192.0.2.1',
        'b.example.test. 5400 A 192.0.2.2',
        'c.example.test. 1296001 A 192.0.2.3',
      ],
    ],
    [
      'without $TTL a record takes the last TTL given (RFC 1035 §5.1)',
      'a 120 A 192.0.2.1\nb A 192.0.2.2\n$TTL 30\nc A 192.0.2.3\nd 5 A 192.0.2.4\ne A 192.0.2.5\n',
      [
        'a.example.test. 120 A 192.0.2.1',
        'b.example.test. 120 A 192.0.2.2',
        'c.example.test. 30 A 192.0.2.3',
        'd.example.test. 5 A 192.0.2.4',
        'e.example.test. 30 A 192.0.2.5',
      ],
    ],
    [
      'an SOA without any TTL known takes its minimum, and the records after it too',
      '@ SOA ns1 h ( 1 2 3 4\n ; comment inside\n 300 )\nns1 A 192.0.2.1\n',
      [
        'example.test. 300 SOA ns1.example.test. h.example.test. 1 2 3 4 300',
        'ns1.example.test. 300 A 192.0.2.1',
      ],
    ],
    [
      'quoted strings keep ; ( ) and spaces; escapes in names and strings',
      '$TTL 60\nt TXT "a ; (b) \\"c\\"" \\"bare\nx\\.y A 192.0.2.1\n\\065b A 192.0.2.2\n',
      [
        't.example.test. 60 TXT "a ; (b) \\"c\\"" "\\"bare"',
        'x\\.y.example.test. 60 A 192.0.2.1',
        'Ab.example.test. 60 A 192.0.2.2',
      ],
    ],
    [
      'UTF-8 octets in a string are kept as they are',
      '$TTL 60\nt TXT "café"\n',
      ['t.example.test. 60 TXT "caf\\195\\169"'],
    ],
    ['CRLF line ends', '$TTL 60\r\na A 192.0.2.1 ; x\r\n', ['a.example.test. 60 A 192.0.2.1']],
    [
      'an identical record twice is kept once; a name in another case is the same name',
      '$TTL 60\na A 192.0.2.1\nA A 192.0.2.1\n',
      ['a.example.test. 60 A 192.0.2.1'],
    ],
  ]
  for (const [what, text, expected] of cases) {
    it(what, async () => {
      const r = await read(text)
      assert.deepEqual(r.errors, [])
      assert.deepEqual(r.lines, expected)
    })
  }

  it('warns when an RRset has two TTLs and keeps the first, as BIND does', async () => {
    const r = await read('a 60 A 192.0.2.1\na 30 A 192.0.2.2\n')
    assert.deepEqual(r.lines, ['a.example.test. 60 A 192.0.2.1', 'a.example.test. 60 A 192.0.2.2'])
    assert.deepEqual(r.warnings, [
      "z:2: a.example.test.: TTL 30 differs from its RRset's 60; 60 is used",
    ])
  })

  // [what, zone text, errors]
  const bad: [string, string, string[]][] = [
    [
      'a record outside the zone',
      '$TTL 60\nwww.example.net. A 192.0.2.1\n',
      ['z:2: www.example.net. is outside the zone example.test.'],
    ],
    [
      'no TTL at all',
      'a A 192.0.2.1\n',
      ['z:1: a.example.test.: no TTL (give one, or set $TTL before this record)'],
    ],
    [
      'a blank owner on the first record',
      '$TTL 60\n  A 192.0.2.1\n',
      ['z:2: no owner name: the line starts with white space'],
    ],
    ['another class', '$TTL 60\na CH A 192.0.2.1\n', ['z:2: class CH is not supported (only IN)']],
    [
      'a meta type',
      '$TTL 60\na AXFR \\# 0\n',
      ['z:2: a.example.test.: AXFR is not a record type a zone holds'],
    ],
    [
      '$GENERATE',
      '$GENERATE 1-9 h$ A 192.0.2.$\n',
      ['z:1: $GENERATE is not supported: write the generated records out'],
    ],
    ['an unknown directive', '$FOO x\n', ['z:1: unknown directive $FOO']],
    ['a bad $TTL', '$TTL 1x\n', ['z:1: $TTL needs one TTL, got "1x"']],
    ['nested parentheses', '$TTL 60\na TXT ( ( "x" ) )\n', ['z:2: nested "(" is not allowed']],
    ['no type', '$TTL 60\na 60 IN\n', ['z:2: a.example.test.: no type']],
  ]
  for (const [what, text, errors] of bad) {
    it(`refuses ${what}`, async () => {
      assert.deepEqual((await read(text)).errors, errors)
    })
  }
})
