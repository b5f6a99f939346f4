/**
 * The UDP fast path: the common query (opcode QUERY, one question, class IN, an ordinary
 * type, at most an EDNS(0) OPT) for a name that exists in a served zone, answered by
 * copying the question as received and the pre-encoded records, with no parsing into
 * objects and no name compression work (every owner is the question name, or the zone
 * apex inside it). The bytes are exactly those answer.ts would send (a test compares them).
 *
 * Anything unusual returns undefined and takes the general path (answer.ts): other
 * opcodes and classes, meta types (ANY, AXFR, IXFR, OPT, TSIG and above 127), other
 * records (TSIG), EDNS versions above 0, names with characters needing escapes, names
 * that do not exist (NXDOMAIN, wildcards), CNAMEs, types with additional data (NS, MX,
 * SRV, SVCB, HTTPS), zones with delegations, names with LAN addresses (split horizon), and answers that
 * do not fit the UDP payload (TC).
 */
import { EDNS_UDP_PAYLOAD, CLASSIC_UDP_PAYLOAD, RRType } from '../../dns/constants.ts'
import { hashBytes } from '../index/owner-table.ts'
import type { PackedRecords } from '../index/packed-rrsets.ts'
import type { PreparedRRset } from '../index/prepared-rrset.ts'
import type { ZoneData } from '../index/zone-data.ts'

/** Finds the served zone of a lowercase name (the longest match). */
export interface FastZones {
  /** The zone of the name whose lowercase text is the first `length` bytes of `name`. */
  zoneAt(name: Uint8Array, length: number): ZoneData | undefined
}

const HEADER = 12
const OPT_SIZE = 11
const DO_FLAG = 0x10000
// Reused across queries: the lowercase name as text, and where each label starts.
const NAME = Buffer.alloc(256)
const LABEL_AT = new Int32Array(128)
// Which query types the general path must see (they carry additional data or are meta).
const GENERAL_TYPES = new Set<number>([
  RRType.NS,
  RRType.MX,
  RRType.SRV,
  RRType.SVCB,
  RRType.HTTPS,
  RRType.CNAME,
  41,
])

/** The response to a plain UDP query, or undefined when the general path must answer. */
export function fastAnswer(query: Buffer, zones: FastZones): Buffer | undefined {
  const length = query.length
  if (length < HEADER + 5) return undefined
  const b2 = query[2] ?? 0xff
  // QR clear, opcode QUERY; one question, no answer or authority, at most the OPT.
  if ((b2 & 0xf8) !== 0 || query[4] !== 0 || query[5] !== 1) return undefined
  if (query[6] !== 0 || query[7] !== 0 || query[8] !== 0 || query[9] !== 0) return undefined
  const arcount = ((query[10] ?? 0) << 8) | (query[11] ?? 0)
  if (arcount > 1) return undefined
  const labels = readName(query)
  if (labels <= 0) return undefined
  const qEnd = (LABEL_AT[labels] ?? 0) + 1
  // Text length: the wire form less the root octet and the first length octet.
  const nameLength = qEnd - HEADER - 2
  if (qEnd + 4 > length || query[qEnd + 2] !== 0 || query[qEnd + 3] !== 1) return undefined
  const qtype = query.readUInt16BE(qEnd)
  if (qtype === 0 || qtype > 127 || GENERAL_TYPES.has(qtype)) return undefined
  const edns = arcount === 1 ? readOpt(query, qEnd + 4) : length === qEnd + 4 ? 0 : -1
  if (edns < 0) return undefined
  const zone = zones.zoneAt(NAME, nameLength)
  if (zone === undefined || zone.hasCuts) return undefined
  const qEndAll = qEnd + 4
  const hash = hashBytes(NAME, nameLength)
  // A string only for the rare names that may be held as objects or have LAN addresses.
  let name: string | undefined
  if (zone.lan.size > 0 || zone.mayHoldObjects(hash)) {
    name = NAME.toString('latin1', 0, nameLength)
    if (zone.lan.has(name)) return undefined
    const node = zone.objectNode(name)
    if (node !== undefined) {
      const rrset = node.get(qtype)
      if (rrset !== undefined) return fromRRset(query, qEndAll, edns, rrset)
      if (node.has(RRType.CNAME)) return undefined
      return nodata(query, qEndAll, edns, zone, labels)
    }
  }
  const ref = zone.packed.find(NAME, nameLength, hash)
  if (ref >= 0) {
    const packed = zone.packed.recordsAt(ref, qtype)
    if (packed !== undefined) return fromPacked(query, qEndAll, edns, packed)
  } else if (
    zone.below.size === 0 ||
    !zone.below.has(name ?? NAME.toString('latin1', 0, nameLength))
  ) {
    return undefined // no such name: NXDOMAIN or a wildcard, from the general path
  }
  return nodata(query, qEndAll, edns, zone, labels)
}

// NODATA: the negative SOA, its owner a pointer to the apex inside the question.
function nodata(
  query: Buffer,
  qEnd: number,
  edns: number,
  zone: ZoneData,
  labels: number,
): Buffer | undefined {
  const apexAt = LABEL_AT[labels - zoneLabels(zone.name)] ?? HEADER
  const soa = zone.negativeSoa.records[0]
  if (soa === undefined) return undefined
  return respond(query, qEnd, edns, 0, 1, 2 + soa.length, (out, p) => {
    out[p] = 0xc0 | (apexAt >> 8)
    out[p + 1] = apexAt & 0xff
    return p + 2 + soa.copy(out, p + 2)
  })
}

function fromPacked(
  query: Buffer,
  qEnd: number,
  edns: number,
  packed: PackedRecords,
): Buffer | undefined {
  const { chunk, count } = packed
  let size = 0
  for (let i = 0, at = packed.at; i < count; i++) {
    const tail = chunk.readUInt16BE(at)
    size += 2 + tail
    at += 2 + tail
  }
  return respond(query, qEnd, edns, count, 0, size, (out, p) => {
    let at = packed.at
    for (let i = 0; i < count; i++) {
      const tail = chunk.readUInt16BE(at)
      out[p] = 0xc0
      out[p + 1] = HEADER
      p += 2 + chunk.copy(out, p + 2, at + 2, at + 2 + tail)
      at += 2 + tail
    }
    return p
  })
}

function fromRRset(
  query: Buffer,
  qEnd: number,
  edns: number,
  rrset: PreparedRRset,
): Buffer | undefined {
  let size = 0
  for (const record of rrset.records) size += 2 + record.length
  return respond(query, qEnd, edns, rrset.records.length, 0, size, (out, p) => {
    for (const record of rrset.records) {
      out[p] = 0xc0
      out[p + 1] = HEADER
      p += 2 + record.copy(out, p + 2)
    }
    return p
  })
}

// Reads the question name at offset 12 into NAME (lowercase, dotted) and LABEL_AT (label
// offsets, then the offset of the root octet); returns the label count, or 0 if unusual.
function readName(query: Buffer): number {
  let p = HEADER
  let n = 0
  let labels = 0
  for (;;) {
    const len = query[p] ?? 0xff
    if (len === 0) break
    if (len > 63 || labels >= 127 || p + len + 1 >= query.length || p - HEADER + len > 253) {
      return 0
    }
    LABEL_AT[labels++] = p
    if (n > 0) NAME[n++] = 0x2e
    for (let i = p + 1; i <= p + len; i++) {
      let c = query[i] ?? 0
      if (c >= 0x41 && c <= 0x5a) c += 0x20
      else if (!(
        (c >= 0x61 && c <= 0x7a) ||
        (c >= 0x30 && c <= 0x39) ||
        c === 0x2d ||
        c === 0x5f
      )) {
        return 0 // '*', '.', '\' and others are written escaped in text: general path
      }
      NAME[n++] = c
    }
    p += len + 1
  }
  LABEL_AT[labels] = p
  return labels
}

// The OPT at `p` as the answer's size limit (RFC 6891 §6.2.5), plus DO_FLAG when DO is
// set; -1 when it is not a plain EDNS(0) OPT with options exactly filling the message.
function readOpt(query: Buffer, p: number): number {
  if (p + OPT_SIZE > query.length || query[p] !== 0 || query.readUInt16BE(p + 1) !== 41) return -1
  if (query[p + 6] !== 0) return -1 // version above 0: BADVERS from the general path
  const end = p + OPT_SIZE + query.readUInt16BE(p + 9)
  if (end !== query.length) return -1
  let o = p + OPT_SIZE
  while (o < end) {
    if (o + 4 > end) return -1
    o += 4 + query.readUInt16BE(o + 2)
  }
  if (o !== end) return -1
  const payload = Math.min(
    Math.max(query.readUInt16BE(p + 3), CLASSIC_UDP_PAYLOAD),
    EDNS_UDP_PAYLOAD,
  )
  return payload | (((query[p + 7] ?? 0) & 0x80) === 0 ? 0 : DO_FLAG)
}

// Header and question copied, flags and counts set, sections written by `write`, OPT last.
function respond(
  query: Buffer,
  qEnd: number,
  edns: number,
  an: number,
  ns: number,
  body: number,
  write: (out: Buffer, p: number) => number,
): Buffer | undefined {
  const limit = edns === 0 ? CLASSIC_UDP_PAYLOAD : edns & 0xffff
  const size = qEnd + body + (edns === 0 ? 0 : OPT_SIZE)
  if (size > limit) return undefined // TC: the general path decides what to send
  const out = Buffer.allocUnsafe(size)
  query.copy(out, 0, 0, qEnd)
  const p = write(out, qEnd) + (edns === 0 ? 0 : OPT_SIZE)
  out[2] = 0x84 | ((query[2] ?? 0) & 0x01) // QR, AA, RD copied
  out[3] = (query[3] ?? 0) & 0x10 // CD copied; RCODE NOERROR
  out.writeUInt16BE(an, 6)
  out.writeUInt16BE(ns, 8)
  out.writeUInt16BE(edns === 0 ? 0 : 1, 10)
  if (edns !== 0) {
    const o = p - OPT_SIZE
    out[o] = 0
    out.writeUInt16BE(41, o + 1)
    out.writeUInt16BE(EDNS_UDP_PAYLOAD, o + 3)
    out.writeUInt16BE(0, o + 5) // extended RCODE, version
    out.writeUInt16BE((edns & DO_FLAG) === 0 ? 0 : 0x8000, o + 7)
    out.writeUInt16BE(0, o + 9)
  }
  return p === size ? out : undefined
}

function zoneLabels(zone: string): number {
  let n = 1
  for (let i = 0; i < zone.length; i++) if (zone.charCodeAt(i) === 0x2e) n++
  return n
}
