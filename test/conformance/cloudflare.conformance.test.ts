/** The cloudflare backend through the conformance suite; oracle: the stand-in's stored records. */
import { CloudflareApi, CLOUDFLARE_TYPES } from '../../src/backends/cloudflare/cloudflare-api.ts'
import { PerRecordBackend } from '../../src/backends/shared/per-record-backend.ts'
import type { Fqdn } from '../../src/core/names.ts'
import type { RecordSet, RecordType } from '../../src/core/records.ts'
import { Secret } from '../../src/core/auth/secret.ts'
import { startCloudflareStandin } from '../helpers/standins/cloudflare.ts'
import { runBackendConformance } from './backend-suite.ts'

runBackendConformance('cloudflare', async () => {
  const zone = 'conformance.example.test' as Fqdn
  const standin = await startCloudflareStandin(zone, 'cf-token')
  const api = new CloudflareApi({
    apiUrl: standin.url,
    token: new Secret('cf-token'),
    zone,
    zoneId: null,
    proxied: false,
    fetch,
  })
  return {
    backend: new PerRecordBackend('cloudflare', CLOUDFLARE_TYPES, zone, api),
    zone,
    readBack: () => {
      const sets = new Map<
        string,
        { name: Fqdn; type: RecordType; ttl: number; values: string[] }
      >()
      for (const r of standin.records.values()) {
        const key = `${r.name} ${r.type}`
        // MX and SRV show their priority in a field of its own; the rest is `content`.
        const value =
          r.priority !== undefined && (r.type === 'MX' || r.type === 'SRV')
            ? `${String(r.priority)} ${r.content}`
            : r.content
        const set = sets.get(key)
        if (set === undefined) {
          sets.set(key, {
            name: r.name as Fqdn,
            type: r.type as RecordType,
            ttl: r.ttl,
            values: [value],
          })
        } else set.values.push(value)
      }
      return Promise.resolve<RecordSet[]>([...sets.values()])
    },
    teardown: () => standin.close(),
  }
})
