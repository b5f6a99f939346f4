/**
 * Numbers of the DNS protocol: RR types (RFC 1035 §3.2.2, RFC 3596, RFC 6891, RFC 8659),
 * DNSSEC (RFC 4034, RFC 5155), SSHFP (RFC 4255), TLSA (RFC 6698), SVCB/HTTPS (RFC 9460),
 * opcodes and rcodes (RFC 1035 §4.1.1, RFC 6891 §9), header flags and size limits.
 */
import type { RecordType } from '../core/records.ts'

/** RR type codes dynzone reads or writes. */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  DS: 43,
  SSHFP: 44,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  TSIG: 250,
  CAA: 257,
} as const

/** Response codes; values above 15 live partly in the OPT record (RFC 6891 §6.1.3). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
} as const

/** Message opcodes (RFC 1035 §4.1.1, RFC 1996, RFC 2136). */
export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const

/** Header flag bits in the 16-bit flags word (RFC 1035 §4.1.1, RFC 4035 §3.2). */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const

/** The Internet class. */
export const CLASS_IN = 1

/** The DNSSEC OK bit in the OPT record's flags (RFC 3225). */
export const EDNS_DO_BIT = 0x8000

/** Size of the fixed message header. */
export const HEADER_SIZE = 12
/** Longest name on the wire, length octets included (RFC 1035 §3.1). */
export const MAX_NAME_WIRE_LENGTH = 255
/** Longest label (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63
/** UDP payload limit without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_PAYLOAD = 512
/** The UDP payload size dynzone advertises: the DNS Flag Day 2020 value, avoids fragmentation. */
export const EDNS_UDP_PAYLOAD = 1232
/** Largest message: a TCP frame length is 16 bits (RFC 1035 §4.2.2). */
export const MAX_MESSAGE_SIZE = 65535

const RECORD_TYPE_CODES: Readonly<Record<RecordType, number>> = {
  A: RRType.A,
  AAAA: RRType.AAAA,
  TXT: RRType.TXT,
  CNAME: RRType.CNAME,
  MX: RRType.MX,
  SRV: RRType.SRV,
  CAA: RRType.CAA,
  NS: RRType.NS,
  PTR: RRType.PTR,
  SSHFP: RRType.SSHFP,
  TLSA: RRType.TLSA,
  SVCB: RRType.SVCB,
  HTTPS: RRType.HTTPS,
  DS: RRType.DS,
}

/** The RR type code of a managed record type. */
export function typeCode(type: RecordType): number {
  return RECORD_TYPE_CODES[type]
}

const NAMES_BY_CODE = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]))

/** Mnemonic of a type code, `TYPE<n>` when unknown (RFC 3597 §5). */
export function typeName(code: number): string {
  return NAMES_BY_CODE.get(code) ?? `TYPE${code}`
}
