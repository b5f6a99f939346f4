/**
 * The update section of an RFC 2136 UPDATE applied, in order, to a copy of the RRsets at the
 * names it mentions (§3.4.2), with the special cases as BIND applies them:
 * - §3.4.2.2: a CNAME added at a name that holds other data is ignored, and other data added
 *   at a name that holds a CNAME is ignored; a CNAME added where a CNAME is replaces it.
 * - An added record equal to one present changes nothing but the RRset's TTL; every added
 *   record sets its RRset's TTL (one TTL per RRset, RFC 2181 §5.2).
 * - §3.4.2.3, §3.4.2.4: at the zone apex, deleting all RRsets keeps SOA and NS, and deleting
 *   the SOA or NS RRset (or one of its values) is ignored: the apex SOA and NS come from the
 *   config. SOA is never added (the config's; refused by the caller).
 * Values are compared in their one canonical form (the caller normalises them).
 */
import type { Fqdn } from '../names.ts'

/** One RRset: its TTL and values. */
export interface RRsetState {
  ttl: number
  values: string[]
}

/** Every RRset at one name, by type mnemonic. */
export type NameRRsets = Map<string, RRsetState>

/** One change of the update section (RFC 2136 §2.5). */
export type ZoneChange =
  | {
      readonly kind: 'add'
      readonly name: Fqdn
      readonly type: string
      readonly ttl: number
      readonly value: string
    }
  | { readonly kind: 'delete-rrset'; readonly name: Fqdn; readonly type: string }
  | { readonly kind: 'delete-name'; readonly name: Fqdn }
  | {
      readonly kind: 'delete-value'
      readonly name: Fqdn
      readonly type: string
      readonly value: string
    }

/** Types the apex keeps from the config, whatever an UPDATE deletes. */
const APEX_KEPT = new Set(['SOA', 'NS'])

/** Applies `changes` to `state` in place; returns a note per change ignored (for the log). */
export function applyZoneChanges(
  zone: Fqdn,
  state: Map<Fqdn, NameRRsets>,
  changes: readonly ZoneChange[],
): string[] {
  const ignored: string[] = []
  for (const c of changes) {
    let rrsets = state.get(c.name)
    if (rrsets === undefined) {
      rrsets = new Map()
      state.set(c.name, rrsets)
    }
    const note = applyOne(zone, rrsets, c)
    if (note !== undefined) ignored.push(note)
  }
  return ignored
}

function applyOne(zone: Fqdn, rrsets: NameRRsets, c: ZoneChange): string | undefined {
  const apex = c.name === zone
  switch (c.kind) {
    case 'add':
      return add(rrsets, c)
    case 'delete-rrset':
      if (apex && APEX_KEPT.has(c.type)) return `${c.name} ${c.type}: the apex keeps its ${c.type}`
      rrsets.delete(c.type)
      return undefined
    case 'delete-name':
      for (const type of [...rrsets.keys()]) if (!(apex && APEX_KEPT.has(type))) rrsets.delete(type)
      return undefined
    case 'delete-value': {
      if (apex && APEX_KEPT.has(c.type)) return `${c.name} ${c.type}: the apex keeps its ${c.type}`
      const set = rrsets.get(c.type)
      if (set === undefined) return undefined
      set.values = set.values.filter((v) => v !== c.value)
      if (set.values.length === 0) rrsets.delete(c.type)
      return undefined
    }
  }
}

function add(rrsets: NameRRsets, c: Extract<ZoneChange, { kind: 'add' }>): string | undefined {
  const others = [...rrsets.keys()].some((t) => t !== 'CNAME')
  if (c.type === 'CNAME' && others) {
    return `${c.name} CNAME: ignored, the name holds other data (RFC 2136 §3.4.2.2)`
  }
  if (c.type !== 'CNAME' && rrsets.has('CNAME')) {
    return `${c.name} ${c.type}: ignored, the name holds a CNAME (RFC 2136 §3.4.2.2)`
  }
  const set = rrsets.get(c.type)
  if (c.type === 'CNAME' || set === undefined) {
    rrsets.set(c.type, { ttl: c.ttl, values: [c.value] })
    return undefined
  }
  set.ttl = c.ttl
  if (!set.values.includes(c.value)) set.values.push(c.value)
  return undefined
}

/** A deep copy of the state, to apply changes to and compare with the original. */
export function copyState(state: ReadonlyMap<Fqdn, NameRRsets>): Map<Fqdn, NameRRsets> {
  return new Map(
    [...state].map(([name, rrsets]) => [
      name,
      new Map([...rrsets].map(([type, s]) => [type, { ttl: s.ttl, values: [...s.values] }])),
    ]),
  )
}

/** The RRsets that differ between `before` and `after` (values as a set, or the TTL). */
export function changedRRsets(
  before: ReadonlyMap<Fqdn, NameRRsets>,
  after: ReadonlyMap<Fqdn, NameRRsets>,
): { name: Fqdn; type: string; next: RRsetState | undefined }[] {
  const out: { name: Fqdn; type: string; next: RRsetState | undefined }[] = []
  for (const [name, next] of after) {
    const prev = before.get(name) ?? new Map<string, RRsetState>()
    for (const type of new Set([...prev.keys(), ...next.keys()])) {
      const a = prev.get(type)
      const b = next.get(type)
      if (!sameRRset(a, b)) out.push({ name, type, next: b })
    }
  }
  return out
}

function sameRRset(a: RRsetState | undefined, b: RRsetState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  if (a.ttl !== b.ttl || a.values.length !== b.values.length) return false
  const set = new Set(a.values)
  return b.values.every((v) => set.has(v))
}
