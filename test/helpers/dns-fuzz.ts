/**
 * Deterministic DNS packet fuzzing for the server tests: a seeded PRNG, seed messages of
 * every kind the server reads (queries, IXFR with its SOA, NOTIFY, UPDATE, compression
 * loops) and mutations of them (bit flips, interesting bytes, truncation, extension, pointer
 * insertion, section counts changed).
 */
import { Flag, Opcode, RRType } from '../../src/dns/constants.ts'
import { encodeQuery } from '../../src/dns/encode-query.ts'
import { nameToWire } from '../../src/dns/name-text.ts'

/** A seeded pseudo-random source (mulberry32): the same seed gives the same packets. */
export class Prng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    const item = list[this.int(list.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n & 0xffff, 0)
  return b
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0, 0)
  return b
}

function wire(name: string): Buffer {
  const w = nameToWire(name)
  if (!w.ok) throw new Error(`bad name ${name}`)
  return w.value
}

function header(id: number, flags: number, counts: [number, number, number, number]): Buffer {
  return Buffer.concat([u16(id), u16(flags), ...counts.map(u16)])
}

function rr(name: string, type: number, cls: number, ttl: number, rdata: Buffer): Buffer {
  return Buffer.concat([wire(name), u16(type), u16(cls), u32(ttl), u16(rdata.length), rdata])
}

/** Valid messages of every kind for `zone` with host `host`, to mutate from. */
export function seedMessages(zone: string, host: string): Buffer[] {
  const q = (name: string, type: number, edns = true): Buffer => {
    const m = encodeQuery(name, type, { id: 0x1234, ...(edns ? {} : { edns: false }) })
    if (!m.ok) throw new Error(m.error.message)
    return m.value
  }
  const soa = soaRdataBuffer(1)
  const question = (name: string, type: number): Buffer =>
    Buffer.concat([wire(name), u16(type), u16(1)])
  return [
    q(host, RRType.A),
    q(host, RRType.AAAA, false),
    q(zone, RRType.SOA),
    q(zone, RRType.NS),
    q(zone, RRType.ANY),
    q(`missing.${zone}`, RRType.MX),
    q(zone, RRType.AXFR),
    // IXFR: the client's SOA in the authority section (RFC 1995 §3).
    Buffer.concat([
      header(7, 0, [1, 0, 1, 0]),
      question(zone, RRType.IXFR),
      rr(zone, RRType.SOA, 1, 60, soa),
    ]),
    // NOTIFY (RFC 1996 §3.7): AA, SOA question.
    Buffer.concat([header(8, (Opcode.NOTIFY << 11) | Flag.AA, [1, 0, 0, 0]), question(zone, 6)]),
    // UPDATE (RFC 2136 §2): zone, one prerequisite, an add and a delete.
    Buffer.concat([
      header(9, Opcode.UPDATE << 11, [1, 1, 2, 0]),
      question(zone, RRType.SOA),
      rr(host, RRType.A, 255, 0, Buffer.alloc(0)),
      rr(host, RRType.A, 1, 60, Buffer.from([192, 0, 2, 7])),
      rr(host, RRType.TXT, 255, 0, Buffer.alloc(0)),
    ]),
    // Compression loop: the question name points at itself.
    Buffer.concat([header(10, 0, [1, 0, 0, 0]), Buffer.from([0xc0, 12]), u16(1), u16(1)]),
    // Two pointers pointing at each other, and one pointing forward.
    Buffer.concat([header(11, 0, [1, 0, 0, 0]), Buffer.from([0xc0, 14, 0xc0, 12]), u16(1)]),
    Buffer.concat([header(12, 0, [1, 0, 0, 0]), Buffer.from([0xc0, 40]), u16(1), u16(1)]),
  ]
}

function soaRdataBuffer(serial: number): Buffer {
  return Buffer.concat([
    wire('ns1.example.test'),
    wire('hostmaster.example.test'),
    u32(serial),
    u32(3600),
    u32(600),
    u32(1209600),
    u32(60),
  ])
}

const INTERESTING = [0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xff]

/** One mutation of `seed` (or, now and then, random bytes of a random length). */
export function mutate(rng: Prng, seed: Buffer, maxLength: number): Buffer {
  const kind = rng.int(9)
  if (kind === 0) return rng.bytes(rng.int(Math.min(600, maxLength)))
  const b = Buffer.from(seed)
  const at = rng.int(Math.max(b.length, 1))
  switch (kind) {
    case 1:
      for (let i = 1 + rng.int(4); i > 0; i--) {
        const p = rng.int(b.length)
        b[p] = (b[p] ?? 0) ^ (1 << rng.int(8))
      }
      return b
    case 2:
      b[at] = rng.pick(INTERESTING)
      return b
    case 3:
      return b.subarray(0, rng.int(b.length))
    case 4:
      return Buffer.concat([b, rng.bytes(rng.int(64))]).subarray(0, maxLength)
    case 5:
      // A compression pointer anywhere, possibly at or beyond itself.
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.from([0xc0, rng.int(b.length + 8)]),
        b.subarray(at + 2),
      ])
    case 6:
      if (b.length >= 12) b.writeUInt16BE(rng.pick([0, 1, 2, 0xff, 0xffff]), 4 + 2 * rng.int(4))
      return b
    case 7:
      // The flags word: QR, opcode, rcode bits at random.
      if (b.length >= 4) b.writeUInt16BE(rng.int(0x10000), 2)
      return b
    default:
      // Oversized: the seed padded up to the transport's limit.
      return Buffer.concat([b, rng.bytes(Math.max(0, maxLength - b.length))])
  }
}
