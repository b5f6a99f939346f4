/**
 * The checks of a zone import before anything is written, each problem as `file:line:
 * message` so the operator can go to the line: every RRset of the file must be of a type a
 * zone here holds, and the zone that would result (the config's apex, the hosts' records and
 * the imported static records) must pass `checkZoneRules`.
 */
import { RECORD_TYPES } from '../core/records.ts'
import type { CurrentRRset, ZoneImportPlan } from './import-plan.ts'
import { typeMnemonic } from './rr-types.ts'
import type { RRset } from './rrset.ts'
import { checkZoneRules, formatRuleProblem } from './zone-rules.ts'

const HELD: ReadonlySet<string> = new Set<string>([...RECORD_TYPES, 'SOA'])

const key = (owner: string, type: string): string => `${owner.toLowerCase()} ${type}`

/** `file:line: owner TYPE: …` for each RRset of a type no zone here holds. */
export function unsupportedTypes(file: string, rrsets: readonly RRset[]): string[] {
  const problems: string[] = []
  for (const set of rrsets) {
    const type = typeMnemonic(set.type)
    if (HELD.has(type)) continue
    problems.push(
      `${file}:${String(set.line ?? 0)}: ${set.owner} ${type}: not a type a zone here holds (${RECORD_TYPES.join(', ')})`,
    )
  }
  return problems
}

/**
 * The rules the zone after `plan` breaks, each at the line of the file's RRset it names (or
 * without a line when it names a record the file does not hold, such as a host's).
 */
export function resultingZoneProblems(
  file: string,
  plan: ZoneImportPlan,
  current: Iterable<CurrentRRset>,
  fileRRsets: readonly RRset[],
): string[] {
  const zone = new Map<string, RRset>()
  const id = (set: RRset): string => key(set.owner, String(set.type))
  for (const c of current) zone.set(id(c.rrset), c.rrset)
  for (const set of plan.remove) zone.delete(id(set))
  for (const set of plan.add) zone.set(id(set), set)
  for (const c of plan.change) zone.set(id(c.after), c.after)
  const lines = new Map<string, number>()
  for (const set of fileRRsets)
    if (set.line !== undefined) lines.set(key(set.owner, typeMnemonic(set.type)), set.line)
  const apexLine = lines.get(key(plan.origin, 'SOA'))
  return checkZoneRules(plan.origin, [...zone.values()]).map((p) => {
    const line = lines.get(key(p.owner, p.type)) ?? (p.type === 'SOA' ? apexLine : undefined)
    const where = line === undefined ? `${file}: (not in the file)` : `${file}:${String(line)}`
    return `${where}: ${formatRuleProblem(p)}`
  })
}
