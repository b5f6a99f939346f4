import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigTree } from './schema.ts'
import { DEFAULT_ALIASES } from '../dialects/dyndns2/aliases.ts'
import { DEFAULT_ENDPOINTS } from '../dialects/registry.ts'
import { dialectSettings } from './dialect-settings.ts'

const now = (): Date => new Date(0)

describe('dialect settings from the config', () => {
  it('defaults: three DynDNS2 endpoints, sftdyn on /, DuckDNS in the first zone', () => {
    const config = parseConfigTree({ zones: [{ name: 'b.example' }, { name: 'a.example' }] })
    assert.ok(config.ok)
    const s = dialectSettings(config.value, now)
    assert.deepEqual(s.endpoints, DEFAULT_ENDPOINTS)
    assert.equal(s.sftdynPrefix, '/')
    assert.equal(s.duckdnsZone, 'b.example')
  })

  it('configured endpoints keep default names for absent fields; [] disables', () => {
    const config = parseConfigTree({
      endpoints: [{ path: '/ddns', hostname: ['host'], offline: [] }],
      dialects: { sftdyn: { prefix: '/s' }, duckdns: { zone: 'A.Example' } },
    })
    assert.ok(config.ok, JSON.stringify(config))
    const s = dialectSettings(config.value, now)
    assert.deepEqual(s.endpoints, [
      { path: '/ddns', aliases: { ...DEFAULT_ALIASES, hostname: ['host'], offline: [] } },
    ])
    assert.equal(s.sftdynPrefix, '/s')
    assert.equal(s.duckdnsZone, 'a.example')
  })

  it('refuses paths with pattern characters and empty names, naming the key', () => {
    const bad = parseConfigTree({ endpoints: [{ path: '/x/:y', hostname: [''] }] })
    assert.ok(!bad.ok)
    assert.deepEqual(bad.error.map((i) => i.path.join('.')).sort(), [
      'endpoints.0.hostname.0',
      'endpoints.0.path',
    ])
  })
})
