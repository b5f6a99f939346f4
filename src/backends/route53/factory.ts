/** Registry entry of the `route53` backend: `[zones.route53]` settings. */
import { boolean, expecting, table, text } from '../../config/fields.ts'
import { RECORD_TYPES } from '../../core/records.ts'
import { defineBackend } from '../define.ts'
import { requiredSecret } from '../shared/settings.ts'
import { sdkRoute53 } from './route53-api.ts'
import { Route53Backend } from './route53-backend.ts'

const zoneIdWhat = 'a hosted zone id such as "Z1D633PJN98FT9"'
const endpointWhat = '"" or an http:// or https:// URL'

/** The `[zones.route53]` table. */
export const route53Settings = table({
  hosted_zone_id: text(zoneIdWhat)
    .regex(/^(\/hostedzone\/)?[A-Za-z0-9]+$/, { error: expecting(zoneIdWhat) })
    .transform((v) => v.replace(/^\/hostedzone\//, '')),
  access_key_id: requiredSecret('an AWS access key id'),
  secret_access_key: requiredSecret('an AWS secret access key'),
  region: text('an AWS region').min(1).default('us-east-1'),
  endpoint: text(endpointWhat)
    .refine((v) => v === '' || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)), {
      error: expecting(endpointWhat),
    })
    .default(''),
  wait_for_sync: boolean().default(false),
})

/** The `route53` backend factory. */
export const route53Factory = defineBackend({
  kind: 'route53',
  settings: route53Settings,
  types: RECORD_TYPES,
  create: (zone, s) =>
    new Route53Backend(
      zone.name,
      sdkRoute53({
        hostedZoneId: s.hosted_zone_id,
        region: s.region,
        endpoint: s.endpoint,
        accessKeyId: s.access_key_id,
        secretAccessKey: s.secret_access_key,
      }),
      { waitForSync: s.wait_for_sync, pollMs: 2000 },
    ),
})
