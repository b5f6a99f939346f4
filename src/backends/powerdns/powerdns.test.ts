import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../config/load.ts'
import type { Fqdn } from '../../core/names.ts'
import { Secret } from '../../core/auth/secret.ts'
import { startPdns, type PdnsServer } from '../../../test/helpers/pdns.ts'
import { freePort } from '../../../test/helpers/free-port.ts'
import { PdnsApi } from './powerdns-api.ts'
import { PowerDnsBackend } from './powerdns-backend.ts'

const signal = new AbortController().signal
const zone = 'errors.example.test' as Fqdn
const change = {
  zone,
  serial: 2,
  replace: [
    { name: 'a.errors.example.test' as Fqdn, type: 'A' as const, ttl: 60, values: ['192.0.2.1'] },
  ],
  remove: [],
}

function backend(apiUrl: string, key: string, createZone = true): PowerDnsBackend {
  const api = new PdnsApi({ apiUrl, apiKey: new Secret(key), serverId: 'localhost', fetch })
  return new PowerDnsBackend(api, createZone)
}

describe('powerdns backend errors (real pdns_server)', () => {
  let pdns: PdnsServer
  before(async () => {
    pdns = await startPdns()
  })
  after(() => pdns.stop())

  it('maps a wrong API key to a non-retryable not-auth', async () => {
    const r = await backend(pdns.apiUrl, 'wrong-key').apply(change, signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['not-auth', false])
    assert.ok(!r.error.message.includes('wrong-key'))
  })

  it('maps a missing zone (create_zone off) to zone-not-found', async () => {
    const b = backend(pdns.apiUrl, pdns.apiKey, false)
    const r = await b.apply(change, signal)
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'zone-not-found')
    const read = await b.read(zone, signal)
    assert.ok(!read.ok)
    assert.equal(read.error.code, 'zone-not-found')
  })
})

describe('powerdns backend without a server', () => {
  it('maps a refused connection to a retryable unavailable', async () => {
    const r = await backend(`http://127.0.0.1:${await freePort()}`, 'k').apply(change, signal)
    assert.ok(!r.ok)
    assert.deepEqual([r.error.code, r.error.retryable], ['unavailable', true])
  })
})

describe('[zones.powerdns] settings', () => {
  const config = (toml: string, files: Record<string, string> = {}) =>
    loadConfig({
      flags: { config: '/etc/dynzone.toml' },
      env: {},
      cwd: '/',
      readFile: (path) => {
        const text = { '/etc/dynzone.toml': toml, ...files }[path]
        if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
        return text
      },
    })
  const zoneToml = '[[zones]]\nname = "d.example"\nbackend = "powerdns"\n'

  it('reads api_key_file inside [[zones]] and keeps the key a Secret', () => {
    const r = config(`${zoneToml}[zones.powerdns]\napi_key_file = "/run/key"\n`, {
      '/run/key': ' s3cret \n',
    })
    assert.ok(r.ok, JSON.stringify(r))
    const settings = r.value.config.zones[0]?.settings as { api_key: Secret; api_url: string }
    assert.equal(settings.api_key.reveal(), 's3cret')
    assert.equal(settings.api_url, 'http://127.0.0.1:8081')
    assert.ok(!JSON.stringify(r.value.config).includes('s3cret'))
  })

  it('reports a missing key and an unreadable key file with their paths', () => {
    const missing = config(zoneToml)
    assert.ok(!missing.ok)
    assert.match(JSON.stringify(missing.error), /zones\[0\]\.powerdns.*api_key/)
    const unreadable = config(`${zoneToml}[zones.powerdns]\napi_key_file = "/nope"\n`)
    assert.ok(!unreadable.ok)
    assert.match(JSON.stringify(unreadable.error), /zones\[0\]\.powerdns\.api_key_file.*\/nope/)
  })
})
