/**
 * The zone-file reader, writer and rules against BIND and Knot: a BIND-style file with every
 * type is read as `named-compilezone` reads it (wire-equal RRsets, the same presentation);
 * the writer's output passes `named-checkzone` and Knot's check and reads back the same;
 * bad files get their precise error.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { knotZonecheck, namedCheckzone, namedCompilezone } from '../../test/helpers/zone-check.ts'
import { typeMnemonic } from './rr-types.ts'
import type { RRset } from './rrset.ts'
import { loadZoneFile, writeZone, type LoadedZone } from './zone-file.ts'
import { formatProblem } from './zone-reader.ts'
import { checkZoneRules, formatRuleProblem } from './zone-rules.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/every-type.zone', import.meta.url))
const ZONE = 'example.test.'
const dir = mkdtempSync(join(tmpdir(), 'dynzone-zonefile-'))
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function load(path: string): Promise<LoadedZone> {
  const loaded = await loadZoneFile(path, ZONE)
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.map(formatProblem).join('\n'))
  return loaded.value
}

// owner/type → TTL and the sorted rdata octets: equal maps are wire-equal zones.
function wireView(rrsets: readonly RRset[]): Map<string, string> {
  const view = new Map<string, string>()
  for (const set of rrsets) {
    const rdata = set.rdata.map((r) => r.toString('hex')).sort()
    view.set(
      `${set.owner.toLowerCase()} ${typeMnemonic(set.type)}`,
      `${set.ttl} ${rdata.join(' ')}`,
    )
  }
  return view
}

async function write(name: string, rrsets: readonly RRset[]): Promise<string> {
  const path = join(dir, name)
  const out = createWriteStream(path)
  await writeZone(out, ZONE, rrsets)
  out.end()
  await finished(out)
  return path
}

// `owner ttl IN TYPE rdata` with single spaces, from BIND's or the writer's lines.
function recordLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(';') && !l.startsWith('$'))
    .map((l) => {
      const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(l)
      assert.ok(m, `not a record line: ${l}`)
      return `${m[1] ?? ''} ${m[2] ?? ''} IN ${m[3] ?? ''} ${m[4] ?? ''}`
    })
    .sort()
}

describe('a BIND zone with every type', () => {
  it('is read as named-compilezone reads it: wire-equal RRsets', async () => {
    const ours = await load(FIXTURE)
    const bind = await namedCompilezone('example.test', FIXTURE)
    assert.equal(bind.code, 0, bind.output)
    const bindFile = join(dir, 'bind-full.zone')
    writeFileSync(bindFile, bind.output)
    const theirs = await load(bindFile)
    assert.deepEqual(wireView(ours.rrsets), wireView(theirs.rrsets))
    const types = new Set(ours.rrsets.map((s) => typeMnemonic(s.type)))
    for (const t of ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS', 'PTR', 'SSHFP']) {
      assert.ok(types.has(t), `the fixture has ${t}`)
    }
    for (const t of ['TLSA', 'SVCB', 'HTTPS', 'DS', 'SOA', 'TYPE65534']) {
      assert.ok(types.has(t), `the fixture has ${t}`)
    }
  })

  it('is printed record for record as BIND prints it', async () => {
    const ours = await load(FIXTURE)
    const written = await readFile(await write('ours.zone', ours.rrsets), 'latin1')
    const bind = await namedCompilezone('example.test', FIXTURE)
    assert.deepEqual(recordLines(written), recordLines(bind.output))
  })

  it('passes the content rules', async () => {
    const ours = await load(FIXTURE)
    assert.deepEqual(checkZoneRules(ZONE, ours.rrsets).map(formatRuleProblem), [])
  })

  it('is written so that named-checkzone and Knot accept it, and reads back the same', async () => {
    const ours = await load(FIXTURE)
    const path = await write('round-trip.zone', ours.rrsets)
    const bind = await namedCheckzone('example.test', path)
    assert.equal(bind.code, 0, bind.output)
    const knot = await knotZonecheck('example.test', path)
    assert.equal(knot.code, 0, knot.output)
    const again = await load(path)
    assert.deepEqual(wireView(again.rrsets), wireView(ours.rrsets))
    const second = await write('round-trip-2.zone', again.rrsets)
    assert.equal(await readFile(second, 'latin1'), await readFile(path, 'latin1'))
  })
})

const HEAD = ['$TTL 1h', '@ SOA ns1 hostmaster 1 3h 15m 1w 1h', '@ NS ns1', 'ns1 A 192.0.2.53']

describe('bad zone files get their precise error', () => {
  // [what, lines after the head, errors expected, do BIND and Knot refuse it too]
  const cases: [string, string[], string[], boolean][] = [
    [
      'a CNAME beside other data',
      ['www CNAME @', 'www A 192.0.2.1'],
      [
        'www.example.test. CNAME: a CNAME must be alone at its name (RFC 1034 §3.6.2), here beside A',
      ],
      true,
    ],
    [
      'a record below a delegation',
      ['child NS ns.example.net.', 'host.child TXT "x"'],
      [
        'host.child.example.test. TXT: below the delegation at child.example.test.: only A/AAAA glue for its NS targets may be there',
      ],
      false,
    ],
    [
      'an address below a delegation that no NS names',
      ['child NS ns1.child', 'ns1.child A 192.0.2.9', 'other.child A 192.0.2.10'],
      [
        'other.child.example.test. A: below the delegation at child.example.test.: only A/AAAA glue for its NS targets may be there',
      ],
      false,
    ],
    [
      'a DS without a delegation',
      ['sub DS 60485 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
      ['sub.example.test. DS: DS only at a delegation (a name with NS below the apex)'],
      false,
    ],
  ]
  for (const [what, lines, expected, oraclesRefuse] of cases) {
    it(what, async () => {
      const path = join(dir, `${what.replace(/\W+/g, '-')}.zone`)
      writeFileSync(path, [...HEAD, ...lines, ''].join('\n'))
      const loaded = await load(path)
      assert.deepEqual(checkZoneRules(ZONE, loaded.rrsets).map(formatRuleProblem), expected)
      if (oraclesRefuse) {
        assert.notEqual((await namedCheckzone('example.test', path)).code, 0)
        assert.notEqual((await knotZonecheck('example.test', path)).code, 0)
      }
    })
  }

  it('malformed lines: every one named with its file and line, as BIND refuses the file', async () => {
    const path = join(dir, 'malformed.zone')
    const body = [
      'mail A 192.0.2.300',
      'ok A 192.0.2.1',
      'x BOGUS 1',
      'y TXT "unterminated',
      'z MX 10',
      'w CNAME a..b',
      '$INCLUDE other.zone',
      'v SRV 1 2 70000 sip',
      't ) A 192.0.2.1',
    ]
    writeFileSync(path, [...HEAD, ...body, 'u ( A', '192.0.2.1', ''].join('\n'))
    const loaded = await loadZoneFile(path, ZONE)
    assert.ok(!loaded.ok)
    assert.deepEqual(loaded.error.map(formatProblem), [
      `${path}:5: mail.example.test. A: "192.0.2.300" is not an IPv4 address`,
      `${path}:7: x.example.test.: unknown type "BOGUS"`,
      `${path}:8: unterminated quoted string`,
      `${path}:9: z.example.test. MX: MX needs 2 fields, got 1`,
      `${path}:10: w.example.test. CNAME: empty label in "a..b.example.test."`,
      `${path}:11: $INCLUDE is not supported: put the included records in this file`,
      `${path}:12: v.example.test. SRV: "70000" is not an integer 0..65535`,
      `${path}:13: ")" without "("`,
      `${path}:14: "(" opened on line 14 is never closed`,
    ])
    assert.notEqual((await namedCheckzone('example.test', path)).code, 0)
  })

  it('stops after the error bound, saying so', async () => {
    const path = join(dir, 'many.zone')
    const bad = Array.from({ length: 50 }, (_, i) => `h${i} A 300.0.0.${i}`)
    writeFileSync(path, [...HEAD, ...bad, ''].join('\n'))
    const loaded = await loadZoneFile(path, ZONE, 10)
    assert.ok(!loaded.ok)
    assert.equal(loaded.error.length, 11)
    assert.equal(
      formatProblem(loaded.error[10] ?? { file: '', line: 0, message: '' }),
      `${path}:14: stopped after 10 errors`,
    )
  })

  it('a file that cannot be read is one error naming it', async () => {
    const loaded = await loadZoneFile(join(dir, 'missing.zone'), ZONE)
    assert.ok(!loaded.ok)
    assert.match(
      formatProblem(loaded.error[0] ?? { file: '', line: 0, message: '' }),
      /missing\.zone:0: ENOENT/,
    )
  })
})
