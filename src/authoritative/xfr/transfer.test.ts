import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { parseCidr } from '../../core/addresses/addresses.ts'
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet } from '../../core/records.ts'
import { recordSetsFromLines, zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import { startDnsServer, type DnsServer } from '../server.ts'
import { ZoneIndex } from '../index/zone-index.ts'

const run = promisify(execFile)
const zone = 'dyn.example.test' as Fqdn
const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 10 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
a.dyn.example.test. 60 IN A 203.0.113.1
b.dyn.example.test. 60 IN A 203.0.113.2
`
const soa = (serial: number): string =>
  `dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. ${String(serial)} 3600 600 1209600 60`

/** dig's records, one normalised zone-file line each; `;` lines (status, errors) kept. */
async function dig(port: number, ...args: string[]): Promise<string[]> {
  const { stdout } = await run(
    'dig',
    ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+nocmd', '+nostats', ...args],
    { timeout: 10_000, maxBuffer: 64 << 20 },
  )
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (l.startsWith(';') ? l : l.split(/\s+/).join(' ')))
}

function apply(index: ZoneIndex, serial: number, lines: string, remove: RecordSet[] = []): void {
  const r = index.apply({
    zone,
    serial,
    replace: recordSetsFromLines(lines),
    remove: remove.map((s) => ({ name: s.name, type: s.type })),
  })
  assert.ok(r.ok, JSON.stringify(r))
}

describe('zone transfers with dig', () => {
  const index = new ZoneIndex()
  let open: DnsServer
  let closed: DnsServer
  before(async () => {
    assert.ok(index.load(zoneFromLines(ZONE)).ok)
    const loopback = parseCidr('127.0.0.0/8')
    assert.ok(loopback.ok)
    const a = await startDnsServer({
      host: '127.0.0.1',
      port: 0,
      index,
      transfer: { source: index, allow: [loopback.value] },
    })
    const b = await startDnsServer({
      host: '127.0.0.1',
      port: 0,
      index,
      transfer: { source: index, allow: [] },
    })
    assert.ok(a.ok && b.ok)
    open = a.value
    closed = b.value
  })
  after(async () => {
    await open.close()
    await closed.close()
  })

  it('AXFR gives SOA, every record, SOA', async () => {
    const lines = await dig(open.port, 'dyn.example.test', 'AXFR')
    const records = lines.filter((l) => !l.startsWith(';'))
    assert.equal(records[0], soa(10))
    assert.equal(records.at(-1), soa(10))
    assert.deepEqual(records.slice(1, -1).sort(), [
      'a.dyn.example.test. 60 IN A 203.0.113.1',
      'b.dyn.example.test. 60 IN A 203.0.113.2',
      'dyn.example.test. 300 IN NS ns1.example.test.',
    ])
  })

  it('refuses clients outside the access list and names that are not a zone apex', async () => {
    const refused = await dig(closed.port, 'dyn.example.test', 'AXFR')
    assert.ok(
      refused.some((l) => /Transfer failed/.test(l)),
      refused.join('\n'),
    )
    const ixfr = await dig(closed.port, '+tcp', 'dyn.example.test', 'IXFR=10')
    assert.ok(
      ixfr.some((l) => /Transfer failed/.test(l)),
      ixfr.join('\n'),
    )
    const notZone = await dig(open.port, 'a.dyn.example.test', 'AXFR')
    assert.ok(
      notZone.some((l) => /Transfer failed/.test(l)),
      notZone.join('\n'),
    )
  })

  it('IXFR gives the condensed difference since the client serial', async () => {
    apply(index, 11, 'a.dyn.example.test. 60 IN A 198.51.100.1')
    apply(index, 12, 'c.dyn.example.test. 60 IN TXT "hello"')
    apply(index, 13, '', recordSetsFromLines('b.dyn.example.test. 60 IN A 203.0.113.2'))
    const records = (await dig(open.port, 'dyn.example.test', 'IXFR=10')).filter(
      (l) => !l.startsWith(';'),
    )
    assert.deepEqual(records, [
      soa(13),
      soa(10),
      'a.dyn.example.test. 60 IN A 203.0.113.1',
      'b.dyn.example.test. 60 IN A 203.0.113.2',
      soa(13),
      'a.dyn.example.test. 60 IN A 198.51.100.1',
      'c.dyn.example.test. 60 IN TXT "hello"',
      soa(13),
    ])
    const fromTwelve = (await dig(open.port, 'dyn.example.test', 'IXFR=12')).filter(
      (l) => !l.startsWith(';'),
    )
    assert.deepEqual(fromTwelve, [
      soa(13),
      soa(12),
      'b.dyn.example.test. 60 IN A 203.0.113.2',
      soa(13),
      soa(13),
    ])
  })

  it('IXFR from an up-to-date serial is one SOA; from an unknown serial a full zone', async () => {
    const upToDate = await dig(open.port, 'dyn.example.test', 'IXFR=13')
    assert.deepEqual(
      upToDate.filter((l) => !l.startsWith(';')),
      [soa(13)],
    )
    const unknown = (await dig(open.port, 'dyn.example.test', 'IXFR=5')).filter(
      (l) => !l.startsWith(';'),
    )
    assert.equal(unknown[0], soa(13))
    assert.equal(unknown.at(-1), soa(13))
    assert.ok(unknown.includes('c.dyn.example.test. 60 IN TXT "hello"'))
    assert.equal(unknown.length, 5)
  })

  it('IXFR over UDP answers the current SOA only', async () => {
    const lines = await dig(open.port, '+notcp', 'dyn.example.test', 'IXFR=10')
    assert.deepEqual(
      lines.filter((l) => !l.startsWith(';')),
      [soa(13)],
    )
  })

  it('journals a reload as the difference it makes', async () => {
    const reloaded = zoneFromLines(`${ZONE.replace(' 10 3600', ' 20 3600')}
      d.dyn.example.test. 60 IN A 192.0.2.4`)
    assert.ok(index.load(reloaded).ok)
    const records = (await dig(open.port, 'dyn.example.test', 'IXFR=13')).filter(
      (l) => !l.startsWith(';'),
    )
    assert.deepEqual(records, [
      soa(20),
      soa(13),
      'a.dyn.example.test. 60 IN A 198.51.100.1',
      'c.dyn.example.test. 60 IN TXT "hello"',
      soa(20),
      'a.dyn.example.test. 60 IN A 203.0.113.1',
      'b.dyn.example.test. 60 IN A 203.0.113.2',
      'd.dyn.example.test. 60 IN A 192.0.2.4',
      soa(20),
    ])
  })

  it('splits a large AXFR over several messages', async () => {
    const many = Array.from(
      { length: 3000 },
      (_, i) => `h${String(i)}.dyn.example.test. 60 IN TXT "${'x'.repeat(40)}"`,
    ).join('\n')
    apply(index, 21, many)
    const { stdout } = await run(
      'dig',
      ['@127.0.0.1', '-p', String(open.port), '+time=5', 'dyn.example.test', 'AXFR'],
      { timeout: 20_000, maxBuffer: 64 << 20 },
    )
    const messages = Number(/XFR size: \d+ records? \(messages (\d+)/.exec(stdout)?.[1])
    assert.ok(messages > 5, stdout.slice(-300))
    assert.match(stdout, /XFR size: 3006 records/)
  })
})
