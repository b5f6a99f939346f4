/** The digitalocean backend through the conformance suite; oracle: the stand-in's records. */
import {
  DigitalOceanApi,
  DIGITALOCEAN_TYPES,
  fromFields,
} from '../../src/backends/digitalocean/digitalocean-api.ts'
import { PerRecordBackend } from '../../src/backends/shared/per-record-backend.ts'
import { joinName, type Fqdn } from '../../src/core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../../src/core/records.ts'
import { Secret } from '../../src/core/auth/secret.ts'
import { startDigitalOceanStandin } from '../helpers/standins/digitalocean.ts'
import { runBackendConformance } from './backend-suite.ts'

runBackendConformance('digitalocean', async () => {
  const zone = 'conformance.example.test' as Fqdn
  // Small pages so every listing crosses several.
  const standin = await startDigitalOceanStandin(zone, 'do-token', 10)
  const api = new DigitalOceanApi({
    apiUrl: standin.url,
    token: new Secret('do-token'),
    zone,
    fetch,
  })
  return {
    backend: new PerRecordBackend('digitalocean', DIGITALOCEAN_TYPES, zone, api),
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
        const value = fromFields(type, r, zone)
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
