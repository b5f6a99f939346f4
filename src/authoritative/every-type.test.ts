import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { RECORD_TYPES, type RecordType } from '../core/records.ts'
import { zoneFromLines } from '../../test/helpers/zone-lines.ts'
import { canonicalValue, formatValue } from '../zone/record-value.ts'
import { startDnsServer, type DnsServer } from './server.ts'
import { ZoneIndex } from './index/zone-index.ts'

const run = promisify(execFile)

// One RRset of every record type, each value written as a client might send it, and what
// dig prints for it: the built-in server must answer each type with exactly these rdata.
const EVERY_TYPE: readonly [RecordType, string, string, string][] = [
  ['A', 'a.every.test', '192.0.2.1', '192.0.2.1'],
  ['AAAA', 'aaaa.every.test', '2001:DB8:0::1', '2001:db8::1'],
  ['TXT', 'txt.every.test', 'v=spf1 -all', '"v=spf1 -all"'],
  ['CNAME', 'cname.every.test', 'Target.Example.net.', 'Target.Example.net.'],
  ['MX', 'every.test', '10 mail.every.test', '10 mail.every.test.'],
  ['SRV', '_sip._tcp.every.test', '10 60 5060 sip.every.test', '10 60 5060 sip.every.test.'],
  ['CAA', 'every.test', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
  ['NS', 'child.every.test', 'ns.example.net', 'ns.example.net.'],
  ['PTR', '1.2.0.192.every.test', 'host.every.test.', 'host.every.test.'],
  [
    'SSHFP',
    'host.every.test',
    '1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac',
    '1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC',
  ],
  [
    'TLSA',
    '_443._tcp.www.every.test',
    '3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
    '3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B566 64C5D3D6',
  ],
  [
    'SVCB',
    '_dns.every.test',
    '1 dns.every.test. alpn=dot port=853',
    '1 dns.every.test. alpn="dot" port=853',
  ],
  [
    'HTTPS',
    'every.test',
    '1 . alpn="h2,h3" ipv4hint=192.0.2.1',
    '1 . alpn="h2,h3" ipv4hint=192.0.2.1',
  ],
  [
    'DS',
    'child.every.test',
    '60485 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    '60485 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF',
  ],
]

const HEAD = `
every.test. 300 IN SOA ns1.every.test. hostmaster.every.test. 1 3600 600 1209600 60
every.test. 300 IN NS ns1.every.test.
ns1.every.test. 300 IN A 192.0.2.53
`

// The rdata dig prints; the NS of a delegation come back as a referral (authority section).
async function dig(port: number, name: string, type: string, extra: string[] = []) {
  const section = type === 'NS' ? ['+noall', '+authority'] : ['+short']
  const { stdout } = await run(
    'dig',
    [
      '@127.0.0.1',
      '-p',
      String(port),
      '+norec',
      '+time=2',
      '+tries=1',
      ...section,
      ...extra,
    ].concat([name, type]),
    { timeout: 5000 },
  )
  const lines = stdout.split('\n').filter((l) => l.trim() !== '')
  return type === 'NS' ? lines.map((l) => l.split(/\s+/).slice(4).join(' ')) : lines
}

describe('the built-in server answers every record type', () => {
  const index = new ZoneIndex()
  let server: DnsServer
  before(async () => {
    const lines = EVERY_TYPE.map(([type, name, value]) => `${name}. 60 IN ${type} ${value}`)
    assert.ok(index.load(zoneFromLines(HEAD + lines.join('\n'))).ok)
    const started = await startDnsServer({ host: '127.0.0.1', port: 0, index })
    assert.ok(started.ok, JSON.stringify(started))
    server = started.value
  })
  after(async () => {
    await server.close()
  })

  it('covers every type of RECORD_TYPES', () => {
    assert.deepEqual(new Set(EVERY_TYPE.map(([type]) => type)), new Set(RECORD_TYPES))
  })

  for (const [type, name, value, shown] of EVERY_TYPE) {
    it(`${type} at ${name}: dig reads back the value, octet for octet`, async () => {
      assert.deepEqual(await dig(server.port, name, type), [shown])
      const [generic] = await dig(server.port, name, type, ['+unknownformat'])
      const m = /^\\# (\d+) ?([0-9A-F ]*)$/i.exec(generic ?? '')
      assert.ok(m !== null, `dig +unknownformat printed ${String(generic)}`)
      const rdata = Buffer.from((m[2] ?? '').replace(/ /g, ''), 'hex')
      assert.deepEqual(formatValue(type, rdata), canonicalValue(type, value))
    })
  }
})
