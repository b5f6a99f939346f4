import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { ChangeSet, RecordSet } from '../../core/records.ts'
import { Secret } from '../../core/auth/secret.ts'
import { freePort } from '../../../test/helpers/free-port.ts'
import {
  startDigitalOceanStandin,
  type DigitalOceanStandin,
} from '../../../test/helpers/standins/digitalocean.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { DigitalOceanApi, DIGITALOCEAN_TYPES } from './digitalocean-api.ts'

const signal = new AbortController().signal
const zone = 'do.example.test' as Fqdn
const host = 'home.do.example.test' as Fqdn
const change = (...replace: RecordSet[]): ChangeSet => ({ zone, serial: 2, replace, remove: [] })
const a = (...values: string[]): RecordSet => ({ name: host, type: 'A', ttl: 60, values })

function backend(url: string, token = 'do-token', z = zone) {
  return new PerRecordBackend(
    'digitalocean',
    DIGITALOCEAN_TYPES,
    z,
    new DigitalOceanApi({ apiUrl: url, token: new Secret(token), zone: z, fetch }),
  )
}

describe('digitalocean backend against the stand-in', () => {
  let d: DigitalOceanStandin
  const records = '/v2/domains/do.example.test/records'
  before(async () => {
    d = await startDigitalOceanStandin(zone, 'do-token', 3)
  })
  after(() => d.close())

  it('creates records with relative names, then updates in place and skips no-ops', async () => {
    const b = backend(d.url)
    assert.ok((await b.apply(change(a('192.0.2.1', '192.0.2.2')), signal)).ok)
    const mine = () => [...d.records.values()].filter((r) => r.name === 'home')
    assert.deepEqual(
      mine().map((r) => [r.type, r.data, r.ttl]),
      [
        ['A', '192.0.2.1', 60],
        ['A', '192.0.2.2', 60],
      ],
    )
    const id = mine()[0]?.id
    d.log.length = 0
    assert.ok((await b.apply(change(a('192.0.2.9', '192.0.2.2')), signal)).ok)
    // 4 NS/SOA + 2 records over pages of 3: two GETs, then one PUT.
    assert.deepEqual(d.log, [`GET ${records}`, `GET ${records}`, `PUT ${records}/${id ?? ''}`])
    d.log.length = 0
    assert.ok((await b.apply(change(a('192.0.2.9', '192.0.2.2')), signal)).ok)
    assert.deepEqual(d.log, [`GET ${records}`, `GET ${records}`])
  })

  it('splits MX, SRV and CAA into fields and reads them back; TXT single strings bare', async () => {
    const sets: RecordSet[] = [
      { name: zone, type: 'MX', ttl: 300, values: ['10 mail.do.example.test'] },
      {
        name: `_sip._udp.${zone}` as Fqdn,
        type: 'SRV',
        ttl: 300,
        values: ['1 2 5060 sip.example.net'],
      },
      { name: zone, type: 'CAA', ttl: 300, values: ['0 issue "letsencrypt.org"'] },
      { name: host, type: 'TXT', ttl: 300, values: ['"one string"', '"two" "strings"'] },
    ]
    const b = backend(d.url)
    assert.ok((await b.apply(change(...sets), signal)).ok)
    const stored = [...d.records.values()]
    const mx = stored.find((r) => r.type === 'MX')
    assert.deepEqual([mx?.name, mx?.priority, mx?.data], ['@', 10, 'mail.do.example.test.'])
    const srv = stored.find((r) => r.type === 'SRV')
    assert.deepEqual(
      [srv?.name, srv?.priority, srv?.weight, srv?.port, srv?.data],
      ['_sip._udp', 1, 2, 5060, 'sip.example.net.'],
    )
    const caa = stored.find((r) => r.type === 'CAA')
    assert.deepEqual([caa?.flags, caa?.tag, caa?.data], [0, 'issue', 'letsencrypt.org'])
    assert.deepEqual(
      stored.filter((r) => r.type === 'TXT').map((r) => r.data),
      ['one string', '"two" "strings"'],
    )
    const read = await b.read(zone, signal)
    assert.ok(read.ok)
    const back = read.value.filter((s) => s.type !== 'A')
    assert.deepEqual(
      back.map((s) => [s.name, s.type, s.values]),
      sets.map((s) => [s.name, s.type, s.values]),
    )
    assert.ok(read.value.every((s) => s.type !== 'NS'))
  })

  it('maps 429 with RateLimit-Reset to a retryable rate-limited', async () => {
    const reset = Math.floor(Date.now() / 1000) + 60
    d.failNext({
      status: 429,
      headers: {
        'ratelimit-limit': '5000',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(reset),
      },
      body: { id: 'too_many_requests', message: 'API Rate limit exceeded.' },
    })
    const r = await backend(d.url).apply(change(a('192.0.2.3')), signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['rate-limited', true])
    assert.ok((r.error.retryAfterMs ?? 0) > 50_000 && (r.error.retryAfterMs ?? 0) <= 60_000)
  })

  it('maps a wrong token to not-auth without echoing it', async () => {
    const r = await backend(d.url, 'wrong-token').apply(change(a('192.0.2.3')), signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['not-auth', false])
    assert.ok(!r.error.message.includes('wrong-token'))
  })

  it('maps an unknown domain to zone-not-found and refused data to invalid-record', async () => {
    const other = 'nope.test' as Fqdn
    const r = await backend(d.url, 'do-token', other).read(other, signal)
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'zone-not-found')
    d.failNext({ status: 200, body: { domain_records: [], links: {}, meta: { total: 0 } } })
    d.failNext({
      status: 422,
      body: { id: 'unprocessable_entity', message: 'Data needs to be a valid IPv4 address.' },
    })
    const bad = await backend(d.url).apply(change(a('192.0.2.4')), signal)
    assert.ok(!bad.ok)
    assert.deepEqual([bad.error.code, bad.error.retryable], ['invalid-record', false])
    assert.match(bad.error.message, /unprocessable_entity/)
  })

  it('does not follow a pagination link to another origin', async () => {
    d.failNext({
      status: 200,
      body: {
        domain_records: [],
        links: {
          pages: { next: 'https://evil.example/v2/domains/do.example.test/records?page=2' },
        },
        meta: { total: 400 },
      },
    })
    const r = await backend(d.url).read(zone, signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['refused', false])
  })
})

it('maps a refused connection to a retryable unavailable', async () => {
  const r = await backend(`http://127.0.0.1:${await freePort()}/v2`).apply(
    change(a('192.0.2.1')),
    signal,
  )
  assert.ok(!r.ok)
  assert.deepEqual([r.error.code, r.error.retryable], ['unavailable', true])
})
