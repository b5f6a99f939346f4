import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet } from '../../core/records.ts'
import { startBind, type BindServer } from '../../../test/helpers/bind.ts'
import { digShort } from '../../../test/helpers/tools.ts'
import { NsupdateBackend } from './nsupdate-backend.ts'
import { nsupdateSettings } from './settings.ts'

const zone = 'dyn.example.test' as Fqdn
const KEY = {
  name: 'ns-key',
  algorithm: 'hmac-sha512',
  secret: Buffer.alloc(64, 3).toString('base64'),
}
const signal = new AbortController().signal
const set = (name: string, type: RecordSet['type'], ...values: string[]): RecordSet => ({
  name: `${name}.${zone}` as Fqdn,
  type,
  ttl: 60,
  values,
})
const keyText = (secret: string): string =>
  `key "${KEY.name}" {\n\talgorithm ${KEY.algorithm};\n\tsecret "${secret}";\n};\n`

describe('NsupdateBackend against a real BIND and nsupdate', () => {
  let bind: BindServer
  let keyFile: string
  const backend = (
    overrides: Record<string, unknown> = {},
    forZone: Fqdn = zone,
  ): NsupdateBackend =>
    new NsupdateBackend(
      { name: forZone, ttl: 60 },
      nsupdateSettings.parse({
        server: '127.0.0.1',
        port: bind.port,
        key_file: keyFile,
        timeout_ms: 2000,
        ...overrides,
      }),
    )
  const dig = (name: string, type = 'A'): Promise<string[]> =>
    digShort('127.0.0.1', bind.port, `${name}.${zone}`, type)

  before(async () => {
    bind = await startBind(
      [KEY],
      [
        { name: zone, keys: [KEY.name], local: true },
        { name: 'locked.test', keys: [] },
      ],
    )
    keyFile = join(bind.dir, 'ns.key')
    writeFileSync(keyFile, keyText(KEY.secret))
  })
  after(async () => {
    await bind.stop()
  })

  it('passes the start-up check and replaces A, AAAA and TXT in one run', async () => {
    const b = backend()
    const snapshot = {
      name: zone,
      ttl: 60,
      soa: { mname: zone, rname: zone, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
      ns: [],
      records: [set('loaded', 'A', '198.51.100.7')],
    }
    assert.deepEqual(await b.load(snapshot, signal), { ok: true, value: undefined })
    assert.deepEqual(await dig('loaded'), ['198.51.100.7'])
    const replace = [
      set('home', 'A', '203.0.113.10'),
      set('home', 'AAAA', '2001:db8::10'),
      set('home', 'TXT', 'two words "quoted"'),
    ]
    assert.ok((await b.apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    assert.ok((await b.apply({ zone, serial: 2, replace, remove: [] }, signal)).ok)
    assert.deepEqual(await dig('home'), ['203.0.113.10'])
    assert.deepEqual(await dig('home', 'AAAA'), ['2001:db8::10'])
    assert.deepEqual(await dig('home', 'TXT'), ['"two words \\"quoted\\""'])
    const remove = [{ name: `home.${zone}` as Fqdn, type: 'AAAA' as const }]
    assert.ok(
      (
        await b.apply(
          { zone, serial: 3, replace: [set('home', 'A', '203.0.113.11')], remove },
          signal,
        )
      ).ok,
    )
    assert.deepEqual(await dig('home'), ['203.0.113.11'])
    assert.deepEqual(await dig('home', 'AAAA'), [])
  })

  it("works with BIND's session.key (what nsupdate -l uses)", async () => {
    const b = backend({ key_file: bind.sessionKeyFile })
    assert.ok(
      (
        await b.apply(
          { zone, serial: 4, replace: [set('session', 'A', '192.0.2.4')], remove: [] },
          signal,
        )
      ).ok,
    )
    assert.deepEqual(await dig('session'), ['192.0.2.4'])
  })

  it('refuses a value that would inject a command', async () => {
    const r = await backend().apply(
      {
        zone,
        serial: 5,
        replace: [set('evil', 'TXT', 'x\nupdate delete dyn.example.test. NS')],
        remove: [],
      },
      signal,
    )
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'invalid-record')
  })

  const failures: [string, () => NsupdateBackend, string, boolean, RegExp][] = [
    [
      'a wrong secret',
      () => backend({ key_file: wrongKeyFile() }),
      'bad-tsig',
      false,
      /tsig|BADSIG/i,
    ],
    [
      'a zone the server does not serve',
      () => backend({}, 'nowhere.test' as Fqdn),
      'not-auth',
      false,
      /NOTAUTH/,
    ],
    [
      'a zone the key may not update',
      () => backend({}, 'locked.test' as Fqdn),
      'refused',
      false,
      /REFUSED/,
    ],
    ['a server that is down', () => backend({ port: 9 }), 'unavailable', true, /refused|unreach/i],
    [
      'a missing program',
      () => backend({ nsupdate: '/nonexistent/nsupdate' }),
      'unavailable',
      false,
      /cannot run/,
    ],
  ]
  for (const [what, make, code, retryable, message] of failures) {
    it(`turns ${what} into ${code} with nsupdate's reason, changing nothing`, async () => {
      const b = make()
      const target = (b as unknown as { zone: { name: Fqdn } }).zone.name
      const r = await b.apply(
        {
          zone: target,
          serial: 6,
          replace: [{ name: `fail.${target}` as Fqdn, type: 'A', ttl: 60, values: ['192.0.2.9'] }],
          remove: [],
        },
        signal,
      )
      assert.ok(!r.ok)
      assert.deepEqual([r.error.code, r.error.retryable], [code, retryable], r.error.message)
      assert.match(r.error.message, message)
      assert.deepEqual(await dig('fail'), [])
    })
  }

  function wrongKeyFile(): string {
    const file = join(bind.dir, 'wrong.key')
    writeFileSync(file, keyText(Buffer.alloc(64, 4).toString('base64')))
    return file
  }
})

describe('NsupdateBackend arguments', () => {
  it('uses -l in local mode and -k with a key file, as sftdyn does', () => {
    const local = new NsupdateBackend(
      { name: zone, ttl: 60 },
      nsupdateSettings.parse({ local: true }),
    )
    assert.deepEqual(local.args(), ['-l', '-t', '10', '-u', '10'])
    const keyed = new NsupdateBackend(
      { name: zone, ttl: 60 },
      nsupdateSettings.parse({ key_file: '/etc/bind/k.key', tcp: true, timeout_ms: 3000 }),
    )
    assert.deepEqual(keyed.args(), ['-k', '/etc/bind/k.key', '-t', '3', '-u', '3', '-v'])
  })

  it('refuses settings with both or neither of key_file and local', () => {
    assert.equal(nsupdateSettings.safeParse({}).success, false)
    assert.equal(nsupdateSettings.safeParse({ local: true, key_file: '/k' }).success, false)
  })
})
