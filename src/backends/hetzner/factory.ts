/** Registry entry of the `hetzner` backend: `[zones.hetzner]` settings. */
import { table, text } from '../../config/fields.ts'
import { defineBackend } from '../define.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { baseUrl, requiredSecret } from '../shared/settings.ts'
import { HetznerApi, HETZNER_TYPES } from './hetzner-api.ts'

/** The `[zones.hetzner]` table. */
export const hetznerSettings = table({
  api_url: baseUrl('https://dns.hetzner.com/api/v1'),
  api_token: requiredSecret('a Hetzner DNS API token'),
  zone_id: text('a zone id').default(''),
})

// Hetzner's default zone TTL, for records listed without their own.
const HETZNER_DEFAULT_TTL = 86400

/** The `hetzner` backend factory. */
export const hetznerFactory = defineBackend({
  kind: 'hetzner',
  settings: hetznerSettings,
  types: HETZNER_TYPES,
  create: (zone, s) =>
    new PerRecordBackend(
      'hetzner',
      HETZNER_TYPES,
      zone.name,
      new HetznerApi({
        apiUrl: s.api_url,
        token: s.api_token,
        zone: zone.name,
        zoneId: s.zone_id === '' ? null : s.zone_id,
        defaultTtl: HETZNER_DEFAULT_TTL,
        fetch,
      }),
    ),
})
