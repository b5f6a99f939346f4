import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { ChangeSet, RecordSet } from '../../core/records.ts'
import { Secret } from '../../core/auth/secret.ts'
import { freePort } from '../../../test/helpers/free-port.ts'
import {
  awsErrorReply,
  startRoute53Standin,
  type Route53Standin,
} from '../../../test/helpers/standins/route53.ts'
import type { BackendDeps } from '../define.ts'
import { route53Factory } from './factory.ts'
import { sdkRoute53 } from './route53-api.ts'
import { ownerName, Route53Backend } from './route53-backend.ts'

const signal = new AbortController().signal
const zone = 'r53.example.test' as Fqdn
const host = 'home.r53.example.test' as Fqdn
const a = (...values: string[]): RecordSet => ({ name: host, type: 'A', ttl: 60, values })
const change = (replace: RecordSet[], remove: ChangeSet['remove'] = []): ChangeSet => ({
  zone,
  serial: 2,
  replace,
  remove,
})

function backend(
  endpoint: string,
  o: { zoneId: string; keyId?: string; waitForSync?: boolean },
): Route53Backend {
  const port = sdkRoute53({
    hostedZoneId: o.zoneId,
    region: 'us-east-1',
    endpoint,
    accessKeyId: new Secret(o.keyId ?? 'AKIDEXAMPLE'),
    secretAccessKey: new Secret('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'),
  })
  return new Route53Backend(zone, port, { waitForSync: o.waitForSync ?? false, pollMs: 10 })
}

describe('route53 backend against the stand-in', () => {
  let r53: Route53Standin
  let b: Route53Backend
  before(async () => {
    r53 = await startRoute53Standin(zone, 'AKIDEXAMPLE', 2)
    b = backend(r53.url, { zoneId: r53.zoneId })
  })
  after(() => r53.close())

  it('sends one signed ChangeBatch of UPSERTs per change set', async () => {
    const txt: RecordSet = { name: host, type: 'TXT', ttl: 60, values: ['"a b" "c"'] }
    assert.ok((await b.apply(change([a('192.0.2.1', '192.0.2.2'), txt]), signal)).ok)
    assert.deepEqual(r53.log, [`POST /2013-04-01/hostedzone/${r53.zoneId}/rrset`])
    assert.deepEqual(r53.batches.at(-1), [
      'UPSERT home.r53.example.test. A',
      'UPSERT home.r53.example.test. TXT',
    ])
    assert.deepEqual(r53.sets.get('home.r53.example.test. TXT')?.values, ['"a b" "c"'])
  })

  it('deletes with the exact current set, read first, and skips absent sets', async () => {
    r53.log.length = 0
    const gone = 'gone.r53.example.test' as Fqdn
    const r = await b.apply(
      change(
        [],
        [
          { name: host, type: 'A' },
          { name: gone, type: 'A' },
        ],
      ),
      signal,
    )
    assert.ok(r.ok, r.ok ? '' : r.error.message)
    assert.deepEqual(r53.batches.at(-1), ['DELETE home.r53.example.test. A'])
    assert.equal(r53.sets.has('home.r53.example.test. A'), false)
    assert.equal(r53.sets.has('home.r53.example.test. TXT'), true)
    assert.deepEqual(r53.log.filter((l) => l.startsWith('GET')).length, 2)
  })

  it('sends nothing when there is nothing to delete', async () => {
    const before = r53.batches.length
    assert.ok((await b.apply(change([], [{ name: host, type: 'AAAA' }]), signal)).ok)
    assert.equal(r53.batches.length, before)
  })

  it('follows IsTruncated/NextRecordName pages when reading and for many removals', async () => {
    const many = Array.from({ length: 7 }, (_, i) => ({
      name: `m${i}.r53.example.test` as Fqdn,
      type: 'A' as const,
      ttl: 120,
      values: [`198.51.100.${i}`],
    }))
    assert.ok((await b.apply(change(many), signal)).ok)
    r53.log.length = 0
    const read = await b.read(zone, signal)
    assert.ok(read.ok)
    assert.deepEqual(
      read.value.filter((s) => s.type === 'A').map((s) => s.name),
      many.map((s) => s.name),
    )
    assert.ok(read.value.every((s) => s.type !== 'NS'))
    // 2 per page over 10 sets: SOA, NS, 7 A, 1 TXT.
    assert.equal(r53.log.length, 5)
    const removed = await b.apply(
      change(
        [],
        many.map((s) => ({ name: s.name, type: s.type })),
      ),
      signal,
    )
    assert.ok(removed.ok)
    assert.equal(r53.batches.at(-1)?.length, 7)
  })

  it('splits a change larger than one ChangeBatch may hold into several', async () => {
    // 1,200 UPSERTs count 2,400 records: over the 1,000-record quota the stand-in enforces.
    const big = Array.from({ length: 1200 }, (_, i) => ({
      name: `big${String(i)}.r53.example.test` as Fqdn,
      type: 'A' as const,
      ttl: 60,
      values: [`198.18.${String(i >> 8)}.${String(i & 255)}`],
    }))
    const before = r53.batches.length
    assert.deepEqual(await b.apply(change(big), signal), { ok: true, value: undefined })
    const sent = r53.batches.slice(before)
    assert.ok(sent.length >= 3, `${String(sent.length)} batches`)
    assert.equal(sent.flat().length, 1200)
    assert.deepEqual(r53.sets.get('big1199.r53.example.test. A')?.values, ['198.18.4.175'])
    const removed = await b.apply(
      change(
        [],
        big.map((s) => ({ name: s.name, type: s.type })),
      ),
      signal,
    )
    assert.ok(removed.ok)
    assert.equal(r53.sets.has('big0.r53.example.test. A'), false)
  })

  it('re-reads and retries once when another writer changed a set before the DELETE', async () => {
    const other = 'raced.r53.example.test' as Fqdn
    assert.ok((await b.apply(change([{ ...a('192.0.2.5'), name: other }]), signal)).ok)
    r53.failNext(
      awsErrorReply(
        400,
        'InvalidChangeBatch',
        `[Tried to delete resource record set [name='${other}.', type='A'] but the values provided do not match the current values]`,
      ),
    )
    const r = await b.apply(change([], [{ name: other, type: 'A' }]), signal)
    assert.ok(r.ok, r.ok ? '' : r.error.message)
    assert.equal(r53.sets.has(`${other}. A`), false)
  })

  it('polls GetChange until INSYNC when asked to', async () => {
    r53.log.length = 0
    const waiting = backend(r53.url, { zoneId: r53.zoneId, waitForSync: true })
    assert.ok((await waiting.apply(change([a('192.0.2.8')]), signal)).ok)
    assert.deepEqual(
      r53.log.map((l) => l.replace(/\/change\/.*/, '/change/ID')),
      [
        `POST /2013-04-01/hostedzone/${r53.zoneId}/rrset`,
        'GET /2013-04-01/change/ID',
        'GET /2013-04-01/change/ID',
      ],
    )
  })

  const failures: [string, ReturnType<typeof awsErrorReply>, string, boolean][] = [
    ['Throttling', awsErrorReply(400, 'Throttling', 'Rate exceeded'), 'rate-limited', true],
    [
      'PriorRequestNotComplete',
      awsErrorReply(400, 'PriorRequestNotComplete', 'The request was rejected'),
      'rate-limited',
      true,
    ],
    ['AccessDenied', awsErrorReply(403, 'AccessDenied', 'not authorized'), 'not-auth', false],
    [
      'InvalidSignatureException',
      awsErrorReply(403, 'InvalidSignatureException', 'bad signature'),
      'not-auth',
      false,
    ],
    ['HTTP 503', awsErrorReply(503, 'ServiceUnavailable', 'try later'), 'unavailable', true],
  ]
  for (const [what, reply, code, retryable] of failures) {
    it(`maps ${what} to ${code}`, async () => {
      r53.failNext(reply)
      const r = await b.apply(change([a('192.0.2.3')]), signal)
      assert.ok(!r.ok)
      assert.deepEqual([r.error.code, r.error.retryable], [code, retryable])
    })
  }

  it('is built by the registry factory from its config table', async () => {
    const settings = route53Factory.settings?.parse({
      hosted_zone_id: `/hostedzone/${r53.zoneId}`,
      access_key_id: 'AKIDEXAMPLE',
      secret_access_key: 'factory-secret',
      endpoint: r53.url,
    })
    const built = route53Factory.create({ name: zone, ttl: 60 }, settings, {} as BackendDeps)
    assert.equal(built.kind, 'route53')
    assert.ok((await built.apply(change([a('192.0.2.40')]), signal)).ok)
    assert.deepEqual(r53.sets.get('home.r53.example.test. A')?.values, ['192.0.2.40'])
  })

  it('maps an unknown access key to not-auth without echoing the secret key', async () => {
    const r = await backend(r53.url, { zoneId: r53.zoneId, keyId: 'AKIDWRONG' }).apply(
      change([a('192.0.2.3')]),
      signal,
    )
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['not-auth', false])
    assert.ok(!r.error.message.includes('EXAMPLEKEY'))
  })

  it('maps an unknown hosted zone to zone-not-found', async () => {
    const r = await backend(r53.url, { zoneId: 'ZNOSUCHZONE' }).apply(
      change([a('192.0.2.3')]),
      signal,
    )
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'zone-not-found')
  })

  it('maps a refused ChangeBatch to invalid-record and changes nothing', async () => {
    const before = new Map(r53.sets)
    r53.failNext(awsErrorReply(400, 'InvalidChangeBatch', '[Invalid Resource Record]'))
    const r = await b.apply(change([a('192.0.2.77')]), signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['invalid-record', false])
    assert.deepEqual(r53.sets, before)
  })
})

it('maps a refused connection to a retryable unavailable', async () => {
  const url = `http://127.0.0.1:${await freePort()}`
  const r = await backend(url, { zoneId: 'Z1' }).apply(change([a('192.0.2.1')]), signal)
  assert.ok(!r.ok)
  assert.deepEqual([r.error.code, r.error.retryable], ['unavailable', true])
})

it('reads Route 53 owner names', () => {
  assert.equal(ownerName('\\052.Example.Test.'), '*.example.test')
})
