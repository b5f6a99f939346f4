/**
 * The RR types a zone file may carry, by mnemonic and code, with the rdata layout each one
 * has in presentation and on the wire: RFC 1035 §3.3 (NS, CNAME, SOA, PTR, MX, TXT),
 * §3.4.1 (A), RFC 3596 (AAAA), RFC 2782 (SRV), RFC 4034 §5 (DS), RFC 4255 (SSHFP),
 * RFC 6698 (TLSA), RFC 8659 (CAA), RFC 9460 (SVCB, HTTPS). Any other type is read and
 * written in the RFC 3597 generic form (`TYPE65534 \# 3 abcdef`).
 */
import { RRType } from '../dns/constants.ts'

/** One field of an rdata layout. */
export type RdataField =
  | 'u8'
  | 'u16'
  | 'u32'
  /** A 32-bit timer that may be written with BIND units (`1h30m`): SOA refresh..minimum. */
  | 'timer'
  | 'name'
  | 'ipv4'
  | 'ipv6'
  /** One or more character-strings to the end (TXT). */
  | 'strings'
  /** The CAA tag: letters and digits, length-prefixed. */
  | 'tag'
  /** One character-string to the end of the rdata, no length octet (CAA value). */
  | 'rest-string'
  /** Hex digits to the end, whitespace allowed between them (DS, SSHFP, TLSA). */
  | 'hex'
  /** SVCB/HTTPS parameters to the end (RFC 9460 §2.1). */
  | 'svc-params'

/** A type with a known presentation layout. */
export interface KnownType {
  readonly code: number
  readonly name: string
  readonly fields: readonly RdataField[]
}

const SVCB_FIELDS: readonly RdataField[] = ['u16', 'name', 'svc-params']

/** Every type with its own presentation form; the rest use RFC 3597. */
export const KNOWN_TYPES: readonly KnownType[] = [
  { code: RRType.A, name: 'A', fields: ['ipv4'] },
  { code: RRType.NS, name: 'NS', fields: ['name'] },
  { code: RRType.CNAME, name: 'CNAME', fields: ['name'] },
  {
    code: RRType.SOA,
    name: 'SOA',
    fields: ['name', 'name', 'u32', 'timer', 'timer', 'timer', 'timer'],
  },
  { code: RRType.PTR, name: 'PTR', fields: ['name'] },
  { code: RRType.MX, name: 'MX', fields: ['u16', 'name'] },
  { code: RRType.TXT, name: 'TXT', fields: ['strings'] },
  { code: RRType.AAAA, name: 'AAAA', fields: ['ipv6'] },
  { code: RRType.SRV, name: 'SRV', fields: ['u16', 'u16', 'u16', 'name'] },
  { code: RRType.DS, name: 'DS', fields: ['u16', 'u8', 'u8', 'hex'] },
  { code: RRType.SSHFP, name: 'SSHFP', fields: ['u8', 'u8', 'hex'] },
  { code: RRType.TLSA, name: 'TLSA', fields: ['u8', 'u8', 'u8', 'hex'] },
  { code: RRType.SVCB, name: 'SVCB', fields: SVCB_FIELDS },
  { code: RRType.HTTPS, name: 'HTTPS', fields: SVCB_FIELDS },
  { code: RRType.CAA, name: 'CAA', fields: ['u8', 'tag', 'rest-string'] },
]

const BY_CODE = new Map(KNOWN_TYPES.map((t) => [t.code, t]))
// Every mnemonic the codec knows (RRSIG, AXFR, …), so such a line gets a precise error.
const BY_NAME = new Map<string, number>(Object.entries(RRType))
const NAME_OF = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]))

/** The layout of a type code, or undefined for a type read in the generic form only. */
export function knownType(code: number): KnownType | undefined {
  return BY_CODE.get(code)
}

/** The code of a mnemonic (`MX`, `mx`, `TYPE65534`), or undefined. */
export function typeCodeOf(mnemonic: string): number | undefined {
  const upper = mnemonic.toUpperCase()
  const known = BY_NAME.get(upper)
  if (known !== undefined) return known
  const m = /^TYPE(\d{1,5})$/.exec(upper)
  if (m === null) return undefined
  const code = Number(m[1])
  return code <= 0xffff ? code : undefined
}

/** The mnemonic of a code: a known name, else `TYPE<n>` (RFC 3597 §5). */
export function typeMnemonic(code: number): string {
  return NAME_OF.get(code) ?? `TYPE${code}`
}

/** True for codes that are not data (0, OPT, and the Q/meta range 128..255 of RFC 6895 §3.1). */
export function isMetaType(code: number): boolean {
  return code === 0 || code === RRType.OPT || (code >= 128 && code <= 255)
}
