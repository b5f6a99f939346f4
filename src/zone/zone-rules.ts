/**
 * What a zone may hold, as one pure check over its RRsets:
 * - one SOA, at the apex only, of one record; NS at the apex (RFC 1035 §5.2, RFC 1034 §4.2.1);
 * - CNAME alone at its name, one record, never at the apex (RFC 1034 §3.6.2, RFC 2181 §10.1;
 *   RRSIG and NSEC may sit beside it, RFC 4035 §2.5);
 * - below a delegation (NS below the apex), nothing but glue: A/AAAA of names that the
 *   delegation's NS records name (RFC 1034 §4.2.1, RFC 9471); at the delegation itself only
 *   NS, DS, NSEC, RRSIG and such glue (RFC 4035 §2.4); DS only at a delegation (RFC 4034 §5);
 * - an NS target inside the zone (not below a delegation) has an address (BIND's check);
 * - names and rdata within the wire limits (RFC 1035 §3.1, §3.2.1), rdata valid for its type,
 *   TTLs 0..2^31-1 (RFC 2181 §8), no meta types (RFC 6895 §3.1), every name in the zone.
 *
 * RFC 2136 §3.4.2.2 (how an UPDATE that breaks these rules is applied) is the caller's part.
 */
import { RRType } from '../dns/constants.ts'
import { nameToWire } from '../dns/name-text.ts'
import { formatRdata, wireNameText } from './rdata-format.ts'
import { isMetaType, typeMnemonic } from './rr-types.ts'
import type { RRset } from './rrset.ts'
import { parentName } from './zone-names.ts'
import { inZone } from './zone-reader.ts'

/** A broken rule, naming the RRset it is about. */
export interface ZoneRuleProblem {
  readonly owner: string
  readonly type: string
  readonly message: string
}

/** `owner TYPE: message`. */
export function formatRuleProblem(p: ZoneRuleProblem): string {
  return `${p.owner} ${p.type}: ${p.message}`
}

const MAX_TTL = 0x7fffffff
const BESIDE_CNAME = new Set<number>([RRType.CNAME, RRType.RRSIG, RRType.NSEC])
const AT_CUT = new Set<number>([RRType.NS, RRType.DS, RRType.RRSIG, RRType.NSEC])
const ADDRESS = new Set<number>([RRType.A, RRType.AAAA])

// The RRsets at one name: an array, not a Map, since a zone of a million names has a
// million of them and most hold one RRset.
type Node = RRset[]

function find(node: readonly RRset[] | undefined, type: number): RRset | undefined {
  return node?.find((s) => s.type === type)
}

/** Every rule `rrsets` break in the zone `origin` (absolute, trailing dot); empty when none. */
export function checkZoneRules(origin: string, rrsets: readonly RRset[]): ZoneRuleProblem[] {
  const apex = origin.toLowerCase()
  const problems: ZoneRuleProblem[] = []
  const nodes = new Map<string, Node>()
  for (const set of rrsets) {
    if (!checkRRset(set, apex, problems)) continue
    const key = set.owner.toLowerCase()
    const node = nodes.get(key)
    if (node === undefined) nodes.set(key, [set])
    else if (find(node, set.type) !== undefined) {
      problems.push(problem(set, 'the RRset is given twice'))
    } else node.push(set)
  }
  checkApex(origin, nodes.get(apex), problems)
  const cuts = new Map<string, Set<string>>()
  for (const [name, node] of nodes) {
    const ns = find(node, RRType.NS)
    if (name !== apex && ns !== undefined) cuts.set(name, targetsOf(ns))
  }
  for (const [name, node] of nodes) {
    for (const set of node) {
      const message = placement(name, apex, set, node, cuts)
      if (message !== undefined) problems.push(problem(set, message))
    }
  }
  checkNsAddresses(apex, nodes, cuts, problems)
  return problems
}

function problem(set: RRset, message: string): ZoneRuleProblem {
  return { owner: set.owner, type: typeMnemonic(set.type), message }
}

// The checks of one RRset on its own; false when it cannot be placed in the tree at all.
function checkRRset(set: RRset, apex: string, problems: ZoneRuleProblem[]): boolean {
  const before = problems.length
  const wire = plainName(set.owner) ? undefined : nameToWire(set.owner)
  if (wire?.ok === false) problems.push(problem(set, wire.error.message))
  else if (!inZone(set.owner.toLowerCase(), apex)) {
    problems.push(problem(set, `outside the zone ${apex}`))
  }
  if (problems.length > before) return false
  if (isMetaType(set.type)) problems.push(problem(set, 'not a record type a zone holds'))
  if (!Number.isInteger(set.ttl) || set.ttl < 0 || set.ttl > MAX_TTL) {
    problems.push(problem(set, `TTL ${set.ttl} is outside 0..${MAX_TTL} (RFC 2181 §8)`))
  }
  if (set.rdata.length === 0) problems.push(problem(set, 'an RRset without records'))
  for (const rdata of set.rdata) {
    const bad = rdataProblem(set.type, rdata)
    if (bad !== undefined) problems.push(problem(set, bad))
  }
  return true
}

// True for an absolute name without escapes whose labels and length are within the limits:
// most names, checked without building the wire form.
function plainName(name: string): boolean {
  if (name.length > 254 || !name.endsWith('.') || name.includes('\\')) return false
  let label = 0
  for (let i = 0; i < name.length - 1; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x2e) {
      if (label === 0) return false
      label = 0
    } else if (c <= 0x20 || c >= 0x7f || ++label > 63) return false
  }
  return label > 0
}

function rdataProblem(type: number, rdata: Buffer): string | undefined {
  if (rdata.length > 0xffff) return 'rdata longer than 65535 octets'
  // The common types checked by length alone: decoding them would only build text.
  if (type === RRType.A) return rdata.length === 4 ? undefined : 'invalid rdata: A is 4 octets'
  if (type === RRType.AAAA) {
    return rdata.length === 16 ? undefined : 'invalid rdata: AAAA is 16 octets'
  }
  const text = formatRdata(type, rdata)
  return text.ok ? undefined : `invalid rdata: ${text.error}`
}

function checkApex(origin: string, node: Node | undefined, problems: ZoneRuleProblem[]): void {
  const soa = find(node, RRType.SOA)
  if (soa === undefined)
    problems.push({ owner: origin, type: 'SOA', message: 'the apex has no SOA' })
  else if (soa.rdata.length !== 1) {
    problems.push({ owner: origin, type: 'SOA', message: 'the apex has more than one SOA' })
  }
  if (find(node, RRType.NS) === undefined) {
    problems.push({ owner: origin, type: 'NS', message: 'the apex has no NS records' })
  }
}

function targetsOf(ns: RRset): Set<string> {
  const out = new Set<string>()
  for (const rdata of ns.rdata) {
    const target = wireNameText(rdata)
    if (target !== undefined) out.add(target.text.toLowerCase())
  }
  return out
}

// Why `set` may not be where it is, or undefined.
function placement(
  name: string,
  apex: string,
  set: RRset,
  node: Node,
  cuts: ReadonlyMap<string, ReadonlySet<string>>,
): string | undefined {
  if (set.type === RRType.SOA && name !== apex) return 'an SOA below the apex'
  const above = cutAbove(name, apex, cuts)
  if (above !== undefined) {
    const glue = ADDRESS.has(set.type) && cuts.get(above)?.has(name) === true
    return glue
      ? undefined
      : `below the delegation at ${above}: only A/AAAA glue for its NS targets may be there`
  }
  const ownTargets = cuts.get(name)
  if (ownTargets !== undefined && !AT_CUT.has(set.type)) {
    if (ADDRESS.has(set.type) && ownTargets.has(name)) return undefined
    return `at the delegation ${name}: only NS, DS and glue may be at a zone cut`
  }
  if (set.type === RRType.DS && ownTargets === undefined) {
    return 'DS only at a delegation (a name with NS below the apex)'
  }
  if (set.type === RRType.CNAME) return cnameProblem(name, apex, set, node)
  return undefined
}

function cnameProblem(name: string, apex: string, set: RRset, node: Node): string | undefined {
  if (name === apex) return 'a CNAME at the apex (RFC 1034 §3.6.2: the apex has SOA and NS)'
  const others = node.filter((s) => !BESIDE_CNAME.has(s.type)).map((s) => typeMnemonic(s.type))
  if (others.length > 0) {
    return `a CNAME must be alone at its name (RFC 1034 §3.6.2), here beside ${others.join(', ')}`
  }
  return set.rdata.length > 1 ? 'more than one CNAME at one name (RFC 2181 §10.1)' : undefined
}

// The nearest delegation strictly above `name`, or undefined.
function cutAbove(
  name: string,
  apex: string,
  cuts: ReadonlyMap<string, ReadonlySet<string>>,
): string | undefined {
  if (cuts.size === 0) return undefined
  let found: string | undefined
  for (let at = parentName(name); at !== undefined && at !== apex; at = parentName(at)) {
    if (cuts.has(at)) found = at
  }
  return found
}

// An in-zone NS target (not below a delegation) that has no address: BIND refuses the zone.
function checkNsAddresses(
  apex: string,
  nodes: ReadonlyMap<string, Node>,
  cuts: ReadonlyMap<string, ReadonlySet<string>>,
  problems: ZoneRuleProblem[],
): void {
  for (const [name, node] of nodes) {
    const ns = find(node, RRType.NS)
    if (ns === undefined || cutAbove(name, apex, cuts) !== undefined) continue
    for (const target of targetsOf(ns)) {
      if (!inZone(target, apex) || cutAbove(target, apex, cuts) !== undefined) continue
      if (cuts.has(target)) continue
      const there = nodes.get(target)
      if (find(there, RRType.A) === undefined && find(there, RRType.AAAA) === undefined) {
        problems.push({
          owner: ns.owner,
          type: 'NS',
          message: `the name server ${target} is in the zone but has no A or AAAA record`,
        })
      }
    }
  }
}
