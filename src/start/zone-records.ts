/**
 * The static-records service over the store, the zone rules and each served zone's apex NS,
 * default TTL and the record types its backend publishes.
 */
import type { Kysely } from 'kysely'
import { BASIC_TYPES } from '../backends/shared/record-values.ts'
import type { Config } from '../config/schema.ts'
import type { Fqdn } from '../core/names.ts'
import type { ChangePublisher } from '../core/ports.ts'
import { RECORD_TYPES, type RecordType } from '../core/records.ts'
import { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import type { RecordZone } from '../core/zone-records/zone-record-types.ts'
import type { Database } from '../store/schema.ts'
import { SqlZoneRecordStore } from '../store/zone-record-store.ts'
import { zoneContentRules } from '../zone/zone-content-rules.ts'
import { systemClock, type ServedZone } from './builders.ts'

// Backends that write wire rdata or zone-file text publish every type; the provider APIs
// publish the types they were taught (until each learns more, src/backends/*/README.md).
const EVERY_TYPE = new Set<string>(['builtin', 'rfc2136', 'nsupdate'])

/** The record types the backend `kind` publishes. */
export function backendTypes(kind: string): ReadonlySet<RecordType> {
  return EVERY_TYPE.has(kind) ? new Set<RecordType>(RECORD_TYPES) : BASIC_TYPES
}

/** Builds the service; `publisher` for the server's doors (the CLI has none). */
export function buildZoneRecords(
  config: Config,
  db: Kysely<Database>,
  served: readonly ServedZone[],
  publisher?: ChangePublisher,
): ZoneRecordService {
  const zones = new Map<Fqdn, RecordZone>(
    served.map(({ zone, config: z }) => [
      zone.name,
      { ttl: zone.ttl, ns: z.ns as Fqdn[], types: backendTypes(z.backend) },
    ]),
  )
  return new ZoneRecordService({
    store: new SqlZoneRecordStore(db),
    rules: zoneContentRules,
    zones,
    maxPerHost: config.records.max_per_host,
    ...(publisher === undefined ? {} : { publisher }),
    publishDeadlineMs: config.update.answer_deadline_ms,
    now: () => systemClock.now(),
  })
}
