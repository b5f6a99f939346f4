/** The route53 backend (real AWS SDK v3) through the conformance suite; oracle: the stand-in's sets. */
import { sdkRoute53 } from '../../src/backends/route53/route53-api.ts'
import { Route53Backend } from '../../src/backends/route53/route53-backend.ts'
import type { Fqdn } from '../../src/core/names.ts'
import type { RecordSet, RecordType } from '../../src/core/records.ts'
import { Secret } from '../../src/core/auth/secret.ts'
import { startRoute53Standin } from '../helpers/standins/route53.ts'
import { runBackendConformance } from './backend-suite.ts'

runBackendConformance('route53', async () => {
  const zone = 'conformance.example.test' as Fqdn
  // A small page size so reads and many-removal lookups cross pages.
  const standin = await startRoute53Standin(zone, 'AKIDCONFORMANCE', 7)
  const port = sdkRoute53({
    hostedZoneId: `/hostedzone/${standin.zoneId}`,
    region: 'us-east-1',
    endpoint: standin.url,
    accessKeyId: new Secret('AKIDCONFORMANCE'),
    secretAccessKey: new Secret('conformance-secret'),
  })
  return {
    backend: new Route53Backend(zone, port, { waitForSync: true, pollMs: 5 }),
    zone,
    readBack: () =>
      Promise.resolve<RecordSet[]>(
        [...standin.sets.values()].map((s) => ({
          name: s.name.replace(/\.$/, '') as Fqdn,
          type: s.type as RecordType,
          ttl: s.ttl,
          values: s.values,
        })),
      ),
    teardown: () => standin.close(),
  }
})
