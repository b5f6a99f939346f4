/**
 * A zone as the backends are given it (`ZoneSnapshot`: the apex from the config, RRsets with
 * presentation values, src/core/records.ts) as this folder's wire RRsets, for the zone-file
 * writer and the import plan. Values go through the one value codec (`record-value.ts`).
 */
import type { RecordSet, ZoneHead } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import { RRType, typeCode } from '../dns/constants.ts'
import { parseRdata } from './rdata-parse.ts'
import { encodeRdata } from './record-value.ts'
import type { RRset } from './rrset.ts'
import { EntryJoiner } from './tokens.ts'

/** A store RRset as a wire RRset (owner with the trailing dot); the error names the record. */
export function recordSetRRset(set: RecordSet): Result<RRset, string> {
  const rdata: Buffer[] = []
  for (const value of set.values) {
    const r = encodeRdata(set.type, value)
    if (!r.ok) return err(`${set.name}. ${set.type}: ${r.error.message}`)
    rdata.push(r.value)
  }
  return ok({ owner: `${set.name}.`, type: typeCode(set.type), ttl: set.ttl, rdata })
}

/** The apex RRsets of a zone head: its SOA and NS, as every backend serves them. */
export function headRRsets(head: ZoneHead): Result<RRset[], string> {
  const { soa } = head
  const text = `${soa.mname}. ${soa.rname}. ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`
  const entry = new EntryJoiner().push(` ${text}`, 1)
  if (!entry.ok) return err(`${head.name}. SOA: ${entry.error}`)
  const rdata = parseRdata(RRType.SOA, entry.value?.tokens ?? [], '.')
  if (!rdata.ok) return err(`${head.name}. SOA: ${rdata.error}`)
  const out: RRset[] = [
    { owner: `${head.name}.`, type: RRType.SOA, ttl: head.ttl, rdata: [rdata.value] },
  ]
  if (head.ns.length === 0) return ok(out)
  const ns = recordSetRRset({ name: head.name, type: 'NS', ttl: head.ttl, values: head.ns })
  if (!ns.ok) return ns
  return ok([...out, ns.value])
}
