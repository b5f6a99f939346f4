/**
 * One served zone in memory: nodes by owner name, each with its prepared RRsets, plus the
 * bookkeeping that makes lookups O(labels): a count of names below each empty non-terminal
 * (RFC 8020: such a name exists, so it is NODATA, not NXDOMAIN) and of delegation points.
 */
import { parseIp } from '../core/addresses.ts'
import type { Fqdn } from '../core/names.ts'
import type { RecordSet, SoaFields } from '../core/records.ts'
import { RRType } from '../dns/constants.ts'
import { ZoneJournal } from './journal.ts'
import type { PreparedRRset } from './prepared-rrset.ts'
import { additionalFor, matchWildcard, type ZoneNodes } from './wildcard.ts'

/** A host's LAN addresses as prepared RRsets, served to clients behind its WAN address. */
export interface LanRRsets {
  readonly a?: PreparedRRset
  readonly aaaa?: PreparedRRset
}

/** What a zone says about one name and type. */
export type ZoneAnswer =
  | {
      readonly kind: 'answer'
      readonly rrsets: readonly PreparedRRset[]
      /** A/AAAA of in-zone NS, MX and SRV targets (RFC 1035 §3.3.9, §3.3.11). */
      readonly additional?: readonly PreparedRRset[]
    }
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
export class ZoneData implements ServedZone, ZoneNodes {
  /** RRsets by lowercase owner; read by wildcard.ts, changed only through put/remove. */
  readonly nodes = new Map<string, Map<number, PreparedRRset>>()
  /** Owner → number of non-empty names strictly below it (only names between them and apex). */
  readonly below = new Map<string, number>()
  private cuts = 0
  /** Split horizon: LAN RRsets by lowercase owner; replaced whole when the store changes. */
  lan: ReadonlyMap<string, LanRRsets> = new Map()
  soa: PreparedRRset
  negativeSoa: PreparedRRset
  soaFields: SoaFields

  constructor(
    readonly name: Fqdn,
    soa: PreparedRRset,
    negativeSoa: PreparedRRset,
    soaFields: SoaFields,
    /** Serial steps for IXFR; carried over when the zone is reloaded. */
    readonly journal: ZoneJournal = new ZoneJournal(),
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

  /**
   * Answers `qname`/`qtype` from this zone's data (qname lowercase, inside the zone);
   * `client` (the querier's address) selects LAN addresses for hosts that have them.
   */
  lookup(qname: string, qtype: number, client?: string): ZoneAnswer {
    if (this.cuts > 0) {
      const cut = this.findCut(qname)
      // The parent side answers DS at a cut itself (RFC 4035 §3.1.4.1); we hold none: NODATA.
      if (cut !== undefined && !(cut.owner === qname && qtype === RRType.DS)) {
        return { kind: 'referral', ns: cut, glue: this.glue(cut) }
      }
    }
    const node = this.nodes.get(qname)
    if (node === undefined) {
      if (this.below.has(qname)) return { kind: 'nodata' }
      // RFC 4592: only a name that does not exist at all can match a wildcard.
      const wild = matchWildcard(this, qname, qtype)
      if (wild?.kind === 'answer') return this.withAdditional(wild.rrsets)
      return wild ?? { kind: 'nxdomain' }
    }
    if (qtype === RRType.ANY) return { kind: 'answer', rrsets: [...node.values()] }
    // The hot path pays one size check; only names with LAN addresses pay a map lookup.
    if (this.lan.size > 0 && client !== undefined) {
      const lan = this.lanAnswer(qname, qtype, node, client)
      if (lan !== undefined) return { kind: 'answer', rrsets: [lan] }
    }
    const exact = node.get(qtype)
    if (exact !== undefined) return this.withAdditional([exact])
    const cname = node.get(RRType.CNAME)
    return cname === undefined ? { kind: 'nodata' } : { kind: 'cname', rrset: cname }
  }

  // The hot path (A, AAAA, TXT) allocates nothing more: additionalFor skips other types.
  private withAdditional(rrsets: readonly PreparedRRset[]): ZoneAnswer {
    const additional = additionalFor(this, rrsets)
    return additional === undefined
      ? { kind: 'answer', rrsets }
      : { kind: 'answer', rrsets, additional }
  }

  /** One RRset by lowercase owner and type code. */
  get(owner: string, type: number): PreparedRRset | undefined {
    return this.nodes.get(owner)?.get(type)
  }

  /** Every prepared RRset but the SOA, in no particular order (for AXFR). */
  *prepared(): IterableIterator<PreparedRRset> {
    for (const node of this.nodes.values()) {
      for (const rrset of node.values()) if (rrset.type !== RRType.SOA) yield rrset
    }
  }

  /** Every RRset as loaded, SOA excepted (it is built from fields, not stored as values). */
  recordSets(): RecordSet[] {
    const out: RecordSet[] = []
    for (const node of this.nodes.values()) {
      for (const rrset of node.values()) if (rrset.source !== undefined) out.push(rrset.source)
    }
    return out
  }

  // The LAN RRset for a client whose address is the host's current WAN A or AAAA: it sits
  // behind the same NAT or router, and the WAN address would hairpin or not work at all.
  private lanAnswer(
    qname: string,
    qtype: number,
    node: Map<number, PreparedRRset>,
    client: string,
  ): PreparedRRset | undefined {
    const entry = this.lan.get(qname)
    const lan = qtype === RRType.A ? entry?.a : qtype === RRType.AAAA ? entry?.aaaa : undefined
    if (lan === undefined) return undefined
    const peer = parseIp(client)
    if (!peer.ok) return undefined
    const wan = node.get(peer.value.family === 4 ? RRType.A : RRType.AAAA)?.source?.values ?? []
    return wan.some((v) => v === peer.value.text || sameIp(v, peer.value.text)) ? lan : undefined
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

function sameIp(value: string, text: string): boolean {
  const ip = parseIp(value)
  return ip.ok && ip.value.text === text
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
