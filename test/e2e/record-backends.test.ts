/**
 * Static records through the REST API into each cloud provider's stand-in: a record of a type
 * the provider takes is published there before the API answers; one of a type it does not
 * take is refused at the door (`unsupported_type`, naming backend and type), nothing stored.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
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
