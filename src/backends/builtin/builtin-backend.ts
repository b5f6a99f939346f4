/**
 * The `builtin` backend: publishes into the in-memory index that dynzone's own authoritative
 * server answers from. Applying a change is a synchronous in-place update of the index, so
 * the next query after `apply` resolves already sees it.
 */
import type { BackendError, DnsBackend } from '../backend.ts'
import type { Fqdn } from '../../core/names.ts'
import {
  RECORD_TYPES,
  type ChangeSet,
  type RecordSet,
  type ZoneHead,
  type ZoneSnapshot,
} from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'

/**
 * What the backend needs of the built-in server's index (`ZoneIndex` in
 * src/authoritative/index/ fits): declared here so backends never import the server.
 */
export interface BuiltinIndex {
  load(snapshot: ZoneSnapshot): Result<void, BuiltinIndexError>
  loadStreamed(head: ZoneHead, feed: RecordFeed): Promise<Result<void, BuiltinIndexError>>
  apply(change: ChangeSet): Result<void, BuiltinIndexError>
  /** The zone's RRsets as served; undefined when the zone is not served. */
  read(zone: Fqdn): RecordSet[] | undefined
}

/** Hands every RRset of a zone to `take`; resolves with the serial they were read at. */
export type RecordFeed = (take: (set: RecordSet) => void) => Promise<number>

/** Why the index did not take a zone or change. */
export interface BuiltinIndexError {
  readonly code: 'zone-not-found' | 'invalid-record'
  readonly message: string
}

/** A `DnsBackend` over the built-in server's index; several zones may share one index (and one server). */
export class BuiltinBackend implements DnsBackend {
  readonly kind = 'builtin'
  /** Every type dynzone holds: builtin publishes them all. */
  readonly types = RECORD_TYPES

  constructor(private readonly index: BuiltinIndex) {}

  /** Loads (or reloads) a whole zone into the index. */
  load(zone: ZoneSnapshot, _signal: AbortSignal): Promise<Result<void, BackendError>> {
    // No I/O happens, so there is nothing to cancel.
    return Promise.resolve(toBackend(this.index.load(zone)))
  }

  /** Loads a whole zone streamed from the store, packing each RRset as it arrives. */
  async loadStreamed(
    head: ZoneHead,
    feed: RecordFeed,
    _signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    return toBackend(await this.index.loadStreamed(head, feed))
  }

  /** Applies a change set in place; idempotent, since RRsets are replaced whole. */
  apply(change: ChangeSet, _signal: AbortSignal): Promise<Result<void, BackendError>> {
    return Promise.resolve(toBackend(this.index.apply(change)))
  }

  /** The zone's RRsets as served (apex NS included, SOA not). */
  read(zone: Fqdn, _signal: AbortSignal): Promise<Result<RecordSet[], BackendError>> {
    const sets = this.index.read(zone)
    if (sets === undefined) {
      return Promise.resolve(
        err(backendError({ code: 'zone-not-found', message: `zone ${zone} is not served` })),
      )
    }
    return Promise.resolve(ok(sets))
  }

  /** Nothing to release: the index and the server belong to the composition root. */
  close(): Promise<void> {
    return Promise.resolve()
  }
}

function toBackend(result: Result<void, BuiltinIndexError>): Result<void, BackendError> {
  return result.ok ? result : err(backendError(result.error))
}

// Neither code can succeed on retry: the data or the zone list has to change first.
function backendError(e: BuiltinIndexError): BackendError {
  return { code: e.code, retryable: false, message: e.message }
}
