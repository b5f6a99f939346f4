/**
 * Static records through the REST API into each cloud provider's stand-in: a record of a type
 * the provider takes is published there before the API answers; one of a type it does not
 * take is refused at the door (`unsupported_type`, naming backend and type), nothing stored;
 * and a zone whose stored records hold such a type fails the start, naming it.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { openContext, startServer } from '../../src/app.ts'
import { parseConfigTree } from '../../src/config/schema.ts'
import type { Fqdn } from '../../src/core/names.ts'
import { createLogger } from '../../src/observability/logger.ts'
import { errorCode, startApiFixture } from '../fakes/api-server.ts'
import { startCloudflareStandin } from '../helpers/standins/cloudflare.ts'
import { startDigitalOceanStandin } from '../helpers/standins/digitalocean.ts'
import { startHetznerStandin } from '../helpers/standins/hetzner.ts'
import { startRackspaceStandin } from '../helpers/standins/rackspace.ts'
import type { Standin } from '../helpers/standins/http-standin.ts'

const ZONE = 'cloud.example.test'

interface Provider {
  readonly backend: string
  start(): Promise<{ standin: Standin; records: () => unknown[]; settings: object }>
  /** A type the provider does not take, with a value; none when it takes every type. */
  readonly refused?: readonly [string, string]
}

const PROVIDERS: readonly Provider[] = [
  {
    backend: 'cloudflare',
    start: async () => {
      const s = await startCloudflareStandin(ZONE, 'cf-token')
      const settings = { api_url: s.url, api_token: 'cf-token' }
      return { standin: s, records: () => [...s.records.values()], settings }
    },
  },
  {
    backend: 'digitalocean',
    refused: ['SSHFP', `4 2 ${'cd'.repeat(32)}`],
    start: async () => {
      const s = await startDigitalOceanStandin(ZONE, 'do-token')
      const settings = { api_url: s.url, token: 'do-token' }
      return { standin: s, records: () => [...s.records.values()], settings }
    },
  },
  {
    backend: 'hetzner',
    refused: ['SSHFP', `4 2 ${'cd'.repeat(32)}`],
    start: async () => {
      const s = await startHetznerStandin(ZONE, 'hz-token')
      const settings = { api_url: s.url, api_token: 'hz-token' }
      return { standin: s, records: () => [...s.records.values()], settings }
    },
  },
  {
    backend: 'rackspace',
    refused: ['CAA', '0 issue "ca.example.net"'],
    start: async () => {
      const user = { username: 'ddns', apiKey: 'rs-key' }
      const s = await startRackspaceStandin(ZONE, user)
      const settings = { username: 'ddns', api_key: 'rs-key', identity_url: s.url }
      return { standin: s, records: () => [...s.records.values()], settings }
    },
  },
]

describe('static records through the API into cloud providers', () => {
  for (const p of PROVIDERS) {
    it(`${p.backend}: publishes an MX, refuses a type it does not take`, async () => {
      const { standin, records, settings } = await p.start()
      const f = await startApiFixture({
        zones: [{ name: ZONE, ttl: 300, backend: p.backend, [p.backend]: settings }],
      })
      try {
        await f.user('root', { admin: true })
        const token = await f.token('root')
        const base = `/zones/${ZONE}/records`
        const mx = await f.call('POST', base, {
          token,
          body: { name: ZONE, type: 'MX', ttl: 300, value: '10 mx.example.net' },
        })
        assert.equal(mx.status, 201, JSON.stringify(mx.body))
        assert.match(JSON.stringify(records()), /mx\.example\.net/)
        if (p.refused === undefined) return
        const [type, value] = p.refused
        const before = JSON.stringify(records())
        const r = await f.call('POST', base, {
          token,
          body: { name: `x.${ZONE}`, type, ttl: 300, value },
        })
        assert.equal(errorCode(r), 'unsupported_type', JSON.stringify(r.body))
        const message = (r.body as { error: { message: string } }).error.message
        assert.match(
          message,
          new RegExp(`the ${p.backend} backend of ${ZONE} does not publish ${type}`),
        )
        assert.equal(JSON.stringify(records()), before)
        const listed = await f.call('GET', `${base}?type=${type}`, { token })
        assert.deepEqual((listed.body as { items: unknown[] }).items, [])
      } finally {
        await f.close()
        await standin.close()
      }
    })
  }
})

describe('a stored record the backend cannot take', () => {
  it('fails the start, naming the zone, backend, type and record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynzone-types-'))
    const user = { username: 'ddns', apiKey: 'rs-key' }
    const standin = await startRackspaceStandin(ZONE, user)
    const open = async (zone: object) => {
      const config = parseConfigTree({
        data_dir: dir,
        http: { port: 0 },
        dns: { enabled: false },
        metrics: { enabled: false },
        zones: [{ name: ZONE, ttl: 300, ...zone }],
      })
      assert.ok(config.ok, JSON.stringify(config.ok ? '' : config.error))
      const context = await openContext(config.value, createLogger('silent'))
      assert.ok(context.ok, context.ok ? '' : context.error)
      return context.value
    }
    try {
      // Written while the zone was served by the built-in server, which takes every type.
      const builtin = await open({})
      const added = await builtin.zoneRecords.apply(
        { kind: 'admin', label: 'root' },
        ZONE as Fqdn,
        [{ op: 'add', name: ZONE as Fqdn, type: 'CAA', value: '0 issue "ca.example.net"' }],
        { context: { door: 'cli', clientIp: null } },
      )
      assert.ok(added.ok, added.ok ? '' : added.error.message)
      await builtin.close()
      // Moved to Rackspace, which has no CAA: the start refuses, before any write.
      const settings = { username: 'ddns', api_key: 'rs-key', identity_url: standin.url }
      const moved = await open({ backend: 'rackspace', rackspace: settings })
      const server = await startServer(moved)
      if (server.ok) await server.value.close()
      await moved.close()
      assert.ok(!server.ok, 'the server started')
      assert.match(server.error, new RegExp(`zone ${ZONE}`))
      assert.match(server.error, /rackspace backend cannot publish CAA records/)
      assert.match(server.error, new RegExp(`\\(${ZONE}\\. CAA\\)`))
      assert.ok(![...standin.records.values()].some((r) => r.type === 'CAA'), 'CAA was sent')
    } finally {
      await standin.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
