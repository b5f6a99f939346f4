/**
 * One served zone in memory: nodes by owner name, each with its prepared RRsets, plus the
 * bookkeeping that makes lookups O(labels): a count of names below each empty non-terminal
 * (RFC 8020: such a name exists, so it is NODATA, not NXDOMAIN) and of delegation points.
 */
import { parseIp } from '../../core/addresses/addresses.ts'
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet, SoaFields } from '../../core/records.ts'
import { RRType } from '../../dns/constants.ts'
import { ZoneJournal } from './journal.ts'
import { ok, type Result } from '../../core/result.ts'
import type { WireError } from '../../dns/wire-error.ts'
import { hashText } from './owner-table.ts'
import { PackedRRsets } from './packed-rrsets.ts'
import type { PreparedRRset } from './prepared-rrset.ts'
import { additionalFor, matchWildcard, type NodeLookup, type ZoneNodes } from './wildcard.ts'

// Name hashes cut to 30 bits: small integers, so Map keys are never boxed numbers.
const HASH_KEY = 0x3fffffff

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

/**
 * A zone's nodes and apex SOA; mutated in place by incremental changes. Bulk-loaded A, AAAA
 * and TXT RRsets are kept packed (packed-rrsets.ts); an owner moves to `full` when changed.
 */
export class ZoneData implements ServedZone, ZoneNodes {
  /** RRsets by lowercase owner, as objects; changed only through put/remove. */
  private readonly full = new Map<string, Map<number, PreparedRRset>>()
  /** RRsets by lowercase owner, as bytes (owners not in `full`); filled by `pack`. */
  readonly packed = new PackedRRsets()
  /** Both stores behind one read interface (wildcard.ts); packed nodes are built per call. */
  readonly nodes: NodeLookup = {
    get: (owner) => this.full.get(owner) ?? this.packed.node(owner),
    has: (owner) => this.full.has(owner) || this.packed.has(owner),
  }
  /** Hashes (owner-table.ts, 30 bits) of the owners in `full`, with their counts. */
  private readonly fullHashes = new Map<number, number>()
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

  /** True when the zone has delegations (the UDP fast path leaves those to lookup). */
  get hasCuts(): boolean {
    return this.cuts > 0
  }

  /** The object node of `owner`, if it is held as objects (not packed). */
  objectNode(owner: string): ReadonlyMap<number, PreparedRRset> | undefined {
    return this.full.get(owner)
  }

  /**
   * False when no owner held as objects has this name hash (`hashBytes` of the lowercase
   * name): the fast path then needs no string for the name.
   */
  mayHoldObjects(hash: number): boolean {
    return this.fullHashes.has(hash & HASH_KEY)
  }

  /** Adds or replaces one RRset whole. */
  put(rrset: PreparedRRset): void {
    let node = this.fullNode(rrset.owner)
    if (node === undefined) {
      node = new Map()
      this.setFull(rrset.owner, node)
      this.countAncestors(rrset.owner, 1)
    }
    if (this.isCut(rrset.owner, rrset.type) && !node.has(rrset.type)) this.cuts++
    node.set(rrset.type, rrset)
  }

  /**
   * Adds one RRset as loaded (`owner`: its lowercase name) in packed form; ok(false) when it
   * cannot be packed (type, size, an owner already held as objects): `put` it instead.
   */
  pack(owner: string, set: RecordSet): Result<boolean, WireError> {
    if (this.full.has(owner)) return ok(false)
    const isNew = !this.packed.has(owner)
    const added = this.packed.add(owner, set)
    if (added.ok && added.value && isNew) this.countAncestors(owner, 1)
    return added
  }

  /** Removes one RRset, if present. */
  remove(owner: string, type: number): void {
    const node = this.fullNode(owner)
    if (node?.delete(type) !== true) return
    if (this.isCut(owner, type)) this.cuts--
    if (node.size === 0) {
      this.full.delete(owner)
      const key = hashText(owner) & HASH_KEY
      const count = (this.fullHashes.get(key) ?? 0) - 1
      if (count > 0) this.fullHashes.set(key, count)
      else this.fullHashes.delete(key)
      this.countAncestors(owner, -1)
    }
  }

  private setFull(owner: string, node: Map<number, PreparedRRset>): void {
    this.full.set(owner, node)
    const key = hashText(owner) & HASH_KEY
    this.fullHashes.set(key, (this.fullHashes.get(key) ?? 0) + 1)
  }

  // The object node of `owner`, moving it out of the packed store first (it is changing).
  private fullNode(owner: string): Map<number, PreparedRRset> | undefined {
    const node = this.full.get(owner)
    if (node !== undefined) return node
    const unpacked = this.packed.node(owner)
    if (unpacked === undefined) return undefined
    this.packed.drop(owner)
    this.setFull(owner, unpacked)
    return unpacked
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
    const node = this.full.get(qname) ?? this.packed.node(qname)
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

  /** Every node's RRsets, object nodes first, then the packed ones built one at a time. */
  private *allNodes(): IterableIterator<ReadonlyMap<number, PreparedRRset>> {
    yield* this.full.values()
    for (const owner of this.packed.owners()) {
      const node = this.packed.node(owner)
      if (node !== undefined) yield node
    }
  }

  /** Every prepared RRset but the SOA, in no particular order (for AXFR). */
  *prepared(): IterableIterator<PreparedRRset> {
    for (const node of this.allNodes()) {
      for (const rrset of node.values()) if (rrset.type !== RRType.SOA) yield rrset
    }
  }

  /** Every RRset as loaded, SOA excepted (it is built from fields, not stored as values). */
  recordSets(): RecordSet[] {
    const out: RecordSet[] = []
    for (const node of this.allNodes()) {
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
      // NS RRsets are never packed.
      found = this.full.get(n)?.get(RRType.NS) ?? found
    }
    return found
  }

  private glue(cut: PreparedRRset): PreparedRRset[] {
    return cut.targets.flatMap((target) =>
      [this.get(target, RRType.A), this.get(target, RRType.AAAA)].filter((r) => r !== undefined),
    )
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
