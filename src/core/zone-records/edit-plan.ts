/**
 * One apply's plan, inside the store's transaction: the RRsets near the touched names are
 * read, the edits applied to a copy, each checked against the actor's rights, the host
 * limit and the zone rules (only problems the edits bring in count, so a million-record zone
 * is never checked whole), and the write that results.
 */
import type { Fqdn } from '../names.ts'
import type { RecordKey, RecordSet } from '../records.ts'
import { err, ok, type Result } from '../result.ts'
import { nearestHost, namesUpTo, refusal } from './record-permissions.ts'
import type {
  HostRef,
  NearRRset,
  RecordActor,
  RecordEdit,
  RecordZone,
  StaticWrite,
  ZoneContentRules,
  ZoneRecordError,
  ZoneRecordSet,
  ZoneRecordView,
} from './zone-record-types.ts'

/** Inputs of one plan. */
export interface PlanInput {
  readonly actor: RecordActor
  readonly zone: Fqdn
  readonly served: RecordZone
  /** Normalized: names parsed, values canonical. */
  readonly edits: readonly RecordEdit[]
  readonly view: ZoneRecordView
  readonly rules: ZoneContentRules
  readonly maxPerHost: number
}

type Sets = Map<string, ZoneRecordSet>

const keyOf = (name: string, type: string): string => `${name} ${type}`

/** Reads, applies, checks; the write, or the first refusal. */
export async function planEdits(p: PlanInput): Promise<Result<StaticWrite, ZoneRecordError>> {
  const names = [...new Set(p.edits.map((e) => e.name))]
  const above = [...new Set(names.flatMap((n) => namesUpTo(n, p.zone)))]
  const hosts = await p.view.hostsAt(above)
  const cuts = p.edits.filter((e) => e.op !== 'delete-name' && e.type === 'NS').map((e) => e.name)
  const targets = p.edits.flatMap((e) =>
    e.op !== 'delete-name' && e.type === 'NS' ? nsTargets(e) : [],
  )
  const inZone = targets.filter((t) => t === p.zone || t.endsWith(`.${p.zone}`))
  const near = await p.view.near([...new Set([...above, ...inZone])], cuts)
  const current: Sets = new Map()
  const dynamic: NearRRset[] = []
  for (const set of near) {
    if (set.dynamic) dynamic.push(set)
    else current.set(keyOf(set.name, set.type), set)
  }
  const next: Sets = new Map(current)
  for (const edit of p.edits) {
    const done = applyEdit(p, edit, next, hosts)
    if (!done.ok) return done
  }
  const limit = await checkLimit(p, current, next)
  if (!limit.ok) return limit
  const rules = checkRules(p, dynamic, current, next)
  if (!rules.ok) return rules
  return ok(writeOf(current, next))
}

function nsTargets(edit: RecordEdit): Fqdn[] {
  const values = edit.op === 'replace' ? edit.values : edit.op === 'add' ? [edit.value] : []
  return values.map((v) => v.toLowerCase().replace(/\.$/, '') as Fqdn)
}

function applyEdit(
  p: PlanInput,
  edit: RecordEdit,
  sets: Sets,
  hosts: readonly HostRef[],
): Result<void, ZoneRecordError> {
  const host = nearestHost(edit.name, hosts)
  if (edit.op === 'delete-name') {
    const at = [...sets.values()].filter((s) => s.name === edit.name)
    if (at.length === 0) return err(notFound(`${edit.name}.: no static records there`))
    for (const set of at) {
      const why = refusal(p.actor, { ...place(p, set, host), storedOwner: set.ownerHostId })
      if (why !== undefined) return err(forbidden(set, why))
      sets.delete(keyOf(set.name, set.type))
    }
    return ok(undefined)
  }
  const key = keyOf(edit.name, edit.type)
  const old = sets.get(key)
  const why = refusal(p.actor, { ...place(p, edit, host), storedOwner: old?.ownerHostId })
  if (why !== undefined) return err(forbidden(edit, why))
  const special = placementRule(edit, host)
  if (special !== undefined)
    return err({ code: 'invalid', message: `${edit.name}. ${edit.type}: ${special}` })
  const owner = old?.ownerHostId ?? (p.actor.kind === 'user' ? (host?.id ?? null) : null)
  const ttl = ('ttl' in edit ? edit.ttl : undefined) ?? old?.ttl ?? p.served.ttl
  let values: readonly string[]
  if (edit.op === 'add')
    values =
      old?.values.includes(edit.value) === true ? old.values : [...(old?.values ?? []), edit.value]
  else if (edit.op === 'replace') values = [...new Set(edit.values)]
  else {
    if (old === undefined) return err(notFound(`${edit.name}. ${edit.type}: no such RRset`))
    if (edit.value !== undefined && !old.values.includes(edit.value)) {
      return err(notFound(`${edit.name}. ${edit.type}: no record ${edit.value}`))
    }
    values = edit.value === undefined ? [] : old.values.filter((v) => v !== edit.value)
  }
  if (values.length === 0) sets.delete(key)
  else sets.set(key, { name: edit.name, type: edit.type, ttl, values, ownerHostId: owner })
  return ok(undefined)
}

function place(p: PlanInput, key: RecordKey, host: HostRef | undefined) {
  return { name: key.name, zone: p.zone, type: key.type, host }
}

// Placement rules the zone rules cannot see: a host's name may lose its A/AAAA (a host
// without an address yet), so a CNAME there is refused by name, not by what is beside it;
// a host's `_acme-challenge` TXT is the ACME clients' (dynamic).
function placementRule(key: RecordKey, host: HostRef | undefined): string | undefined {
  if (host === undefined) return undefined
  if (key.type === 'CNAME' && key.name === host.name) {
    return `a CNAME never at a host's name (${host.name} has its address records there)`
  }
  if (key.type === 'TXT' && key.name === `_acme-challenge.${host.name}`) {
    return "the TXT at a host's _acme-challenge name is written by ACME clients (the update door)"
  }
  return undefined
}

async function checkLimit(
  p: PlanInput,
  before: Sets,
  after: Sets,
): Promise<Result<void, ZoneRecordError>> {
  if (p.actor.kind !== 'user') return ok(undefined)
  const delta = new Map<number, number>()
  const count = (sets: Sets, sign: number): void => {
    for (const s of sets.values()) {
      if (s.ownerHostId === null) continue
      delta.set(s.ownerHostId, (delta.get(s.ownerHostId) ?? 0) + sign * s.values.length)
    }
  }
  count(before, -1)
  count(after, 1)
  for (const [hostId, change] of delta) {
    if (change <= 0) continue
    const total = (await p.view.ownedValues(hostId)) + change
    if (total > p.maxPerHost) {
      return err({
        code: 'invalid',
        message: `a host's owner may hold at most ${String(p.maxPerHost)} static record values (records.max_per_host); this change would make ${String(total)}`,
      })
    }
  }
  return ok(undefined)
}

// Only the problems the edits bring in: the neighbourhood read is not the whole zone, so
// what it lacks is missing on both sides and cancels out.
function checkRules(
  p: PlanInput,
  dynamic: readonly RecordSet[],
  before: Sets,
  after: Sets,
): Result<void, ZoneRecordError> {
  const old = new Set(p.rules.problems(p.zone, p.served.ns, [...dynamic, ...before.values()]))
  const now = p.rules.problems(p.zone, p.served.ns, [...dynamic, ...after.values()])
  const added = now.filter((problem) => !old.has(problem))
  if (added.length === 0) return ok(undefined)
  return err({ code: 'invalid', message: added.join('; ') })
}

function writeOf(before: Sets, after: Sets): StaticWrite {
  const replace: ZoneRecordSet[] = []
  const remove: RecordKey[] = []
  for (const [key, set] of after) {
    const old = before.get(key)
    if (old === undefined || !sameSet(old, set)) replace.push(set)
  }
  for (const [key, set] of before)
    if (!after.has(key)) remove.push({ name: set.name, type: set.type })
  return { replace, remove }
}

function sameSet(a: ZoneRecordSet, b: ZoneRecordSet): boolean {
  return (
    a.ttl === b.ttl &&
    a.ownerHostId === b.ownerHostId &&
    a.values.length === b.values.length &&
    a.values.every((v, i) => v === b.values[i])
  )
}

function notFound(message: string): ZoneRecordError {
  return { code: 'not-found', message }
}

function forbidden(key: RecordKey, why: string): ZoneRecordError {
  return { code: 'forbidden', message: `${key.name}. ${key.type}: ${why}` }
}
