/**
 * Test helpers that let DNS expectations be written as zone-file lines
 * (`myhost.dyn.example.test. 60 IN A 203.0.113.10`): absolute owner names, TTL, class IN,
 * type, then the value in presentation format.
 */
import type { Fqdn } from '../../src/core/names.ts'
import {
  RECORD_TYPES,
  type RecordSet,
  type RecordType,
  type ZoneSnapshot,
} from '../../src/core/records.ts'
import { typeName } from '../../src/dns/constants.ts'
import type { DecodedRecord } from '../../src/dns/decode-message.ts'

/** One parsed zone-file line. */
export interface ZoneLine {
  readonly name: Fqdn
  readonly ttl: number
  readonly type: string
  readonly value: string
}

/** Parses `name ttl IN TYPE value…` lines; blank lines and `;` comments are skipped. */
export function parseZoneLines(text: string): ZoneLine[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith(';'))
    .map((line) => {
      const m = /^(\S+)\s+(\d+)\s+IN\s+([A-Z0-9]+)\s+(.*)$/.exec(line)
      if (m === null) throw new Error(`not a zone-file line: ${line}`)
      const [, name = '', ttl = '', type = '', value = ''] = m
      return { name: name.replace(/\.$/, '').toLowerCase() as Fqdn, ttl: Number(ttl), type, value }
    })
}

/** Groups lines into RRsets (one per name and type), in order of first appearance. */
export function recordSetsFromLines(text: string): RecordSet[] {
  const sets = new Map<string, { name: Fqdn; type: RecordType; ttl: number; values: string[] }>()
  for (const line of parseZoneLines(text)) {
    if (!(RECORD_TYPES as readonly string[]).includes(line.type)) {
      throw new Error(`type ${line.type} is not a managed record type`)
    }
    const key = `${line.name} ${line.type}`
    const set = sets.get(key)
    if (set === undefined) {
      sets.set(key, {
        name: line.name,
        type: line.type as RecordType,
        ttl: line.ttl,
        values: [line.value],
      })
    } else {
      set.values.push(line.value)
    }
  }
  return [...sets.values()]
}

/** A snapshot from zone-file lines: the SOA line names the zone, apex NS lines fill `ns`. */
export function zoneFromLines(text: string): ZoneSnapshot {
  const lines = parseZoneLines(text)
  const soa = lines.find((l) => l.type === 'SOA')
  if (soa === undefined) throw new Error('zone text needs an SOA line')
  const [mname = '', rname = '', ...timers] = soa.value.split(/\s+/)
  const [serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0] = timers.map(Number)
  const zone = soa.name
  const isApexNs = (l: ZoneLine): boolean => l.name === zone && l.type === 'NS'
  const rest = lines.filter((l) => l.type !== 'SOA' && !isApexNs(l))
  return {
    name: zone,
    ttl: soa.ttl,
    soa: { mname: bare(mname), rname: bare(rname), serial, refresh, retry, expire, minimum },
    ns: lines.filter(isApexNs).map((l) => bare(l.value)),
    records: recordSetsFromLines(
      rest.map((l) => `${l.name}. ${l.ttl} IN ${l.type} ${l.value}`).join('\n'),
    ),
  }
}

// Which fields of a decoded value are domain names, to print them absolute (with the dot).
const NAME_FIELDS: Readonly<Record<string, readonly number[]>> = {
  NS: [0],
  CNAME: [0],
  MX: [1],
  SRV: [3],
  SOA: [0, 1],
}

/** A decoded record as a zone-file line, names in the value made absolute. */
export function recordLine(rr: DecodedRecord): string {
  const type = typeName(rr.type)
  const fields = NAME_FIELDS[type]
  let value = rr.data
  if (fields !== undefined) {
    const parts = value.split(' ')
    for (const i of fields) parts[i] = absolute(parts[i] ?? '')
    value = parts.join(' ')
  }
  return `${absolute(rr.name)} ${rr.ttl} IN ${type} ${value}`
}

function absolute(name: string): string {
  return name === '.' || name.endsWith('.') ? name : `${name}.`
}

function bare(name: string): Fqdn {
  return name.replace(/\.$/, '').toLowerCase() as Fqdn
}
