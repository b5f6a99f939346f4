import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { Result } from '../../core/result.ts'
import type { BackendError } from '../backend.ts'
import { RRType } from '../../dns/constants.ts'
import { recordSetsFromLines, zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import { ZoneIndex } from '../../authoritative/index/zone-index.ts'
import { BuiltinBackend } from './builtin-backend.ts'
import { backendFactory } from '../registry.ts'

const ZONE = `
dyn.example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 60
dyn.example.test. 300 IN NS ns1.example.test.
myhost.dyn.example.test. 60 IN A 203.0.113.10
`
const zone = 'dyn.example.test' as Fqdn
const signal = new AbortController().signal

describe('BuiltinBackend', () => {
  it('loads, applies and reads back through the shared index', async () => {
    const index = new ZoneIndex()
    const backend = new BuiltinBackend(index)
    assert.equal(backend.kind, 'builtin')
    assert.deepEqual(await backend.load(zoneFromLines(ZONE), signal), {
      ok: true,
      value: undefined,
    })
    const replace = recordSetsFromLines(`
      myhost.dyn.example.test. 60 IN A 198.51.100.1
      myhost.dyn.example.test. 60 IN AAAA 2001:db8::1
    `)
    assert.ok((await backend.apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    // Applying the same change again is a no-op (idempotent).
    assert.ok((await backend.apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    assert.equal(index.lookup('myhost.dyn.example.test', RRType.AAAA).kind, 'answer')
    const read = await backend.read(zone, signal)
    assert.ok(read.ok)
    const summary = read.value.map((s) => `${s.name} ${s.type} ${s.values.join(',')}`).sort()
    assert.deepEqual(summary, [
      'dyn.example.test NS ns1.example.test',
      'myhost.dyn.example.test A 198.51.100.1',
      'myhost.dyn.example.test AAAA 2001:db8::1',
    ])
    await backend.close()
  })

  it('the registry builds builtin backends over the index it is given, and only those', async () => {
    const index = new ZoneIndex()
    const factory = backendFactory('builtin', index)
    assert.ok(factory !== undefined)
    const backend = factory.create({ name: zone, ttl: 300 }, null, { logger: console })
    assert.ok((await backend.load(zoneFromLines(ZONE), signal)).ok)
    assert.equal(index.lookup('myhost.dyn.example.test', RRType.A).kind, 'answer')
    assert.equal(backendFactory('rfc2136', index)?.kind, 'rfc2136')
    assert.equal(backendFactory('nonesuch', index), undefined)
  })

  const failures: [
    string,
    (b: BuiltinBackend) => Promise<Result<unknown, BackendError>>,
    BackendError['code'],
  ][] = [
    [
      'apply to a zone never loaded',
      (b) => b.apply({ zone, serial: 1, replace: [], remove: [] }, signal),
      'zone-not-found',
    ],
    ['read of a zone never loaded', (b) => b.read(zone, signal), 'zone-not-found'],
    [
      'load with a bad value',
      (b) =>
        b.load(
          {
            ...zoneFromLines(ZONE),
            records: recordSetsFromLines('x.dyn.example.test. 60 IN A 300.1.1.1'),
          },
          signal,
        ),
      'invalid-record',
    ],
  ]
  for (const [what, call, code] of failures) {
    it(`maps ${what} to a non-retryable ${code}`, async () => {
      const got = await call(new BuiltinBackend(new ZoneIndex()))
      assert.ok(!got.ok)
      assert.deepEqual([got.error.code, got.error.retryable], [code, false])
    })
  }
})
