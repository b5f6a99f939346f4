/** Merging change sets of one zone: a later change to an RRset wins over an earlier one. */
import type { ChangeSet, RecordKey, RecordSet } from '../core/records.ts'

type Entry =
  | { readonly kind: 'replace'; readonly set: RecordSet }
  | { readonly kind: 'remove'; readonly key: RecordKey }

/** Folds change sets (in commit order) into one equivalent change set. */
export function coalesce(changes: readonly ChangeSet[]): ChangeSet | undefined {
  const first = changes[0]
  if (first === undefined) return undefined
  const entries = new Map<string, Entry>()
  let serial = first.serial
  for (const change of changes) {
    for (const key of change.remove) entries.set(`${key.name} ${key.type}`, { kind: 'remove', key })
    for (const set of change.replace)
      entries.set(`${set.name} ${set.type}`, { kind: 'replace', set })
    serial = change.serial
  }
  const replace: RecordSet[] = []
  const remove: RecordKey[] = []
  for (const entry of entries.values()) {
    if (entry.kind === 'replace') replace.push(entry.set)
    else remove.push(entry.key)
  }
  return { zone: first.zone, serial, replace, remove }
}
