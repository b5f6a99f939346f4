/**
 * Builds query messages (RFC 1035 §4.1, RFC 6891 §6.1): for dynzone's own DNS clients
 * (resync reads, NOTIFY, checks) and for tests of the server.
 */
import { CLASS_IN, EDNS_DO_BIT, EDNS_UDP_PAYLOAD, Flag, Opcode, RRType } from './constants.ts'
import { MessageWriter } from './message-writer.ts'
import { nameToWire } from './name-text.ts'
import { ok, type Result } from '../core/result.ts'
import type { WireError } from './wire-error.ts'

/** How to build a query; every field has a sensible default. */
export interface QueryOptions {
  readonly id?: number
  readonly opcode?: number
  readonly class?: number
  readonly recursionDesired?: boolean
  /** `false` for a classic query without OPT; defaults to EDNS version 0, 1232 bytes. */
  readonly edns?:
    | false
    | { readonly udpPayloadSize?: number; readonly version?: number; readonly dnssecOk?: boolean }
}

/** Encodes a one-question query for `name` (presentation text, case kept). */
export function encodeQuery(
  name: string,
  type: number,
  options: QueryOptions = {},
): Result<Buffer, WireError> {
  const wire = nameToWire(name)
  if (!wire.ok) return wire
  const w = new MessageWriter(512)
  const edns = options.edns ?? {}
  w.u16(options.id ?? 0)
  w.u16(
    ((options.opcode ?? Opcode.QUERY) << 11) | (options.recursionDesired === true ? Flag.RD : 0),
  )
  w.u16(1)
  w.u16(0)
  w.u16(0)
  w.u16(edns === false ? 0 : 1)
  w.bytes(wire.value)
  w.u16(type)
  w.u16(options.class ?? CLASS_IN)
  if (edns !== false) {
    w.u8(0)
    w.u16(RRType.OPT)
    w.u16(edns.udpPayloadSize ?? EDNS_UDP_PAYLOAD)
    w.u8(0)
    w.u8(edns.version ?? 0)
    w.u16(edns.dnssecOk === true ? EDNS_DO_BIT : 0)
    w.u16(0)
  }
  return ok(Buffer.from(w.finish()))
}
