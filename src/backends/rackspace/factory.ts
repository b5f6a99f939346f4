/** Registry entry of the `rackspace` backend: `[zones.rackspace]` settings. */
import { expecting, table, text } from '../../config/fields.ts'
import { defineBackend } from '../define.ts'
import { PerRecordBackend } from '../shared/per-record-backend.ts'
import { baseUrl, requiredSecret } from '../shared/settings.ts'
import { RackspaceApi, RACKSPACE_TYPES } from './rackspace-api.ts'
import { RackspaceIdentity } from './rackspace-identity.ts'

const dnsUrlWhat = '"" or an http:// or https:// URL'

/** The `[zones.rackspace]` table. */
export const rackspaceSettings = table({
  username: text('a Rackspace user name').min(1, { error: 'expected a Rackspace user name' }),
  api_key: requiredSecret('the Rackspace API key of that user'),
  identity_url: baseUrl('https://identity.api.rackspacecloud.com'),
  dns_url: text(dnsUrlWhat)
    .refine((v) => v === '' || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)), {
      error: expecting(dnsUrlWhat),
    })
    .transform((v) => v.replace(/\/+$/, ''))
    .default(''),
})

/** The `rackspace` backend factory. */
export const rackspaceFactory = defineBackend({
  kind: 'rackspace',
  settings: rackspaceSettings,
  types: RACKSPACE_TYPES,
  create: (zone, s) =>
    new PerRecordBackend(
      'rackspace',
      RACKSPACE_TYPES,
      zone.name,
      new RackspaceApi({
        identity: new RackspaceIdentity({
          identityUrl: s.identity_url,
          username: s.username,
          apiKey: s.api_key,
          dnsUrl: s.dns_url,
          fetch,
        }),
        zone: zone.name,
        fetch,
        pollMs: 1000,
        jobTimeoutMs: 60_000,
      }),
    ),
})
