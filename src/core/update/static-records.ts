/**
 * The port through which an UPDATE reads and writes a zone's static records (every name and
 * type that is not a host's dynamic A/AAAA/TXT): core's zone record service sits behind it,
 * with its rules, ownership, history, serial bump and publishing.
 */
import type { Fqdn } from '../names.ts'
import type { UpdateContext } from '../ports.ts'
import type { RecordType } from '../records.ts'
import type { Result } from '../result.ts'
import type { NameRRsets, RRsetState } from './zone-changes.ts'

/** One RRset made true: replaced by `next`, or removed (undefined). */
export interface StaticEdit {
  readonly name: Fqdn
  readonly type: RecordType
  readonly next: RRsetState | undefined
}

/** Why static edits were not written; the codes of the zone record service. */
export interface StaticRefusal {
  readonly code:
    'invalid' | 'forbidden' | 'not-found' | 'not-served' | 'unsupported-type' | 'publish-failed'
  readonly message: string
}

/** Reads and writes static records for UPDATE. */
export interface StaticRecordPort {
  /** The static RRsets at each of `names` (absent names: no entry). */
  read(zone: Fqdn, names: readonly Fqdn[]): Promise<Map<Fqdn, NameRRsets>>
  /** Writes `edits` all or nothing as the key `keyName`, published like every writer. */
  write(
    keyName: string,
    zone: Fqdn,
    edits: readonly StaticEdit[],
    context: UpdateContext,
  ): Promise<Result<void, StaticRefusal>>
}
