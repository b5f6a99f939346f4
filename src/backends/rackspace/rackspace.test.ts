import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { ChangeSet, RecordSet } from '../../core/records.ts'
import { Secret } from '../../core/auth/secret.ts'
import { freePort } from '../../../test/helpers/free-port.ts'
import {
  startRackspaceStandin,
  type RackspaceStandin,
} from '../../../test/helpers/standins/rackspace.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { RackspaceApi, RACKSPACE_TYPES } from './rackspace-api.ts'
import { RackspaceIdentity } from './rackspace-identity.ts'

const signal = new AbortController().signal
const zone = 'rs.example.test' as Fqdn
const host = 'home.rs.example.test' as Fqdn
const user = { username: 'ddns', apiKey: 'rs-api-key-123' }
const change = (...replace: RecordSet[]): ChangeSet => ({ zone, serial: 2, replace, remove: [] })
const a = (...values: string[]): RecordSet => ({ name: host, type: 'A', ttl: 300, values })

function backend(url: string, o: { apiKey?: string; zone?: Fqdn } = {}) {
  const z = o.zone ?? zone
  const identity = new RackspaceIdentity({
    identityUrl: url,
    username: user.username,
    apiKey: new Secret(o.apiKey ?? user.apiKey),
    dnsUrl: '',
    fetch,
  })
  const api = new RackspaceApi({ identity, zone: z, fetch, pollMs: 5, jobTimeoutMs: 5000 })
  return new PerRecordBackend('rackspace', RACKSPACE_TYPES, z, api)
}

describe('rackspace backend against the stand-in', () => {
  let rs: RackspaceStandin
  let b: PerRecordBackend
  let t: string
  before(async () => {
    rs = await startRackspaceStandin(zone, user, { pageCap: 2 })
    b = backend(rs.url)
    t = `/v1.0/${rs.tenant}`
  })
  after(() => rs.close())

  it('refuses a zone holding a type Cloud DNS does not take, before any request', async () => {
    const fresh = backend(rs.url)
    const before = rs.log.length
    const caa: RecordSet = { name: zone, type: 'CAA', ttl: 300, values: ['0 issue "ca.test"'] }
    const r = await fresh.load(
      {
        name: zone,
        ttl: 300,
        soa: {
          mname: 'ns1.rs.example.test' as Fqdn,
          rname: 'hostmaster.rs.example.test' as Fqdn,
          serial: 1,
          refresh: 3600,
          retry: 600,
          expire: 1209600,
          minimum: 60,
        },
        ns: [],
        records: [a('192.0.2.1'), caa],
      },
      signal,
    )
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'invalid-record')
    assert.equal(
      r.error.message,
      'zone rs.example.test: the rackspace backend cannot publish CAA records (rs.example.test. CAA); it takes A, AAAA, CNAME, MX, NS, SRV, TXT',
    )
    assert.equal(rs.log.length, before, 'a request was sent')
  })

  it('authenticates once, finds the domain, and waits for each write job', async () => {
    assert.ok((await b.apply(change(a('192.0.2.1')), signal)).ok)
    const recs = `${t}/domains/${rs.domainId}/records`
    assert.deepEqual(
      rs.log.map((l) => l.replace(/status\/.*/, 'status/JOB')),
      [
        'POST /v2.0/tokens',
        `GET ${t}/domains`,
        `GET ${recs}`,
        `POST ${recs}`,
        `GET ${t}/status/JOB`,
        `GET ${t}/status/JOB`,
      ],
    )
    assert.deepEqual(
      [...rs.records.values()].filter((r) => r.type === 'A').map((r) => [r.name, r.data, r.ttl]),
      [[host, '192.0.2.1', 300]],
    )
  })

  it('updates in place with PUT, and sends no write when nothing changed', async () => {
    const id = [...rs.records.values()].find((r) => r.type === 'A')?.id ?? ''
    rs.log.length = 0
    assert.ok((await b.apply(change(a('192.0.2.9')), signal)).ok)
    assert.ok(rs.log.includes(`PUT ${t}/domains/${rs.domainId}/records/${id}`))
    assert.equal(rs.records.get(id)?.data, '192.0.2.9')
    rs.log.length = 0
    assert.ok((await b.apply(change(a('192.0.2.9')), signal)).ok)
    // 2 NS + 1 A over pages of 2: two listing GETs and nothing else.
    assert.deepEqual(rs.log, [
      `GET ${t}/domains/${rs.domainId}/records`,
      `GET ${t}/domains/${rs.domainId}/records`,
    ])
  })

  it('splits the MX priority off and reads MX and TXT back', async () => {
    const sets: RecordSet[] = [
      { name: zone, type: 'MX', ttl: 3600, values: ['5 mail.rs.example.test'] },
      { name: host, type: 'TXT', ttl: 300, values: ['"hello world"'] },
    ]
    assert.ok((await b.apply(change(...sets), signal)).ok)
    const mx = [...rs.records.values()].find((r) => r.type === 'MX')
    assert.deepEqual([mx?.priority, mx?.data], [5, 'mail.rs.example.test'])
    assert.equal([...rs.records.values()].find((r) => r.type === 'TXT')?.data, 'hello world')
    const read = await b.read(zone, signal)
    assert.ok(read.ok)
    assert.deepEqual(
      read.value.filter((s) => s.type !== 'A').map((s) => [s.name, s.type, s.ttl, s.values]),
      sets.map((s) => [s.name, s.type, s.ttl, s.values]),
    )
  })

  it('turns a job that ends in ERROR into invalid-record and changes nothing', async () => {
    const before = JSON.stringify([...rs.records.values()])
    const r = await b.apply(
      change({ ...a('192.0.2.50'), name: `low.${zone}` as Fqdn, ttl: 60 }),
      signal,
    )
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['invalid-record', false])
    assert.match(r.error.message, /TTL must be at least 300/)
    assert.equal(JSON.stringify([...rs.records.values()]), before)
  })

  it('authenticates again once when the token is refused', async () => {
    const issued = rs.issued.length
    rs.revokeTokens()
    assert.ok((await b.apply(change(a('192.0.2.10')), signal)).ok)
    assert.equal(rs.issued.length, issued + 1)
  })

  it('maps 413 overLimit with Retry-After to a retryable rate-limited', async () => {
    rs.failNext({
      status: 413,
      headers: { 'retry-after': '20' },
      body: {
        overLimit: { code: 413, message: 'OverLimit Retry...', details: 'Error Details...' },
      },
    })
    const r = await b.apply(change(a('192.0.2.11')), signal)
    assert.ok(!r.ok)
    assert.deepEqual(
      [r.error.code, r.error.retryable, r.error.retryAfterMs],
      ['rate-limited', true, 20000],
    )
  })

  it('maps a wrong API key to not-auth without echoing it', async () => {
    const r = await backend(rs.url, { apiKey: 'wrong-key-456' }).apply(
      change(a('192.0.2.3')),
      signal,
    )
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['not-auth', false])
    assert.ok(!r.error.message.includes('wrong-key-456'))
  })

  it('maps an unknown domain to zone-not-found', async () => {
    const other = 'nope.test' as Fqdn
    const r = await backend(rs.url, { zone: other }).read(other, signal)
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'zone-not-found')
  })

  it('does not send the token to a job callback on another origin', async () => {
    const fresh = backend(rs.url)
    assert.ok((await fresh.read(zone, signal)).ok)
    rs.failNext({ status: 200, body: { records: [], totalEntries: 0, links: [] } })
    rs.failNext({
      status: 202,
      body: { status: 'RUNNING', jobId: 'x', callbackUrl: 'https://evil.example/v1.0/1/status/x' },
    })
    const r = await fresh.apply(change(a('192.0.2.12')), signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['refused', false])
    assert.ok(!rs.log.some((l) => l.includes('evil')))
  })
})

it('maps a refused connection to a retryable unavailable', async () => {
  const r = await backend(`http://127.0.0.1:${await freePort()}`).apply(
    change(a('192.0.2.1')),
    signal,
  )
  assert.ok(!r.ok)
  assert.deepEqual([r.error.code, r.error.retryable], ['unavailable', true])
})
