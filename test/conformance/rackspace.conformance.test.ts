/** The rackspace backend through the conformance suite; oracle: the stand-in's records. */
import {
  fromRecord,
  RackspaceApi,
  RACKSPACE_TYPES,
} from '../../src/backends/rackspace/rackspace-api.ts'
import { RackspaceIdentity } from '../../src/backends/rackspace/rackspace-identity.ts'
import { PerRecordBackend } from '../../src/backends/shared/per-record-backend.ts'
import type { Fqdn } from '../../src/core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../../src/core/records.ts'
import { Secret } from '../../src/core/auth/secret.ts'
import { startRackspaceStandin } from '../helpers/standins/rackspace.ts'
import { runBackendConformance } from './backend-suite.ts'

runBackendConformance('rackspace', async () => {
  const zone = 'conformance.example.test' as Fqdn
  const user = { username: 'conformance', apiKey: 'rs-conformance-key' }
  // The suite's TTL (120 s) is below Rackspace's 300 s floor, which rackspace.test.ts
  // covers; here the floor is lowered so the shared cases run unchanged. Small pages so
  // every listing crosses several.
  const standin = await startRackspaceStandin(zone, user, { pageCap: 10, minTtl: 60 })
  const identity = new RackspaceIdentity({
    identityUrl: standin.url,
    username: user.username,
    apiKey: new Secret(user.apiKey),
    dnsUrl: '',
    fetch,
  })
  const api = new RackspaceApi({ identity, zone, fetch, pollMs: 2, jobTimeoutMs: 5000 })
  return {
    backend: new PerRecordBackend('rackspace', RACKSPACE_TYPES, zone, api),
    zone,
    readBack: () => {
      const sets = new Map<
        string,
        { name: Fqdn; type: RecordType; ttl: number; values: string[] }
      >()
      for (const r of standin.records.values()) {
        const type = RECORD_TYPES.find((t) => t === r.type)
        if (type === undefined) continue
        const name = r.name as Fqdn
        const value = fromRecord(type, r)
        const set = sets.get(`${name} ${type}`)
        if (set === undefined)
          sets.set(`${name} ${type}`, { name, type, ttl: r.ttl, values: [value] })
        else set.values.push(value)
      }
      return Promise.resolve<RecordSet[]>([...sets.values()])
    },
    teardown: () => standin.close(),
  }
})
