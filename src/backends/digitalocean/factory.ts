/** Registry entry of the `digitalocean` backend: `[zones.digitalocean]` settings. */
import { table } from '../../config/fields.ts'
import { defineBackend } from '../define.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { baseUrl, requiredSecret } from '../shared/settings.ts'
import { DigitalOceanApi, DIGITALOCEAN_TYPES } from './digitalocean-api.ts'

/** The `[zones.digitalocean]` table. */
export const digitaloceanSettings = table({
  api_url: baseUrl('https://api.digitalocean.com/v2'),
  token: requiredSecret('a DigitalOcean personal access token with domain write scope'),
})

/** The `digitalocean` backend factory. */
export const digitaloceanFactory = defineBackend({
  kind: 'digitalocean',
  settings: digitaloceanSettings,
  types: DIGITALOCEAN_TYPES,
  create: (zone, s) =>
    new PerRecordBackend(
      'digitalocean',
      DIGITALOCEAN_TYPES,
      zone.name,
      new DigitalOceanApi({ apiUrl: s.api_url, token: s.token, zone: zone.name, fetch }),
    ),
})
