/**
 * Record types and change sets: the vocabulary shared by core, the store, the publisher
 * and every DNS backend. Names are lowercase ASCII FQDNs without the trailing dot; values
 * are in zone-file presentation format (`203.0.113.10`, `2001:db8::1`, `"txt value"`).
 */
import type { Fqdn } from './names.ts'

/**
 * Record types a zone here may hold (besides the apex SOA): hosts' dynamic A/AAAA/TXT and
 * static records of every type. Values of each are read and written by one codec
 * (`src/zone/record-value.ts`).
 */
export const RECORD_TYPES = [
  'A',
  'AAAA',
  'TXT',
  'CNAME',
  'MX',
  'SRV',
  'CAA',
  'NS',
  'PTR',
  'SSHFP',
  'TLSA',
  'SVCB',
  'HTTPS',
  'DS',
] as const
/** One of the record types a zone here may hold. */
export type RecordType = (typeof RECORD_TYPES)[number]

/** A whole RRset: every value of one type at one name. */
export interface RecordSet {
  readonly name: Fqdn
  readonly type: RecordType
  readonly ttl: number
  readonly values: readonly string[]
}

/** Identifies an RRset to remove. */
export interface RecordKey {
  readonly name: Fqdn
  readonly type: RecordType
}

/**
 * What a backend must make true in one zone: RRsets replaced whole (so a retry is
 * idempotent) and RRsets removed. `serial` is the zone serial after the change.
 */
export interface ChangeSet {
  readonly zone: Fqdn
  readonly serial: number
  /** The zone's serial before this change: a publisher that saw another one notices the gap. */
  readonly base?: number
  readonly replace: readonly RecordSet[]
  readonly remove: readonly RecordKey[]
}

/** SOA timers and contact of a served zone. */
export interface SoaFields {
  readonly mname: Fqdn
  readonly rname: Fqdn
  readonly serial: number
  readonly refresh: number
  readonly retry: number
  readonly expire: number
  readonly minimum: number
}

/** A whole zone as served: apex data plus every RRset below it. */
export interface ZoneSnapshot {
  readonly name: Fqdn
  readonly ttl: number
  readonly soa: SoaFields
  readonly ns: readonly Fqdn[]
  readonly records: readonly RecordSet[]
}

/** A zone's apex data without its RRsets, for a load fed one RRset at a time. */
export type ZoneHead = Omit<ZoneSnapshot, 'records'>
