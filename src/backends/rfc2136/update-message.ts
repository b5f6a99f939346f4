/**
 * Builds RFC 2136 UPDATE messages: zone section (§2.3), prerequisites (§2.4.2 "RRset exists,
 * value dependent", §2.4.3 "RRset does not exist") and updates (§2.5.2 delete an RRset,
 * §2.5.1 add to an RRset). Each RRset is replaced whole: delete it, then add every value, so
 * sending the same message twice leaves the same zone.
 */
import type { Fqdn } from '../../core/names.ts'
import type { RecordType } from '../../core/records.ts'
import { CLASS_IN, Opcode, RRType, typeCode } from '../../dns/constants.ts'
import { MessageWriter } from '../../dns/message-writer.ts'
import { nameToWire } from '../../dns/name-text.ts'
import { err, ok, type Result } from '../../core/result.ts'

const CLASS_NONE = 254
const CLASS_ANY = 255

/** The content of an RRset as the wire holds it. */
export interface RrsetState {
  readonly ttl: number
  readonly rdata: readonly Buffer[]
}

/** One RRset to make true, with what we believe the server holds now. */
export interface RrsetChange {
  readonly name: Fqdn
  readonly type: RecordType
  /** What the server held when we last wrote or read it; null: absent; undefined: unknown. */
  readonly expect: RrsetState | null | undefined
  /** What it must hold afterwards; null removes it. */
  readonly next: RrsetState | null
}

/** An RRset that must hold exactly these values for the UPDATE to apply (§2.4.2); not changed. */
export interface RrsetRequired {
  readonly name: Fqdn
  readonly type: RecordType
  readonly rdata: readonly Buffer[]
}

/**
 * Encodes an UPDATE for `zone` with message ID `id` (unsigned; sign it afterwards); `required`
 * adds prerequisites on RRsets the message does not change (the zone's ownership marker).
 */
export function encodeUpdate(
  zone: Fqdn,
  id: number,
  changes: readonly RrsetChange[],
  required: readonly RrsetRequired[] = [],
): Result<Buffer, string> {
  const zoneWire = nameToWire(zone)
  if (!zoneWire.ok) return err(zoneWire.error.message)
  const w = new MessageWriter()
  w.u16(id)
  w.u16(Opcode.UPDATE << 11)
  w.u16(1)
  const prCount = 6
  const upCount = 8
  w.u16(0)
  w.u16(0)
  w.u16(0)
  w.name(zoneWire.value)
  w.u16(RRType.SOA)
  w.u16(CLASS_IN)
  let prerequisites = 0
  for (const r of required) {
    const name = nameToWire(r.name)
    if (!name.ok) return err(name.error.message)
    for (const rdata of r.rdata) {
      prerequisites++
      record(w, name.value, r.type, CLASS_IN, 0, rdata)
    }
  }
  for (const c of changes) {
    const name = nameToWire(c.name)
    if (!name.ok) return err(name.error.message)
    if (c.expect === null) {
      prerequisites++
      record(w, name.value, c.type, CLASS_NONE, 0)
    } else if (c.expect !== undefined) {
      for (const rdata of c.expect.rdata) {
        prerequisites++
        record(w, name.value, c.type, CLASS_IN, 0, rdata)
      }
    }
  }
  let updates = 0
  for (const c of changes) {
    const name = nameToWire(c.name)
    if (!name.ok) return err(name.error.message)
    updates++
    record(w, name.value, c.type, CLASS_ANY, 0)
    for (const rdata of c.next?.rdata ?? []) {
      updates++
      record(w, name.value, c.type, CLASS_IN, c.next?.ttl ?? 0, rdata)
    }
  }
  if (w.overflowed) return err('the change set does not fit in one DNS message (64 KiB)')
  w.setU16(prCount, prerequisites)
  w.setU16(upCount, updates)
  return ok(Buffer.from(w.finish()))
}

function record(
  w: MessageWriter,
  name: Buffer,
  type: RecordType,
  klass: number,
  ttl: number,
  rdata?: Buffer,
): void {
  w.name(name)
  w.u16(typeCode(type))
  w.u16(klass)
  w.u32(ttl)
  w.u16(rdata?.length ?? 0)
  if (rdata !== undefined) w.bytes(rdata)
}
