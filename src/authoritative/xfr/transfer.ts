/**
 * Zone transfers out of the index: AXFR (RFC 5936) and IXFR (RFC 1995).
 *
 * Implemented: AXFR over TCP as SOA, every RRset, SOA, split over several messages of about
 * 16 KB each (RFC 5936 §2.2; the question only in the first); IXFR over TCP as one condensed
 * difference sequence from the client's serial to now (RFC 1995 §4, §5), the single current
 * SOA when the client is up to date, and an AXFR-style answer when the journal does not reach
 * back to the client's serial; IXFR over UDP answered with the current SOA only, which tells
 * the client to come back over TCP (RFC 1995 §2); AXFR over UDP gets FORMERR (RFC 5936 §4.2);
 * NOTAUTH for a name that is not a served zone's apex; REFUSED when the access list says no
 * (RFC 5936 §5); the OPT record in every message when the query had one.
 * Not implemented: TSIG-signed transfers (RFC 8945), serials compared other than by RFC 1982.
 */
import { serialGreater } from '../../dns/serial.ts'
import { Flag, HEADER_SIZE, MAX_MESSAGE_SIZE, Rcode, RRType } from '../../dns/constants.ts'
import { MessageWriter } from '../../dns/message-writer.ts'
import type { Query } from '../../dns/query.ts'
import type { JournalDelta, ZoneJournal } from '../index/journal.ts'
import type { PreparedRRset } from '../index/prepared-rrset.ts'
import { writeHeader, writeOpt } from '../answer/response-writer.ts'
import { ixfrClientSerial } from './xfr-request.ts'

/** What a transfer needs of one zone (a `ZoneData` fits). */
export interface TransferZone {
  readonly soa: PreparedRRset
  readonly soaFields: { readonly serial: number }
  readonly journal: ZoneJournal
  prepared(): Iterable<PreparedRRset>
  get(owner: string, type: number): PreparedRRset | undefined
}

/** Where transfers find zones by apex (a `ZoneIndex` fits). */
export interface TransferSource {
  zone(name: string): TransferZone | undefined
}

interface WireRecord {
  readonly ownerWire: Buffer
  readonly record: Buffer
}

// Small messages keep a slow secondary's first bytes flowing; 64 KB is only the hard cap.
const SOFT_MESSAGE_SIZE = 16_384
const OPT_SIZE = 11

/** The response messages to an AXFR or IXFR query; `allowed` is the access list's verdict. */
export function answerTransfer(
  q: Query,
  raw: Uint8Array,
  transport: 'udp' | 'tcp',
  source: TransferSource,
  allowed: boolean,
): Buffer[] {
  const zone = source.zone(q.question.name)
  if (zone === undefined) return messages(q, [], Rcode.NOTAUTH, false)
  if (!allowed) return messages(q, [], Rcode.REFUSED, false)
  const isAxfr = q.question.type === RRType.AXFR
  if (isAxfr && transport === 'udp') return messages(q, [], Rcode.FORMERR, false)
  if (isAxfr) return messages(q, axfr(zone), Rcode.NOERROR, true)
  const clientSerial = ixfrClientSerial(raw)
  if (!clientSerial.ok) return messages(q, [], Rcode.FORMERR, false)
  const current = zone.soaFields.serial
  const soa = records(zone.soa)
  if (transport === 'udp' || !serialGreater(current, clientSerial.value)) {
    return messages(q, soa, Rcode.NOERROR, true)
  }
  const delta = zone.journal.since(clientSerial.value)
  if (delta === undefined) return messages(q, axfr(zone), Rcode.NOERROR, true)
  return messages(q, ixfr(zone, delta), Rcode.NOERROR, true)
}

function* axfr(zone: TransferZone): Generator<WireRecord> {
  yield* records(zone.soa)
  for (const rrset of zone.prepared()) yield* records(rrset)
  yield* records(zone.soa)
}

// RFC 1995 §4: new SOA, then per step old SOA, deletions, new SOA, additions; closing SOA.
function* ixfr(zone: TransferZone, delta: JournalDelta): Generator<WireRecord> {
  const deleted: WireRecord[] = []
  const added: WireRecord[] = []
  for (const [key, old] of delta.before) {
    const space = key.lastIndexOf(' ')
    const now = zone.get(key.slice(0, space), Number(key.slice(space + 1)))
    deleted.push(...difference(old, now))
    added.push(...difference(now ?? null, old ?? undefined))
  }
  yield* records(zone.soa)
  yield* records(delta.fromSoa)
  yield* deleted
  yield* records(zone.soa)
  yield* added
  yield* records(zone.soa)
}

// Records of `a` that `b` does not hold byte for byte (TTL included, so a TTL change is a
// deletion plus an addition).
function difference(a: PreparedRRset | null, b: PreparedRRset | undefined): WireRecord[] {
  if (a === null) return []
  return a.records
    .filter((r) => b?.records.some((other) => other.equals(r)) !== true)
    .map((record) => ({ ownerWire: a.ownerWire, record }))
}

function records(rrset: PreparedRRset): WireRecord[] {
  return rrset.records.map((record) => ({ ownerWire: rrset.ownerWire, record }))
}

/** Lays `items` out over as many messages as needed. */
function messages(q: Query, items: Iterable<WireRecord>, rcode: number, aa: boolean): Buffer[] {
  const out: Buffer[] = []
  const reserve = q.edns === undefined ? 0 : OPT_SIZE
  let w = begin(q, true)
  let count = 0
  for (const item of items) {
    if (count > 0 && w.length > SOFT_MESSAGE_SIZE) {
      out.push(end(w, q, count, rcode, aa, out.length === 0))
      w = begin(q, false)
      count = 0
    }
    const mark = w.length
    w.name(item.ownerWire)
    w.bytes(item.record)
    if (w.overflowed || w.length + reserve > MAX_MESSAGE_SIZE) {
      // Only a record larger than an empty message can fail twice; that cannot be encoded.
      if (count === 0) throw new Error('a record does not fit in one DNS message')
      w.truncate(mark)
      out.push(end(w, q, count, rcode, aa, out.length === 0))
      w = begin(q, false)
      w.name(item.ownerWire)
      w.bytes(item.record)
      count = 0
    }
    count++
  }
  out.push(end(w, q, count, rcode, aa, out.length === 0))
  return out
}

function begin(q: Query, first: boolean): MessageWriter {
  const w = new MessageWriter(MAX_MESSAGE_SIZE)
  w.bytes(Buffer.alloc(HEADER_SIZE))
  if (first) {
    w.name(q.question.nameWire)
    w.u16(q.question.type)
    w.u16(q.question.class)
  }
  return w
}

function end(
  w: MessageWriter,
  q: Query,
  count: number,
  rcode: number,
  aa: boolean,
  first: boolean,
): Buffer {
  if (q.edns !== undefined) writeOpt(w, rcode, q.edns.dnssecOk)
  const flags = Flag.QR | (aa ? Flag.AA : 0) | (q.header.flags & Flag.RD) | (rcode & 0x0f)
  writeHeader(w, q.header.id, flags, [first ? 1 : 0, count, 0, 0], q.edns === undefined ? 0 : 1)
  return Buffer.from(w.finish())
}
