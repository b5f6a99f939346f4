import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet } from '../../core/records.ts'
import { startBind, type BindServer } from '../../../test/helpers/bind.ts'
import { startKnot, type KnotServer } from '../../../test/helpers/knot.ts'
import { digShort, run } from '../../../test/helpers/tools.ts'
import { chunkUpdate, Rfc2136Backend } from './rfc2136-backend.ts'
import { rfc2136Settings } from './settings.ts'

const zone = 'dyn.example.test' as Fqdn
const KEY = {
  name: 'dynzone-key',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 7).toString('base64'),
}
const KNOT_SECRET = Buffer.alloc(64, 8).toString('base64')
const signal = new AbortController().signal
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined }
const set = (name: string, type: RecordSet['type'], ...values: string[]): RecordSet => ({
  name: `${name}.${zone}` as Fqdn,
  type,
  ttl: 60,
  values,
})

describe('Rfc2136Backend against a real BIND', () => {
  let bind: BindServer
  const backend = (
    overrides: Record<string, unknown> = {},
    forZone: Fqdn = zone,
  ): Rfc2136Backend => {
    const s = rfc2136Settings.parse({
      server: '127.0.0.1',
      port: bind.port,
      key_name: KEY.name,
      secret: KEY.secret,
      timeout_ms: 1500,
      ...overrides,
    })
    return new Rfc2136Backend({ name: forZone, ttl: 60 }, s, { logger })
  }
  const dig = (name: string, type = 'A'): Promise<string[]> =>
    digShort('127.0.0.1', bind.port, `${name}.${zone}`, type)

  before(async () => {
    bind = await startBind(
      [
        KEY,
        {
          name: 'other-key',
          algorithm: 'hmac-sha256',
          secret: Buffer.alloc(32, 9).toString('base64'),
        },
      ],
      [
        { name: zone, keys: [KEY.name] },
        { name: 'locked.test', keys: ['other-key'] },
      ],
    )
  })
  after(async () => {
    await bind.stop()
  })

  it('checks the server at load and publishes the snapshot', async () => {
    const b = backend()
    const r = await b.load(
      {
        name: zone,
        ttl: 60,
        soa: { mname: zone, rname: zone, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
        ns: [],
        records: [set('loaded', 'A', '198.51.100.7')],
      },
      signal,
    )
    assert.deepEqual(r, { ok: true, value: undefined })
    assert.deepEqual(await dig('loaded'), ['198.51.100.7'])
  })

  it('replaces A, AAAA and TXT in one UPDATE, idempotently, and removes them', async () => {
    const b = backend()
    const replace = [
      set('home', 'A', '203.0.113.10', '203.0.113.11'),
      set('home', 'AAAA', '2001:db8::10'),
      set('_acme-challenge.home', 'TXT', 'token-1'),
    ]
    assert.ok((await b.apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    assert.deepEqual((await dig('home')).sort(), ['203.0.113.10', '203.0.113.11'])
    assert.deepEqual(await dig('home', 'AAAA'), ['2001:db8::10'])
    assert.deepEqual(await dig('_acme-challenge.home', 'TXT'), ['"token-1"'])
    // A fresh backend knows nothing: it sends again, and the zone is the same.
    assert.ok((await backend().apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    assert.deepEqual((await dig('home')).sort(), ['203.0.113.10', '203.0.113.11'])
    const replaced = [set('home', 'A', '203.0.113.99')]
    assert.ok((await b.apply({ zone, serial: 3, replace: replaced, remove: [] }, signal)).ok)
    assert.deepEqual(await dig('home'), ['203.0.113.99'])
    const remove = [
      { name: `home.${zone}` as Fqdn, type: 'AAAA' as const },
      { name: `_acme-challenge.home.${zone}` as Fqdn, type: 'TXT' as const },
    ]
    assert.ok((await b.apply({ zone, serial: 4, replace: [], remove }, signal)).ok)
    assert.deepEqual(await dig('home', 'AAAA'), [])
    assert.deepEqual(await dig('_acme-challenge.home', 'TXT'), [])
  })

  it('publishes a backlog larger than one DNS message as several UPDATEs', async () => {
    // 3,000 RRsets with prerequisites: about 250 KB, four times what one message carries.
    const replace = Array.from({ length: 3000 }, (_, i) =>
      set(`backlog${String(i)}`, 'A', `198.18.${String(i >> 8)}.${String(i & 255)}`),
    )
    const chunks = chunkUpdate(
      zone,
      replace.map((s) => ({ name: s.name, type: s.type, expect: undefined, next: null })),
    )
    assert.ok(chunks.ok && chunks.value.length > 1)
    const b = backend()
    assert.deepEqual(await b.apply({ zone, serial: 5, replace, remove: [] }, signal), {
      ok: true,
      value: undefined,
    })
    assert.deepEqual(await dig('backlog0'), ['198.18.0.0'])
    assert.deepEqual(await dig('backlog2999'), ['198.18.11.183'])
    const r = await b.read(zone, signal)
    assert.ok(r.ok)
    assert.equal(r.value.filter((s) => s.name.startsWith('backlog')).length, 3000)
    const remove = replace.map((s) => ({ name: s.name, type: s.type }))
    assert.ok((await b.apply({ zone, serial: 6, replace: [], remove }, signal)).ok)
    assert.deepEqual(await dig('backlog2999'), [])
  })

  it('reads the zone back by a signed AXFR', async () => {
    const b = backend()
    assert.ok(
      (
        await b.apply(
          { zone, serial: 5, replace: [set('read', 'A', '192.0.2.5')], remove: [] },
          signal,
        )
      ).ok,
    )
    const r = await b.read(zone, signal)
    assert.ok(r.ok)
    const found = r.value.find((s) => s.name === `read.${zone}` && s.type === 'A')
    assert.deepEqual(found?.values, ['192.0.2.5'])
  })

  it('does not clobber a change another writer made, and converges on retry', async () => {
    const b = backend()
    assert.ok(
      (
        await b.apply(
          { zone, serial: 6, replace: [set('race', 'A', '192.0.2.1')], remove: [] },
          signal,
        )
      ).ok,
    )
    const script = `server 127.0.0.1 ${bind.port}\nzone ${zone}\nupdate delete race.${zone} A\nupdate add race.${zone} 60 A 192.0.2.2\nsend\n`
    const keyArg = `hmac-sha256:${KEY.name}:${KEY.secret}`
    const ns = await runWithInput(bind.dir, ['-y', keyArg], script)
    assert.equal(ns.code, 0, ns.stderr)
    const change = { zone, serial: 7, replace: [set('race', 'A', '192.0.2.3')], remove: [] }
    const first = await b.apply(change, signal)
    assert.ok(!first.ok)
    assert.deepEqual([first.error.code, first.error.retryable], ['refused', true])
    assert.deepEqual(await dig('race'), ['192.0.2.2'])
    assert.ok((await b.apply(change, signal)).ok)
    assert.deepEqual(await dig('race'), ['192.0.2.3'])
  })

  it('reads the key from a tsig-keygen key file', async () => {
    const file = join(bind.dir, 'dynzone.key')
    writeFileSync(
      file,
      `key "${KEY.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${KEY.secret}";\n};\n`,
    )
    const b = backend({ key_file: file, key_name: undefined, secret: undefined })
    assert.ok(
      (
        await b.apply(
          { zone, serial: 8, replace: [set('keyfile', 'A', '192.0.2.8')], remove: [] },
          signal,
        )
      ).ok,
    )
    assert.deepEqual(await dig('keyfile'), ['192.0.2.8'])
  })

  const failures: [string, () => Rfc2136Backend, string, boolean][] = [
    [
      'a wrong secret',
      () => backend({ secret: Buffer.alloc(32, 1).toString('base64') }),
      'bad-tsig',
      false,
    ],
    ['an unknown key name', () => backend({ key_name: 'nobody' }), 'bad-tsig', false],
    [
      'a zone the server does not serve',
      () => backend({}, 'nowhere.test' as Fqdn),
      'not-auth',
      false,
    ],
    ['a zone the key may not update', () => backend({}, 'locked.test' as Fqdn), 'refused', false],
    ['a server that is down', () => backend({ port: 9 }), 'unavailable', true],
  ]
  for (const [what, make, code, retryable] of failures) {
    it(`answers ${what} with ${code} and changes nothing`, async () => {
      const b = make()
      const name = `fail.${zone}` as Fqdn
      const target = (b as unknown as { zone: { name: Fqdn } }).zone.name
      const r = await b.apply(
        {
          zone: target,
          serial: 9,
          replace: [
            {
              name: target === zone ? name : (`fail.${target}` as Fqdn),
              type: 'A',
              ttl: 60,
              values: ['192.0.2.9'],
            },
          ],
          remove: [],
        },
        signal,
      )
      assert.ok(!r.ok)
      assert.deepEqual([r.error.code, r.error.retryable], [code, retryable], r.error.message)
      assert.deepEqual(await dig('fail'), [])
    })
  }

  it('fails the start-up check with the reason', async () => {
    const r = await backend({ key_name: 'nobody' }).load(
      {
        name: zone,
        ttl: 60,
        soa: { mname: zone, rname: zone, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
        ns: [],
        records: [],
      },
      signal,
    )
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'bad-tsig')
    assert.match(r.error.message, /BADKEY/)
  })

  it('reports a silent server as a retryable timeout', async () => {
    await bind.kill()
    const r = await backend().apply(
      { zone, serial: 10, replace: [set('x', 'A', '192.0.2.1')], remove: [] },
      signal,
    )
    assert.ok(!r.ok)
    assert.ok(['timeout', 'unavailable'].includes(r.error.code))
    assert.equal(r.error.retryable, true)
  })
})

async function runWithInput(dir: string, args: string[], input: string) {
  const path = join(dir, 'nsupdate-script.txt')
  writeFileSync(path, input)
  return run('nsupdate', [...args, path])
}

describe('Rfc2136Backend against a real Knot', () => {
  let knot: KnotServer
  const backend = (overrides: Record<string, unknown> = {}, forZone: Fqdn = zone): Rfc2136Backend =>
    new Rfc2136Backend(
      { name: forZone, ttl: 60 },
      rfc2136Settings.parse({
        server: '127.0.0.1',
        port: knot.port,
        key_name: 'knot-key',
        algorithm: 'hmac-sha512',
        secret: KNOT_SECRET,
        timeout_ms: 1500,
        ...overrides,
      }),
      { logger },
    )
  const dig = (name: string, type = 'A'): Promise<string[]> =>
    digShort('127.0.0.1', knot.port, `${name}.${zone}`, type)

  before(async () => {
    knot = await startKnot(
      [{ name: 'knot-key', algorithm: 'hmac-sha512', secret: KNOT_SECRET }],
      [
        { name: zone, keys: ['knot-key'] },
        { name: 'locked.test', keys: [] },
      ],
    )
  })
  after(async () => {
    await knot.stop()
  })

  it('replaces and removes A, AAAA and TXT, and reads them back by AXFR', async () => {
    const b = backend()
    const replace = [
      set('home', 'A', '203.0.113.10'),
      set('home', 'AAAA', '2001:db8::10'),
      set('home', 'TXT', 'knot works'),
    ]
    assert.ok((await b.apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    assert.ok((await backend().apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    assert.deepEqual(await dig('home'), ['203.0.113.10'])
    assert.deepEqual(await dig('home', 'AAAA'), ['2001:db8::10'])
    assert.deepEqual(await dig('home', 'TXT'), ['"knot works"'])
    const read = await b.read(zone, signal)
    assert.ok(read.ok)
    assert.deepEqual(
      read.value.find((s) => s.name === `home.${zone}` && s.type === 'TXT')?.values,
      ['"knot works"'],
    )
    const remove = [{ name: `home.${zone}` as Fqdn, type: 'TXT' as const }]
    assert.ok((await b.apply({ zone, serial: 3, replace: [], remove }, signal)).ok)
    assert.deepEqual(await dig('home', 'TXT'), [])
  })

  const failures: [string, () => Rfc2136Backend, string][] = [
    [
      'a wrong secret',
      () => backend({ secret: Buffer.alloc(64, 1).toString('base64') }),
      'bad-tsig',
    ],
    ['a zone the server does not serve', () => backend({}, 'nowhere.test' as Fqdn), 'not-auth'],
    // Knot answers BADKEY when the key is not in the zone's ACL.
    ['a zone the key may not update', () => backend({}, 'locked.test' as Fqdn), 'bad-tsig'],
  ]
  for (const [what, make, code] of failures) {
    it(`answers ${what} with ${code} and changes nothing`, async () => {
      const b = make()
      const target = (b as unknown as { zone: { name: Fqdn } }).zone.name
      const r = await b.apply(
        {
          zone: target,
          serial: 9,
          replace: [{ name: `fail.${target}` as Fqdn, type: 'A', ttl: 60, values: ['192.0.2.9'] }],
          remove: [],
        },
        signal,
      )
      assert.ok(!r.ok)
      assert.deepEqual([r.error.code, r.error.retryable], [code, false], r.error.message)
      assert.deepEqual(await digShort('127.0.0.1', knot.port, `fail.${target}`, 'A'), [])
    })
  }
})
