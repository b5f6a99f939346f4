/**
 * One whole-zone load into the index, fed one RRset at a time: from a snapshot, or streamed
 * from the store page by page, so a zone of a million hosts is never held as a million
 * RRset objects before it is packed. Nothing of it is served until `finish` installs it;
 * until then (and if a record is bad) the zone's previous content stays served.
 */
import { isInZone, type Fqdn } from '../../core/names.ts'
import type { RecordSet } from '../../core/records.ts'
import { err, type Result } from '../../core/result.ts'
import { prepareRecordSet } from './prepared-rrset.ts'
import type { ZoneData } from './zone-data.ts'

/**
 * Hands a zone's RRsets to `take` one at a time (from the store, page by page); resolves with
 * the serial they were read at.
 */
export type RecordFeed = (take: (set: RecordSet) => void) => Promise<number>

/** Why a zone or change was not taken; maps one to one onto `BackendError` codes. */
export interface ZoneIndexError {
  readonly code: 'zone-not-found' | 'invalid-record'
  readonly message: string
}

/** A zone being loaded; `add` every RRset, then `finish` with the serial they were read at. */
export class ZoneLoad {
  #error: ZoneIndexError | undefined

  constructor(
    private readonly data: ZoneData,
    private readonly install: (data: ZoneData, serial: number) => Result<void, ZoneIndexError>,
  ) {}

  /**
   * Adds one RRset (a later RRset of the same owner and type replaces an earlier one);
   * false once a record was refused, after which the rest are ignored.
   */
  add(set: RecordSet): boolean {
    if (this.#error !== undefined) return false
    if (set.values.length === 0) return true
    const zone = this.data.name
    const owner = set.name.toLowerCase()
    if (!isInZone(owner as Fqdn, zone)) return this.#fail(outside(set.name, zone))
    const packed = this.data.pack(owner, set)
    if (!packed.ok) return this.#fail({ code: 'invalid-record', message: packed.error.message })
    if (packed.value) return true
    const prepared = prepareRecordSet(set)
    if (!prepared.ok) return this.#fail({ code: 'invalid-record', message: prepared.error.message })
    this.data.put(prepared.value)
    return true
  }

  /** Serves the loaded zone at `serial`, or reports the first refused record. */
  finish(serial: number): Result<void, ZoneIndexError> {
    return this.#error === undefined ? this.install(this.data, serial) : err(this.#error)
  }

  #fail(e: ZoneIndexError): false {
    this.#error = e
    return false
  }
}

/** The error for an RRset whose owner is not inside the zone. */
export function outside(name: string, zone: Fqdn): ZoneIndexError {
  return { code: 'invalid-record', message: `${name} is not inside zone ${zone}` }
}
