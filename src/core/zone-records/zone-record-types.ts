/**
 * The vocabulary of static records (records of any type at any name of a zone, beside the
 * hosts' dynamic A/AAAA/TXT): who acts, the edits every door sends, the errors every door
 * maps, and the ports the service needs (the store, the zone-content rules).
 */
import type { Fqdn } from '../names.ts'
import type { ChangeSet, RecordKey, RecordSet, RecordType } from '../records.ts'
import type { Result } from '../result.ts'

/** Who asks for a change: the checks of `record-permissions.ts` depend on it. */
export type RecordActor =
  /** The CLI, admin users of the API and the web UI. */
  | { readonly kind: 'admin'; readonly label: string }
  /** A host's owner (API, web UI): at and below the hosts they own. */
  | { readonly kind: 'user'; readonly userId: number; readonly label: string }
  /** An RFC 2136 UPDATE key; its grants are checked by the caller. */
  | { readonly kind: 'key'; readonly keyName: string }

/** One edit of a zone's static records. */
export type RecordEdit =
  | {
      readonly op: 'add'
      readonly name: Fqdn
      readonly type: RecordType
      readonly ttl?: number
      readonly value: string
    }
  /** Without a value: the whole RRset. */
  | {
      readonly op: 'delete'
      readonly name: Fqdn
      readonly type: RecordType
      readonly value?: string
    }
  /** The RRset becomes exactly `values` (none: it is deleted). */
  | {
      readonly op: 'replace'
      readonly name: Fqdn
      readonly type: RecordType
      readonly ttl?: number
      readonly values: readonly string[]
    }
  /** Every static RRset at the name. */
  | { readonly op: 'delete-name'; readonly name: Fqdn }

/** A static RRset, values canonical; `ownerHostId` null: the zone's (admins'). */
export interface ZoneRecordSet extends RecordSet {
  readonly ownerHostId: number | null
}

/** Which static RRsets `list` returns; names are FQDNs, `after` a name for paging. */
export interface ZoneRecordFilter {
  readonly name?: Fqdn
  /** The name and every name below it. */
  readonly below?: Fqdn
  readonly type?: RecordType
  readonly ownerHostId?: number
  /** RRsets at names sorting after this one (keyset paging). */
  readonly after?: Fqdn
  /** At most this many RRsets. */
  readonly limit?: number
}

/** Why a change was refused; `message` names the record (`www.dyn.test. CNAME: …`). */
export interface ZoneRecordError {
  readonly code:
    'invalid' | 'forbidden' | 'not-found' | 'not-served' | 'unsupported-type' | 'publish-failed'
  readonly message: string
}

/** What an `apply` changed (or, with `dryRun`, would change). */
export interface AppliedChange {
  readonly zone: Fqdn
  /** The zone serial after the change; null for a dry run or a change that changed nothing. */
  readonly serial: number | null
  readonly dryRun: boolean
  /** The RRsets as they are after the change. */
  readonly replace: readonly ZoneRecordSet[]
  /** The RRsets that are gone. */
  readonly remove: readonly RecordKey[]
}

/** A served zone as the service needs it. */
export interface RecordZone {
  /** The default TTL of new RRsets. */
  readonly ttl: number
  /** The apex NS (from the config). */
  readonly ns: readonly Fqdn[]
  /** The types the zone's backend publishes. */
  readonly types: ReadonlySet<RecordType>
}

/** Who and where, for history and audit. */
export interface RecordContext {
  /** The door: `cli`, `api`, `web`, `update`. */
  readonly door: string
  /** The client address; null for the command line. */
  readonly clientIp: string | null
}

/** A host, as the ownership rules need it. */
export interface HostRef {
  readonly id: number
  readonly name: Fqdn
  readonly ownerId: number
}

/** One RRset near the names an apply touches: static, or a host's dynamic one. */
export interface NearRRset extends RecordSet {
  /** Null for a host's dynamic RRset or the zone's static one (see `dynamic`). */
  readonly ownerHostId: number | null
  /** True for hosts' records (the `records` table, ACME TXT): never changed here. */
  readonly dynamic: boolean
}

/** Reads inside the apply transaction (the zone is locked). */
export interface ZoneRecordView {
  /** Hosts whose names are among `names`. */
  hostsAt(names: readonly Fqdn[]): Promise<HostRef[]>
  /**
   * RRsets (static and dynamic) at `names`, at every name below one of `below`, and the NS
   * RRsets whose targets are among `names` (their delegations lose or gain glue).
   */
  near(names: readonly Fqdn[], below: readonly Fqdn[]): Promise<NearRRset[]>
  /** How many static values a host owns. */
  ownedValues(hostId: number): Promise<number>
}

/** The static RRsets to write: whole RRsets replaced, and removed. */
export interface StaticWrite {
  readonly replace: readonly ZoneRecordSet[]
  readonly remove: readonly RecordKey[]
}

/** The store port of static records. */
export interface ZoneRecordStore {
  list(zone: Fqdn, filter: ZoneRecordFilter): Promise<ZoneRecordSet[]>
  /**
   * One transaction with the zone locked: `plan` reads through the view and decides; when it
   * returns a write, the rows change, the serial is bumped once and the change set returned.
   */
  transact<E>(
    zone: Fqdn,
    plan: (view: ZoneRecordView) => Promise<Result<StaticWrite, E>>,
    context: RecordContext & { readonly actor: string; readonly at: string },
    dryRun: boolean,
  ): Promise<Result<ChangeSet | null, E>>
}

/** The zone-content rules and the value codec (src/zone/), behind a port. */
export interface ZoneContentRules {
  /** The canonical form of a value, or why it is not one of `type`. */
  canonical(type: RecordType, value: string): Result<string, string>
  /**
   * Every rule the RRsets break in `zone` (apex SOA implied, apex NS given), each as
   * `owner. TYPE: message`.
   */
  problems(zone: Fqdn, apexNs: readonly Fqdn[], rrsets: readonly RecordSet[]): string[]
}
