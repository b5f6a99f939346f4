/**
 * The one interface every DNS backend implements. A backend makes DNS match a `ChangeSet`;
 * it never decides what the records should be (that is core's job).
 */
import type { ChangeSet, RecordSet, RecordType, ZoneHead, ZoneSnapshot } from '../core/records.ts'
import type { Fqdn } from '../core/names.ts'
import type { Result } from '../core/result.ts'

/** Why a backend could not apply or read a change; `retryable` drives the publisher. */
export interface BackendError {
  readonly code:
    | 'refused'
    | 'not-auth'
    | 'bad-tsig'
    | 'timeout'
    | 'unavailable'
    | 'rate-limited'
    | 'invalid-record'
    | 'zone-not-found'
    /** `applyIfMarked`: the zone's ownership marker is not the one given; nothing changed. */
    | 'not-owner'
  readonly retryable: boolean
  readonly message: string
  readonly cause?: unknown
  /** For `rate-limited`: how long the provider asked to wait (`Retry-After`), if it said. */
  readonly retryAfterMs?: number
}

/** A place dynzone publishes records to. */
export interface DnsBackend {
  /** Folder name = config `backend` = log prefix = metric label. */
  readonly kind: string
  /** The record types it publishes (its factory's `types`); others are `invalid-record`. */
  readonly types: readonly RecordType[]
  /** Called once at start with the zone as the store holds it. */
  load(zone: ZoneSnapshot, signal: AbortSignal): Promise<Result<void, BackendError>>
  /**
   * Like `load`, with the RRsets handed over one at a time by `feed` (which resolves with the
   * serial they were read at; `head.soa.serial` is not used), so a big zone is never held
   * whole as objects. Optional capability: `load` is used otherwise.
   */
  loadStreamed?(
    head: ZoneHead,
    feed: (take: (set: RecordSet) => void) => Promise<number>,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>>
  /** Makes the zone match the change set; idempotent. */
  apply(change: ChangeSet, signal: AbortSignal): Promise<Result<void, BackendError>>
  /**
   * Like `apply`, as one atomic step conditional on the zone still holding `marker` (its
   * ownership marker, src/publisher/ownership.ts): when it does not, nothing changes and the
   * error's code is `not-owner`. Optional capability (RFC 2136: a prerequisite in the same
   * UPDATE); without it the publisher reads the marker before the write.
   */
  applyIfMarked?(
    change: ChangeSet,
    marker: RecordSet,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>>
  /** Reads back the zone's RRsets, for resync. Optional capability. */
  read?(zone: Fqdn, signal: AbortSignal): Promise<Result<RecordSet[], BackendError>>
  /** Releases sockets and timers. */
  close(): Promise<void>
}
