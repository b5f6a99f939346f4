/** The hetzner backend through the conformance suite; oracle: the stand-in's records. */
import { fromValue, HetznerApi, HETZNER_TYPES } from '../../src/backends/hetzner/hetzner-api.ts'
import { PerRecordBackend } from '../../src/backends/shared/per-record-backend.ts'
import { joinName, type Fqdn } from '../../src/core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../../src/core/records.ts'
import { Secret } from '../../src/core/auth/secret.ts'
import { startHetznerStandin } from '../helpers/standins/hetzner.ts'
import { runBackendConformance } from './backend-suite.ts'

runBackendConformance('hetzner', async () => {
  const zone = 'conformance.example.test' as Fqdn
  // Small pages so every listing crosses several.
  const standin = await startHetznerStandin(zone, 'hz-token', 10)
  const api = new HetznerApi({
    apiUrl: standin.url,
    token: new Secret('hz-token'),
    zone,
    zoneId: null,
    defaultTtl: 86400,
    fetch,
  })
  return {
    backend: new PerRecordBackend('hetzner', HETZNER_TYPES, zone, api),
    zone,
    readBack: () => {
      const sets = new Map<
        string,
        { name: Fqdn; type: RecordType; ttl: number; values: string[] }
      >()
      for (const r of standin.records.values()) {
        const type = RECORD_TYPES.find((t) => t === r.type)
        if (type === undefined) continue
        const name = joinName(r.name, zone)
        const value = fromValue(type, r.value, zone)
        const set = sets.get(`${name} ${type}`)
        if (set === undefined)
          sets.set(`${name} ${type}`, { name, type, ttl: r.ttl ?? 86400, values: [value] })
        else set.values.push(value)
      }
      return Promise.resolve<RecordSet[]>([...sets.values()])
    },
    teardown: () => standin.close(),
  }
})
