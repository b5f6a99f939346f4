/** The powerdns backend through the conformance suite against a real pdns_server; oracle: dig. */
import { PdnsApi } from '../../src/backends/powerdns/powerdns-api.ts'
import { PowerDnsBackend } from '../../src/backends/powerdns/powerdns-backend.ts'
import type { Fqdn } from '../../src/core/names.ts'
import { Secret } from '../../src/core/auth/secret.ts'
import { startPdns } from '../helpers/pdns.ts'
import { runBackendConformance } from './backend-suite.ts'
import { digRecordSets } from './dig-oracle.ts'

runBackendConformance('powerdns', async () => {
  const pdns = await startPdns()
  const api = new PdnsApi({
    apiUrl: pdns.apiUrl,
    apiKey: new Secret(pdns.apiKey),
    serverId: 'localhost',
    fetch,
  })
  return {
    // create_zone: the zone does not exist until load() creates it.
    backend: new PowerDnsBackend(api, true),
    zone: 'conformance.example.test' as Fqdn,
    readBack: (keys) => digRecordSets('127.0.0.1', pdns.dnsPort, keys),
    teardown: () => pdns.stop(),
  }
})
