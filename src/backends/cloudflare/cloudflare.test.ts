import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { ChangeSet } from '../../core/records.ts'
import { Secret } from '../../core/auth/secret.ts'
import { freePort } from '../../../test/helpers/free-port.ts'
import {
  startCloudflareStandin,
  type CloudflareStandin,
} from '../../../test/helpers/standins/cloudflare.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { CloudflareApi, CLOUDFLARE_TYPES } from './cloudflare-api.ts'

const signal = new AbortController().signal
const zone = 'cf.example.test' as Fqdn
const change = (...values: string[]): ChangeSet => ({
  zone,
  serial: 2,
  replace: [{ name: 'home.cf.example.test' as Fqdn, type: 'A', ttl: 60, values }],
  remove: [],
})

function backend(url: string, token = 't0ken', zoneId: string | null = null) {
  const api = new CloudflareApi({
    apiUrl: url,
    token: new Secret(token),
    zone,
    zoneId,
    proxied: false,
    fetch,
  })
  return new PerRecordBackend('cloudflare', CLOUDFLARE_TYPES, zone, api)
}

describe('cloudflare backend against the stand-in', () => {
  let cf: CloudflareStandin
  before(async () => {
    cf = await startCloudflareStandin(zone, 't0ken')
  })
  after(() => cf.close())

  it('updates a record in place and sends no write when nothing changed', async () => {
    const b = backend(cf.url)
    assert.ok((await b.apply(change('192.0.2.1', '192.0.2.2'), signal)).ok)
    const id = [...cf.records.values()].find((r) => r.content === '192.0.2.1')?.id
    cf.log.length = 0
    assert.ok((await b.apply(change('192.0.2.9', '192.0.2.2'), signal)).ok)
    assert.deepEqual(cf.log, [
      `GET /client/v4/zones/${cf.zoneId}/dns_records`,
      `PUT /client/v4/zones/${cf.zoneId}/dns_records/${id ?? ''}`,
    ])
    cf.log.length = 0
    assert.ok((await b.apply(change('192.0.2.9', '192.0.2.2'), signal)).ok)
    assert.deepEqual(cf.log, [`GET /client/v4/zones/${cf.zoneId}/dns_records`])
  })

  it('uses a configured zone_id without looking the zone up', async () => {
    cf.log.length = 0
    assert.ok((await backend(cf.url, 't0ken', cf.zoneId).read(zone, signal)).ok)
    assert.ok(cf.log.every((l) => l.includes('/dns_records')))
  })

  it('maps 429 with Retry-After to a retryable rate-limited', async () => {
    cf.failNext({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { success: false, errors: [{ code: 971, message: 'Please wait' }] },
    })
    const r = await backend(cf.url).apply(change('192.0.2.3'), signal)
    assert.ok(!r.ok)
    assert.deepEqual(
      [r.error.code, r.error.retryable, r.error.retryAfterMs],
      ['rate-limited', true, 7000],
    )
  })

  it('maps a wrong token to not-auth without echoing it', async () => {
    const r = await backend(cf.url, 'wrong-token').apply(change('192.0.2.3'), signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['not-auth', false])
    assert.ok(!r.error.message.includes('wrong-token'))
  })

  it('maps an unknown zone to zone-not-found and a refused value to invalid-record', async () => {
    const other = new CloudflareApi({
      apiUrl: cf.url,
      token: new Secret('t0ken'),
      zone: 'nope.test' as Fqdn,
      zoneId: null,
      proxied: false,
      fetch,
    })
    const r = await other.list(signal)
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'zone-not-found')
    cf.failNext({
      status: 400,
      body: {
        success: false,
        errors: [{ code: 9005, message: 'Content for A record is invalid.' }],
      },
    })
    const bad = await backend(cf.url, 't0ken', cf.zoneId).apply(change('192.0.2.4'), signal)
    assert.ok(!bad.ok)
    assert.deepEqual([bad.error.code, bad.error.retryable], ['invalid-record', false])
  })
})

it('maps a refused connection to a retryable unavailable', async () => {
  const r = await backend(`http://127.0.0.1:${await freePort()}`).apply(change('192.0.2.1'), signal)
  assert.ok(!r.ok)
  assert.deepEqual([r.error.code, r.error.retryable], ['unavailable', true])
})
