/**
 * The bridge between the store's RRsets (`RecordSet`: a name without the trailing dot and
 * values in presentation form, src/core/records.ts) and this folder's wire RRsets, through
 * the same lexer and rdata codec that read zone files, so a value means what it would mean
 * on a line of a master file. Names in values are taken as absolute, dot or no dot.
 */
import { err, ok, type Result } from '../core/result.ts'
import type { RecordSet, ZoneHead } from '../core/records.ts'
import { RRType } from '../dns/constants.ts'
import { parseRdata } from './rdata-parse.ts'
import { typeCodeOf } from './rr-types.ts'
import type { RRset } from './rrset.ts'
import { EntryJoiner } from './tokens.ts'

/** Wire rdata of one presentation value of type `type` (`A`, `MX`, …). */
export function valueRdata(type: string, value: string): Result<Buffer, string> {
  const code = typeCodeOf(type)
  if (code === undefined) return err(`unknown type ${type}`)
  const entry = new EntryJoiner().push(` ${value}`, 1)
  if (!entry.ok) return entry
  return parseRdata(code, entry.value?.tokens ?? [], '.')
}

/** An RRset in the store's form: `RecordSet`, or the apex's SOA and NS (any type mnemonic). */
export type PresentationSet = Omit<RecordSet, 'type'> & { readonly type: string }

/** A store RRset as a wire RRset (owner with the trailing dot); the error names the record. */
export function recordSetRRset(set: PresentationSet): Result<RRset, string> {
  const rdata: Buffer[] = []
  for (const value of set.values) {
    const r = valueRdata(set.type, value)
    if (!r.ok) return err(`${set.name}. ${set.type}: ${r.error}`)
    rdata.push(r.value)
  }
  const type = typeCodeOf(set.type) ?? 0
  return ok({ owner: `${set.name}.`, type, ttl: set.ttl, rdata })
}

/** The apex RRsets of a zone head: its SOA and NS, as every backend serves them. */
export function headRRsets(head: ZoneHead): Result<RRset[], string> {
  const { soa } = head
  const soaText = `${soa.mname}. ${soa.rname}. ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`
  const sets: PresentationSet[] = [
    { name: head.name, type: 'SOA', ttl: head.ttl, values: [soaText] },
    { name: head.name, type: 'NS', ttl: head.ttl, values: head.ns.map((n) => `${n}.`) },
  ]
  const out: RRset[] = []
  for (const set of sets) {
    const r = recordSetRRset(set)
    if (!r.ok) return r
    out.push(r.value)
  }
  return ok(out.filter((s) => s.type !== RRType.NS || s.rdata.length > 0))
}
