/**
 * One served zone in memory: nodes by owner name, each with its prepared RRsets, plus the
 * bookkeeping that makes lookups O(labels): a count of names below each empty non-terminal
 * (RFC 8020: such a name exists, so it is NODATA, not NXDOMAIN) and of delegation points.
 */
import type { Fqdn } from '../core/names.ts'
import type { RecordSet, SoaFields } from '../core/records.ts'
import { RRType } from '../dns/constants.ts'
import type { PreparedRRset } from './prepared-rrset.ts'

/** What a zone says about one name and type. */
export type ZoneAnswer =
  | { readonly kind: 'answer'; readonly rrsets: readonly PreparedRRset[] }
  | { readonly kind: 'cname'; readonly rrset: PreparedRRset }
  | {
      readonly kind: 'referral'
      readonly ns: PreparedRRset
      readonly glue: readonly PreparedRRset[]
    }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'nxdomain' }

/** The parts of a zone an answer needs beyond the matched RRsets. */
export interface ServedZone {
  readonly name: Fqdn
  /** The SOA as it appears in answers. */
  readonly soa: PreparedRRset
  /** The SOA with TTL min(SOA TTL, MINIMUM), for negative answers (RFC 2308 §3, §5). */
  readonly negativeSoa: PreparedRRset
  readonly soaFields: SoaFields
}

/** A zone's nodes and apex SOA; mutated in place by incremental changes. */
export class ZoneData implements ServedZone {
  private readonly nodes = new Map<string, Map<number, PreparedRRset>>()
  // Owner → number of non-empty names strictly below it (only names between them and apex).
  private readonly below = new Map<string, number>()
  private cuts = 0
  soa: PreparedRRset
  negativeSoa: PreparedRRset
  soaFields: SoaFields

  constructor(
    readonly name: Fqdn,
    soa: PreparedRRset,
    negativeSoa: PreparedRRset,
    soaFields: SoaFields,
  ) {
    this.soa = soa
    this.negativeSoa = negativeSoa
    this.soaFields = soaFields
    this.put(soa)
  }

  /** Replaces the apex SOA (new serial). */
  setSoa(soa: PreparedRRset, negativeSoa: PreparedRRset, fields: SoaFields): void {
    this.soa = soa
    this.negativeSoa = negativeSoa
    this.soaFields = fields
    this.put(soa)
  }

  /** Adds or replaces one RRset whole. */
  put(rrset: PreparedRRset): void {
    let node = this.nodes.get(rrset.owner)
    if (node === undefined) {
      node = new Map()
      this.nodes.set(rrset.owner, node)
      this.countAncestors(rrset.owner, 1)
    }
    if (this.isCut(rrset.owner, rrset.type) && !node.has(rrset.type)) this.cuts++
    node.set(rrset.type, rrset)
  }

  /** Removes one RRset, if present. */
  remove(owner: string, type: number): void {
    const node = this.nodes.get(owner)
    if (node?.delete(type) !== true) return
    if (this.isCut(owner, type)) this.cuts--
    if (node.size === 0) {
      this.nodes.delete(owner)
      this.countAncestors(owner, -1)
    }
  }

  /** Answers `qname`/`qtype` from this zone's data (qname lowercase, inside the zone). */
  lookup(qname: string, qtype: number): ZoneAnswer {
    if (this.cuts > 0) {
      const cut = this.findCut(qname)
      // The parent side answers DS at a cut itself (RFC 4035 §3.1.4.1); we hold none: NODATA.
      if (cut !== undefined && !(cut.owner === qname && qtype === RRType.DS)) {
        return { kind: 'referral', ns: cut, glue: this.glue(cut) }
      }
    }
    const node = this.nodes.get(qname)
    // Wildcards (RFC 4592) would be tried here, at the closest encloser, before NXDOMAIN.
    if (node === undefined) return this.below.has(qname) ? { kind: 'nodata' } : { kind: 'nxdomain' }
    if (qtype === RRType.ANY) return { kind: 'answer', rrsets: [...node.values()] }
    const exact = node.get(qtype)
    if (exact !== undefined) return { kind: 'answer', rrsets: [exact] }
    const cname = node.get(RRType.CNAME)
    return cname === undefined ? { kind: 'nodata' } : { kind: 'cname', rrset: cname }
  }

  /** Every RRset as loaded, SOA excepted (it is built from fields, not stored as values). */
  recordSets(): RecordSet[] {
    const out: RecordSet[] = []
    for (const node of this.nodes.values()) {
      for (const rrset of node.values()) if (rrset.source !== undefined) out.push(rrset.source)
    }
    return out
  }

  private isCut(owner: string, type: number): boolean {
    return type === RRType.NS && owner !== this.name
  }

  // The delegation closest to the apex on the path from the apex down to qname.
  private findCut(qname: string): PreparedRRset | undefined {
    let found: PreparedRRset | undefined
    for (let n: string | undefined = qname; n !== undefined && n !== this.name; n = parentName(n)) {
      found = this.nodes.get(n)?.get(RRType.NS) ?? found
    }
    return found
  }

  private glue(cut: PreparedRRset): PreparedRRset[] {
    return cut.targets.flatMap((target) => {
      const node = this.nodes.get(target)
      return [node?.get(RRType.A), node?.get(RRType.AAAA)].filter((r) => r !== undefined)
    })
  }

  private countAncestors(owner: string, delta: 1 | -1): void {
    if (owner === this.name) return
    for (let n = parentName(owner); n !== undefined && n !== this.name; n = parentName(n)) {
      const count = (this.below.get(n) ?? 0) + delta
      if (count > 0) this.below.set(n, count)
      else this.below.delete(n)
    }
  }
}

/** The name one label up, honouring `\.` escapes; undefined for a single label or root. */
export function parentName(name: string): string | undefined {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x2e) return name.slice(i + 1)
  }
  return undefined
}
