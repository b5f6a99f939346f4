/**
 * Wildcard matching (RFC 4592 §3.3) and additional-section data (RFC 1035 §3.3.9, §3.3.11,
 * RFC 2782) for one zone's nodes.
 *
 * Implemented: a name that does not exist (neither a node nor an empty non-terminal) is
 * answered from `*.<closest encloser>` when that exists, with the owner rewritten to the
 * query name: the wildcard's RRset of the type, its CNAME, or NODATA (§4.1 a wildcard at an
 * empty non-terminal matches too, giving NODATA). Names that exist never match a wildcard,
 * nor does the apex itself. Not implemented: DNSSEC proofs of wildcard expansion (no DNSSEC),
 * wildcard-matched split-horizon LAN addresses.
 */
import { RRType } from '../../dns/constants.ts'
import { withOwner, type PreparedRRset } from './prepared-rrset.ts'

/** A zone's nodes by lowercase owner: each node's RRsets by type code. */
export interface NodeLookup {
  get(owner: string): ReadonlyMap<number, PreparedRRset> | undefined
  has(owner: string): boolean
}

/** The nodes a wildcard lookup reads: RRsets by owner, and names with names below them. */
export interface ZoneNodes {
  readonly name: string
  readonly nodes: NodeLookup
  readonly below: ReadonlyMap<string, number>
}

/** What a wildcard gives for a name that does not exist; undefined: no wildcard applies. */
export type WildcardMatch =
  | { readonly kind: 'answer'; readonly rrsets: readonly PreparedRRset[] }
  | { readonly kind: 'cname'; readonly rrset: PreparedRRset }
  | { readonly kind: 'nodata' }

/** Matches `qname` (lowercase, in the zone, known not to exist) against a wildcard. */
export function matchWildcard(
  zone: ZoneNodes,
  qname: string,
  qtype: number,
): WildcardMatch | undefined {
  const encloser = closestEncloser(zone, qname)
  if (encloser === undefined) return undefined
  const source = `*.${encloser}`
  const node = zone.nodes.get(source)
  if (node === undefined) return zone.below.has(source) ? { kind: 'nodata' } : undefined
  const rename = (r: PreparedRRset): PreparedRRset[] => {
    const renamed = withOwner(r, qname)
    return renamed === undefined ? [] : [renamed]
  }
  if (qtype === RRType.ANY) return { kind: 'answer', rrsets: [...node.values()].flatMap(rename) }
  const exact = node.get(qtype)
  if (exact !== undefined) return { kind: 'answer', rrsets: rename(exact) }
  const cname = node.get(RRType.CNAME)
  const renamed = cname === undefined ? [] : rename(cname)
  return renamed[0] === undefined ? { kind: 'nodata' } : { kind: 'cname', rrset: renamed[0] }
}

// RFC 4592 §3.3.1: the longest existing ancestor of qname (a node or an empty non-terminal).
function closestEncloser(zone: ZoneNodes, qname: string): string | undefined {
  for (let n = parentOf(qname); n !== undefined; n = parentOf(n)) {
    if (n === zone.name || zone.nodes.has(n) || zone.below.has(n)) return n
    if (!n.endsWith(`.${zone.name}`)) return undefined
  }
  return undefined
}

function parentOf(name: string): string | undefined {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x2e) return name.slice(i + 1)
  }
  return undefined
}

// RFC 1035 §3.3.9/§3.3.11, RFC 2782, RFC 9460 §4.1 (SVCB/HTTPS targets, as BIND adds them).
const ADDITIONAL_TYPES = new Set<number>([
  RRType.NS,
  RRType.MX,
  RRType.SRV,
  RRType.SVCB,
  RRType.HTTPS,
])

/** A and AAAA in this zone for the targets of NS, MX, SRV, SVCB and HTTPS RRsets in `answer`. */
export function additionalFor(
  zone: ZoneNodes,
  answer: readonly PreparedRRset[],
): PreparedRRset[] | undefined {
  let out: PreparedRRset[] | undefined
  for (const rrset of answer) {
    if (!ADDITIONAL_TYPES.has(rrset.type)) continue
    for (const target of rrset.targets) {
      const node = zone.nodes.get(target)
      for (const r of [node?.get(RRType.A), node?.get(RRType.AAAA)]) {
        if (r !== undefined && out?.includes(r) !== true) (out ??= []).push(r)
      }
    }
  }
  return out
}
