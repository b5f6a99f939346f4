/**
 * What importing a zone file changes: the file's RRsets against the zone's content, as a
 * change set of static RRsets (added, removed, changed) plus what the file holds that an
 * import does not take, and a diff-like listing of it for `zone import --dry-run`.
 *
 * What a file's RRset becomes:
 * - the SOA and the apex NS come from the config: never imported, a note when they differ;
 * - other RRsets the config gives (`ns_addresses`) likewise;
 * - a host's own dynamic RRsets (A, AAAA, TXT at the host's name, its ACME TXT) stay the
 *   host's: left to it, with a note when the file's differ (an import never overwrites what
 *   a client sent last);
 * - everything else is a static RRset of the zone: the file is then the zone's whole static
 *   content, so a static RRset the file lacks is removed. Hosts themselves are never
 *   created or removed by an import.
 */
import { RRType } from '../dns/constants.ts'
import { typeMnemonic } from './rr-types.ts'
import type { RRset } from './rrset.ts'
import { rrsetLines, sortRRsets } from './zone-writer.ts'

/** Where an RRset of the zone's current content comes from. */
export type ContentSource = 'config' | 'host' | 'static'

/** One RRset of the zone as it is, tagged with its source. */
export interface CurrentRRset {
  readonly rrset: RRset
  readonly source: ContentSource
}

/** A static RRset whose records or TTL change. */
export interface ChangedRRset {
  readonly before: RRset
  readonly after: RRset
}

/** The change an import makes, and what it leaves alone. */
export interface ZoneImportPlan {
  readonly origin: string
  readonly add: readonly RRset[]
  readonly remove: readonly RRset[]
  readonly change: readonly ChangedRRset[]
  /** Static RRsets the file holds as they are. */
  readonly unchanged: number
  /** What the file holds that is not imported, one line each (`SOA serial …`, `… left to the host`). */
  readonly notes: readonly string[]
}

const key = (set: RRset): string => `${set.owner.toLowerCase()} ${String(set.type)}`

/** Same records (as octets) and TTL. */
export function sameRRset(a: RRset, b: RRset): boolean {
  if (a.ttl !== b.ttl || a.rdata.length !== b.rdata.length) return false
  return a.rdata.every((r) => b.rdata.some((o) => o.equals(r)))
}

const DYNAMIC = new Set<number>([RRType.A, RRType.AAAA, RRType.TXT])

/**
 * The change set of importing `file` into a zone whose content is `current`; `hosts`: the
 * zone's host names (lowercase, trailing dot), whose A/AAAA/TXT stay theirs even when unset.
 */
export function planZoneImport(
  origin: string,
  current: Iterable<CurrentRRset>,
  file: readonly RRset[],
  hosts: ReadonlySet<string> = new Set(),
): ZoneImportPlan {
  const now = new Map<string, CurrentRRset>()
  for (const c of current) now.set(key(c.rrset), c)
  const add: RRset[] = []
  const change: ChangedRRset[] = []
  const notes: string[] = []
  let unchanged = 0
  const apex = origin.toLowerCase()
  for (const set of file) {
    const k = key(set)
    const there = now.get(k)
    now.delete(k)
    const atApex = set.owner.toLowerCase() === apex
    if (set.type === RRType.SOA || (atApex && set.type === RRType.NS)) {
      const note = apexNote(set, there?.rrset)
      if (note !== undefined) notes.push(note)
    } else if (there === undefined) {
      if (DYNAMIC.has(set.type) && hosts.has(set.owner.toLowerCase()))
        notes.push(keptNote(set, 'host'))
      else add.push(set)
    } else if (there.source === 'static') {
      if (sameRRset(there.rrset, set)) unchanged++
      else change.push({ before: there.rrset, after: set })
    } else if (!sameRRset(there.rrset, set)) notes.push(keptNote(set, there.source))
  }
  const remove = [...now.values()].filter((c) => c.source === 'static').map((c) => c.rrset)
  return {
    origin,
    add: sortRRsets(origin, add),
    remove: sortRRsets(origin, remove),
    change: sortByRRset(origin, change, (c) => c.after),
    unchanged,
    notes,
  }
}

/** Items in the writer's order of their RRsets (apex first, then canonical name order). */
function sortByRRset<T>(origin: string, items: readonly T[], setOf: (item: T) => RRset): T[] {
  const order = new Map(sortRRsets(origin, items.map(setOf)).map((set, i) => [set, i]))
  return [...items].sort((a, b) => (order.get(setOf(a)) ?? 0) - (order.get(setOf(b)) ?? 0))
}

function apexNote(file: RRset, zone: RRset | undefined): string | undefined {
  if (zone !== undefined && sameRRset(zone, file)) return undefined
  if (file.type === RRType.SOA) {
    const serial = (set: RRset | undefined): string => {
      const r = set?.rdata[0]
      return r === undefined || r.length < 20 ? '?' : String(r.readUInt32BE(r.length - 20))
    }
    const zoneSerial = zone === undefined ? '' : ` (the zone's serial is ${serial(zone)})`
    return `${file.owner} SOA: not imported: the zone's SOA comes from the config and its serial from dynzone; the file's serial ${serial(file)}${zoneSerial} is not taken`
  }
  return `${file.owner} NS: not imported: the apex NS come from the config ([[zones]] ns), which the file's differ from`
}

function keptNote(file: RRset, source: ContentSource): string {
  const type = typeMnemonic(file.type)
  return source === 'host'
    ? `${file.owner} ${type}: not imported: a host's own ${type} records stay dynamic (its client sets them); the file's differ`
    : `${file.owner} ${type}: not imported: the config gives this RRset (ns_addresses); the file's differs`
}

/**
 * The records a changed RRset loses and gains: every one when its TTL changes, else only
 * those that differ (as lines of `rrsetLines`).
 */
export function changedLines(c: ChangedRRset): { minus: string[]; plus: string[] } {
  const before = rrsetLines(c.before)
  const after = rrsetLines(c.after)
  if (c.before.ttl !== c.after.ttl) return { minus: before, plus: after }
  const kept = new Set(before.filter((l) => after.includes(l)))
  return { minus: before.filter((l) => !kept.has(l)), plus: after.filter((l) => !kept.has(l)) }
}

/** The `--dry-run` listing: `+`/`-` record lines by name, the notes, then the summary line. */
export function* planListing(plan: ZoneImportPlan): Generator<string> {
  const entries: { set: RRset; lines: string[] }[] = [
    ...plan.add.map((set) => ({ set, lines: rrsetLines(set).map((l) => `+ ${l}`) })),
    ...plan.remove.map((set) => ({ set, lines: rrsetLines(set).map((l) => `- ${l}`) })),
    ...plan.change.map((c) => {
      const { minus, plus } = changedLines(c)
      return { set: c.after, lines: [...minus.map((l) => `- ${l}`), ...plus.map((l) => `+ ${l}`)] }
    }),
  ]
  for (const e of sortByRRset(plan.origin, entries, (e) => e.set)) yield* e.lines
  for (const note of plan.notes) yield `; ${note}`
  yield planSummary(plan)
}

/** One line: RRsets added, removed, changed and unchanged, and the records written and deleted. */
export function planSummary(plan: ZoneImportPlan): string {
  const records = (sets: readonly RRset[]): number => sets.reduce((n, s) => n + s.rdata.length, 0)
  const n = (count: number, what: string): string =>
    `${count.toLocaleString('en-US')} ${what}${count === 1 ? '' : 's'}`
  let added = records(plan.add)
  let removed = records(plan.remove)
  for (const c of plan.change) {
    const { minus, plus } = changedLines(c)
    added += plus.length
    removed += minus.length
  }
  const sets = [
    `${n(plan.add.length, 'RRset')} added`,
    `${plan.remove.length.toLocaleString('en-US')} removed`,
    `${plan.change.length.toLocaleString('en-US')} changed`,
    `${plan.unchanged.toLocaleString('en-US')} unchanged`,
  ]
  return `${sets.join(', ')} (${n(added, 'record')} in, ${n(removed, 'record')} out)`
}
