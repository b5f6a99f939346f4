import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { resultingZoneProblems, unsupportedTypes } from './import-check.ts'
import { planZoneImport, type CurrentRRset } from './import-plan.ts'
import type { RRset } from './rrset.ts'
import { loadZone } from './zone-file.ts'
import { formatProblem } from './zone-reader.ts'

const ORIGIN = 'example.test.'

async function rrsets(text: string): Promise<RRset[]> {
  const loaded = await loadZone(Readable.from([Buffer.from(text)]), { origin: ORIGIN, file: 'z' })
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.map(formatProblem).join('\n'))
  return [...loaded.value.rrsets]
}

const HEAD = '$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.53\n'

async function problems(file: string, hosts = ''): Promise<string[]> {
  const current: CurrentRRset[] = [
    ...(await rrsets(HEAD)).map((rrset) => ({ rrset, source: 'config' as const })),
    ...(await rrsets(`$TTL 60\n${hosts}`)).map((rrset) => ({ rrset, source: 'host' as const })),
  ]
  const fileSets = await rrsets(file)
  const plan = planZoneImport(ORIGIN, current, fileSets)
  return [
    ...unsupportedTypes('f.zone', fileSets),
    ...resultingZoneProblems('f.zone', plan, current, fileSets),
  ]
}

describe('zone import checks', () => {
  it('a sound file has none', async () => {
    assert.deepEqual(await problems(`${HEAD}www CNAME ns1\n`), [])
  })
  it('a CNAME beside other data, at the line of each', async () => {
    assert.deepEqual(await problems(`${HEAD}www A 192.0.2.1\nmail A 192.0.2.2\nwww CNAME mail\n`), [
      'f.zone:7: www.example.test. CNAME: a CNAME must be alone at its name (RFC 1034 §3.6.2), here beside A',
    ])
  })
  it("a CNAME at a host's name, whose records are not in the file", async () => {
    assert.deepEqual(await problems(`${HEAD}home CNAME ns1\n`, 'home A 198.51.100.1\n'), [
      'f.zone:5: home.example.test. CNAME: a CNAME must be alone at its name (RFC 1034 §3.6.2), here beside A',
    ])
  })
  it('data below a delegation', async () => {
    const file = `${HEAD}child NS ns.example.net.\nwww.child A 192.0.2.1\n`
    const found = await problems(file)
    assert.equal(found.length, 1, found.join('\n'))
    assert.match(found[0] ?? '', /^f\.zone:6: www\.child\.example\.test\. A: /)
  })
  it('a type no zone here holds', async () => {
    assert.deepEqual(await problems(`${HEAD}x TYPE65534 \\# 1 ab\n`), [
      'f.zone:5: x.example.test. TYPE65534: not a type a zone here holds (A, AAAA, TXT, CNAME, MX, SRV, CAA, NS, PTR, SSHFP, TLSA, SVCB, HTTPS, DS)',
    ])
  })
})
