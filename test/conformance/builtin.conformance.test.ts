/** The built-in backend through the conformance suite; oracle: dig against a started server. */
import { BuiltinBackend } from '../../src/backends/builtin/builtin-backend.ts'
import { ZoneIndex } from '../../src/authoritative/index/zone-index.ts'
import { startDnsServer } from '../../src/authoritative/server.ts'
import type { Fqdn } from '../../src/core/names.ts'
import { runBackendConformance } from './backend-suite.ts'
import { digRecordSets } from './dig-oracle.ts'

runBackendConformance('builtin', async () => {
  const index = new ZoneIndex()
  const server = await startDnsServer({ host: '127.0.0.1', port: 0, index })
  if (!server.ok) throw new Error(`DNS server did not start: ${server.error.message}`)
  return {
    backend: new BuiltinBackend(index),
    zone: 'conformance.example.test' as Fqdn,
    readBack: (keys) => digRecordSets('127.0.0.1', server.value.port, keys),
    teardown: () => server.value.close(),
  }
})
