/** Registry entry of the `cloudflare` backend: `[zones.cloudflare]` settings. */
import { boolean, table, text } from '../../config/fields.ts'
import { defineBackend } from '../define.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { baseUrl, requiredSecret } from '../shared/settings.ts'
import { CloudflareApi, CLOUDFLARE_TYPES } from './cloudflare-api.ts'

/** The `[zones.cloudflare]` table. */
export const cloudflareSettings = table({
  api_url: baseUrl('https://api.cloudflare.com/client/v4'),
  api_token: requiredSecret('a Cloudflare API token with Zone.DNS edit permission'),
  zone_id: text('a zone id').default(''),
  proxied: boolean().default(false),
})

/** The `cloudflare` backend factory. */
export const cloudflareFactory = defineBackend({
  kind: 'cloudflare',
  settings: cloudflareSettings,
  types: CLOUDFLARE_TYPES,
  create: (zone, s) =>
    new PerRecordBackend(
      'cloudflare',
      CLOUDFLARE_TYPES,
      zone.name,
      new CloudflareApi({
        apiUrl: s.api_url,
        token: s.api_token,
        zone: zone.name,
        zoneId: s.zone_id === '' ? null : s.zone_id,
        proxied: s.proxied,
        fetch,
      }),
    ),
})
