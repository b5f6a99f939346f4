/** Registry entry of the `powerdns` backend: `[zones.powerdns]` settings. */
import { boolean, table, text } from '../../config/fields.ts'
import { RECORD_TYPES } from '../../core/records.ts'
import { defineBackend } from '../define.ts'
import { baseUrl, requiredSecret } from '../shared/settings.ts'
import { PdnsApi } from './powerdns-api.ts'
import { PowerDnsBackend } from './powerdns-backend.ts'

/** The `[zones.powerdns]` table. */
export const powerdnsSettings = table({
  api_url: baseUrl('http://127.0.0.1:8081'),
  api_key: requiredSecret('the PowerDNS API key (api-key in pdns.conf)'),
  server_id: text('a server id').min(1).default('localhost'),
  create_zone: boolean().default(true),
})

/** The `powerdns` backend factory. */
export const powerdnsFactory = defineBackend({
  kind: 'powerdns',
  settings: powerdnsSettings,
  types: RECORD_TYPES,
  create: (_zone, s) =>
    new PowerDnsBackend(
      new PdnsApi({ apiUrl: s.api_url, apiKey: s.api_key, serverId: s.server_id, fetch }),
      s.create_zone,
    ),
})
