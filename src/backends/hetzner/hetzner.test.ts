import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { ChangeSet, RecordSet } from '../../core/records.ts'
import { Secret } from '../../core/auth/secret.ts'
import { freePort } from '../../../test/helpers/free-port.ts'
import { startHetznerStandin, type HetznerStandin } from '../../../test/helpers/standins/hetzner.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { fromValue, HetznerApi, HETZNER_TYPES, toValue } from './hetzner-api.ts'

const signal = new AbortController().signal
const zone = 'hz.example.test' as Fqdn
const host = 'home.hz.example.test' as Fqdn
const change = (...replace: RecordSet[]): ChangeSet => ({ zone, serial: 2, replace, remove: [] })
const a = (...values: string[]): RecordSet => ({ name: host, type: 'A', ttl: 60, values })

function backend(url: string, o: { token?: string; zoneId?: string | null; zone?: Fqdn } = {}) {
  const z = o.zone ?? zone
  const api = new HetznerApi({
    apiUrl: url,
    token: new Secret(o.token ?? 'hz-token'),
    zone: z,
    zoneId: o.zoneId ?? null,
    defaultTtl: 86400,
    fetch,
  })
  return new PerRecordBackend('hetzner', HETZNER_TYPES, z, api)
}

describe('hetzner backend against the stand-in', () => {
  let h: HetznerStandin
  before(async () => {
    h = await startHetznerStandin(zone, 'hz-token', 3)
  })
  after(() => h.close())

  it('looks the zone up once, creates, updates in place and skips no-ops', async () => {
    const b = backend(h.url)
    assert.ok((await b.apply(change(a('192.0.2.1', '192.0.2.2')), signal)).ok)
    const mine = () => [...h.records.values()].filter((r) => r.name === 'home')
    assert.deepEqual(
      mine().map((r) => [r.zone_id, r.type, r.value, r.ttl]),
      [
        [h.zoneId, 'A', '192.0.2.1', 60],
        [h.zoneId, 'A', '192.0.2.2', 60],
      ],
    )
    assert.deepEqual(h.log.slice(0, 3), [
      'GET /api/v1/zones',
      'GET /api/v1/records',
      'GET /api/v1/records',
    ])
    const id = mine()[0]?.id ?? ''
    h.log.length = 0
    assert.ok((await b.apply(change(a('192.0.2.9', '192.0.2.2')), signal)).ok)
    // 4 SOA/NS + 2 records over pages of 3: two GETs, then one PUT; the zone id is cached.
    assert.deepEqual(h.log, [
      'GET /api/v1/records',
      'GET /api/v1/records',
      `PUT /api/v1/records/${id}`,
    ])
    h.log.length = 0
    assert.ok((await b.apply(change(a('192.0.2.9', '192.0.2.2')), signal)).ok)
    assert.deepEqual(h.log, ['GET /api/v1/records', 'GET /api/v1/records'])
  })

  it('deletes surplus records and reads back without SOA and apex NS', async () => {
    const b = backend(h.url, { zoneId: h.zoneId })
    assert.ok((await b.apply(change(a('192.0.2.9')), signal)).ok)
    assert.equal([...h.records.values()].filter((r) => r.name === 'home').length, 1)
    const read = await b.read(zone, signal)
    assert.ok(read.ok)
    assert.deepEqual(read.value, [{ name: host, type: 'A', ttl: 60, values: ['192.0.2.9'] }])
  })

  it('maps 429 to a retryable rate-limited with the wait Hetzner asks for', async () => {
    h.failNext({
      status: 429,
      headers: { 'retry-after': '3', 'ratelimit-limit': '3600', 'ratelimit-remaining': '0' },
      body: { error: { message: 'rate limit exceeded', code: 429 } },
    })
    const r = await backend(h.url, { zoneId: h.zoneId }).apply(change(a('192.0.2.3')), signal)
    assert.ok(!r.ok)
    assert.deepEqual(
      [r.error.code, r.error.retryable, r.error.retryAfterMs],
      ['rate-limited', true, 3000],
    )
  })

  it('maps a wrong token to not-auth without echoing it', async () => {
    const r = await backend(h.url, { token: 'wrong-token' }).apply(change(a('192.0.2.3')), signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['not-auth', false])
    assert.ok(!r.error.message.includes('wrong-token'))
  })

  it('maps an unknown zone to zone-not-found and a 422 to invalid-record', async () => {
    const other = 'nope.test' as Fqdn
    const r = await backend(h.url, { zone: other }).read(other, signal)
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'zone-not-found')
    h.failNext({ status: 200, body: { records: [], meta: { pagination: { last_page: 1 } } } })
    h.failNext({
      status: 422,
      body: { record: {}, error: { message: 'invalid A record', code: 422 } },
    })
    const bad = await backend(h.url, { zoneId: h.zoneId }).apply(change(a('192.0.2.4')), signal)
    assert.ok(!bad.ok)
    assert.deepEqual([bad.error.code, bad.error.retryable], ['invalid-record', false])
    assert.match(bad.error.message, /invalid A record/)
  })
})

it('writes targets absolute and reads relative ones as in the zone', () => {
  assert.equal(toValue('MX', '10 mail.hz.example.test'), '10 mail.hz.example.test.')
  assert.equal(toValue('TXT', '"v=spf1 -all"'), 'v=spf1 -all')
  assert.equal(fromValue('CNAME', 'www', zone), 'www.hz.example.test')
  assert.equal(fromValue('MX', '10 @', zone), '10 hz.example.test')
  assert.equal(fromValue('TXT', '"a" "b"', zone), '"a" "b"')
})

it('maps a refused connection to a retryable unavailable', async () => {
  const r = await backend(`http://127.0.0.1:${await freePort()}`).apply(
    change(a('192.0.2.1')),
    signal,
  )
  assert.ok(!r.ok)
  assert.deepEqual([r.error.code, r.error.retryable], ['unavailable', true])
})
