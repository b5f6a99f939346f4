/**
 * The rfc2136 and nsupdate backends through the conformance suite, against a real BIND and
 * (rfc2136) a real Knot; oracle: dig.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { NsupdateBackend } from '../../src/backends/nsupdate/nsupdate-backend.ts'
import { nsupdateSettings } from '../../src/backends/nsupdate/settings.ts'
import { Rfc2136Backend } from '../../src/backends/rfc2136/rfc2136-backend.ts'
import { rfc2136Settings } from '../../src/backends/rfc2136/settings.ts'
import type { Fqdn } from '../../src/core/names.ts'
import { startBind } from '../helpers/bind.ts'
import { startKnot } from '../helpers/knot.ts'
import { runBackendConformance } from './backend-suite.ts'
import { digRecordSets } from './dig-oracle.ts'

const zone = 'conformance.example.test' as Fqdn
const KEY = {
  name: 'conformance',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 2).toString('base64'),
}
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined }
const settings = (port: number) =>
  rfc2136Settings.parse({ server: '127.0.0.1', port, key_name: KEY.name, secret: KEY.secret })

runBackendConformance('rfc2136 (BIND)', async () => {
  const bind = await startBind([KEY], [{ name: zone, keys: [KEY.name] }])
  return {
    backend: new Rfc2136Backend({ name: zone, ttl: 60 }, settings(bind.port), { logger }),
    zone,
    readBack: (keys) => digRecordSets('127.0.0.1', bind.port, keys),
    teardown: () => bind.stop(),
  }
})

runBackendConformance('rfc2136 (Knot)', async () => {
  const knot = await startKnot([KEY], [{ name: zone, keys: [KEY.name] }])
  return {
    backend: new Rfc2136Backend({ name: zone, ttl: 60 }, settings(knot.port), { logger }),
    zone,
    readBack: (keys) => digRecordSets('127.0.0.1', knot.port, keys),
    teardown: () => knot.stop(),
  }
})

runBackendConformance('nsupdate (BIND)', async () => {
  const bind = await startBind([KEY], [{ name: zone, keys: [KEY.name] }])
  const keyFile = join(bind.dir, 'conformance.key')
  writeFileSync(
    keyFile,
    `key "${KEY.name}" { algorithm ${KEY.algorithm}; secret "${KEY.secret}"; };\n`,
  )
  const s = nsupdateSettings.parse({ server: '127.0.0.1', port: bind.port, key_file: keyFile })
  return {
    backend: new NsupdateBackend({ name: zone, ttl: 60 }, s),
    zone,
    readBack: (keys) => digRecordSets('127.0.0.1', bind.port, keys),
    teardown: () => bind.stop(),
  }
})
