/**
 * The UPDATE server (RFC 2136) on the built-in server's port, for TSIG-signed requests only
 * (RFC 8945). It reads the message, turns its sections into core's prerequisites and changes,
 * and lets core's `RecordUpdateService` decide, store and publish, as every writer does.
 *
 * Implemented: TSIG required, checked before anything else (RFC 8945 §5.2): unsigned → REFUSED,
 * unknown key → NOTAUTH/BADKEY and bad MAC → NOTAUTH/BADSIG (both unsigned, §5.3.2), clock
 * outside the fudge → NOTAUTH/BADTIME (signed, our time in Other Data); the zone section
 * (§3.1: one SOA entry of class IN, else FORMERR; a name that is no served zone → NOTAUTH);
 * prerequisites (§3.2) with their rcodes; permission per key (§3.3, see core/update/update-policy.ts)
 * → REFUSED; the prescan (§3.4.1) → FORMERR; the changes (§3.4.2) all or nothing; every
 * answer to a verified request signed with the request's MAC (RFC 8945 §4.3.1).
 * Owner names may be wildcards (`*.name`); values of every record type a zone holds are read
 * into the zone codec's canonical form. Every request not applied is logged once with the key,
 * zone, owner, type, rcode and reason.
 * Not implemented: forwarding to a primary (dynzone is the primary), changes of the SOA and
 * the apex NS (the config's), TTLs from the request for hosts' dynamic records.
 */
import { RECORD_TYPES, type RecordType } from '../../core/records.ts'
import { canonicalValue } from '../../zone/record-value.ts'
import { parseName, type Fqdn } from '../../core/names.ts'
import type {
  Prerequisite,
  RecordChange,
  RecordUpdate,
  RecordUpdateError,
  RecordUpdateResult,
} from '../../core/update/record-update.ts'
import type { Result } from '../../core/result.ts'
import type { UpdatePrincipal } from '../../core/update/update-policy.ts'
import { CLASS_IN, Flag, Opcode, Rcode, RRType, typeName } from '../../dns/constants.ts'
import { parseHeader } from '../../dns/query.ts'
import type { TsigKey } from '../../dns/tsig.ts'
import { parseUpdate, type UpdateMessage, type UpdateRecord } from '../../dns/update-message.ts'
import { headerOnly } from '../answer/response-writer.ts'
import type { SignedRequest } from '../tsig/tsig-gate.ts'
import { signedReply, type ReplyParts } from '../tsig/tsig-reply.ts'
import type { DnsLogger } from '../dns-logger.ts'
import type { BridgedZones } from './bridged-zones.ts'

/** A TSIG key the server knows, with what it may change. */
export interface UpdateKey {
  readonly key: TsigKey
  readonly principal: UpdatePrincipal
}

/** What the UPDATE server needs: keys by lowercase name, core's service, the clock. */
export interface UpdateHandlerOptions {
  readonly keys: ReadonlyMap<string, UpdateKey>
  readonly updates: {
    update(u: RecordUpdate): Promise<Result<RecordUpdateResult, RecordUpdateError>>
  }
  /** Seconds since the epoch. */
  readonly now: () => number
  readonly logger?: DnsLogger
  /** Told of each request whose TSIG key or MAC was bad (BADKEY, BADSIG), by client address. */
  readonly keyFailed?: (client: string) => void
  /** Zones taken UPDATEs for but served elsewhere: their SOA answers signed SOA queries. */
  readonly bridged?: BridgedZones
}

const CLASS_NONE = 254
const CLASS_ANY = 255
const NOT_ADDABLE = new Set<number>([RRType.ANY, RRType.AXFR, RRType.IXFR, 253, 254])

const RCODES: Record<RecordUpdateError['code'], number> = {
  nxdomain: Rcode.NXDOMAIN,
  yxdomain: Rcode.YXDOMAIN,
  nxrrset: Rcode.NXRRSET,
  yxrrset: Rcode.YXRRSET,
  refused: Rcode.REFUSED,
  notauth: Rcode.NOTAUTH,
  notzone: Rcode.NOTZONE,
  servfail: Rcode.SERVFAIL,
}

/** The response to one UPDATE message (already through the TSIG gate), or null. */
export async function answerUpdate(
  message: Buffer,
  signed: SignedRequest | undefined,
  client: string,
  o: UpdateHandlerOptions,
): Promise<Buffer | null> {
  const head = parseHeader(message)
  if (!head.ok || (head.value.flags & Flag.QR) !== 0) return null
  if (signed === undefined) {
    o.logger?.warn({ client }, 'DNS UPDATE refused: not signed (TSIG required)')
    return headerOnly(head.value, Rcode.REFUSED)
  }
  const { key, mac } = signed
  const reply = (rcode: number, parts?: ReplyParts): Buffer =>
    signedReply(message, rcode, key, mac, o.now(), parts)
  const log = { client, key: key.name }
  const parsed = parseUpdate(message)
  if (!parsed.ok) {
    refused(o, { ...log, rcode: Rcode.FORMERR, reason: 'malformed UPDATE message' })
    return reply(Rcode.FORMERR)
  }
  const u = parsed.value
  const parts = { zoneWire: u.zoneWire, zoneType: u.zoneType, zoneClass: u.zoneClass }
  const zoneLog = { ...log, zone: u.zone }
  if (u.zoneType !== RRType.SOA || u.zoneClass !== CLASS_IN) {
    const reason = 'the zone section must hold one SOA entry of class IN'
    refused(o, { ...zoneLog, rcode: Rcode.FORMERR, reason })
    return reply(Rcode.FORMERR, parts)
  }
  const principal = o.keys.get(key.name)?.principal
  const request = toCore(u, principal ?? { keyName: key.name, grants: [] }, client)
  if (!request.ok) {
    refused(o, { ...zoneLog, ...request.error })
    return reply(request.error.rcode, parts)
  }
  const result = await o.updates.update(request.value)
  if (result.ok) {
    o.logger?.info(
      {
        ...zoneLog,
        rcode: Rcode.NOERROR,
        changed: result.value.changed,
        // Adds RFC 2136 §3.4.2.2 ignores (a CNAME beside other data) are said, not silent.
        ...(result.value.ignored.length === 0 ? {} : { ignored: result.value.ignored }),
      },
      'DNS UPDATE applied',
    )
    return reply(Rcode.NOERROR, parts)
  }
  const { code, message: reason, name, type } = result.error
  refused(o, {
    ...zoneLog,
    rcode: RCODES[code],
    reason,
    ...(name === undefined ? {} : { owner: name }),
    ...(type === undefined ? {} : { type }),
  })
  return reply(RCODES[code], parts)
}

/** Why one UPDATE was not applied: the rcode, and the record it was about when there is one. */
interface Refusal {
  readonly rcode: number
  readonly reason: string
  /** The owner name (`owner`: the logger's own `name` field is the program's). */
  readonly owner?: string
  readonly type?: string
}

// Every UPDATE not applied is logged once, with the key, zone, name, type and reason.
function refused(o: UpdateHandlerOptions, fields: Refusal & object): void {
  o.logger?.warn({ ...fields, rcodeName: rcodeName(fields.rcode) }, 'DNS UPDATE not applied')
}

function rcodeName(rcode: number): string {
  return Object.entries(Rcode).find(([, v]) => v === rcode)?.[0] ?? String(rcode)
}

/** True for a message that the UPDATE server should answer. */
export function isUpdate(raw: Uint8Array): boolean {
  const head = parseHeader(raw)
  return head.ok && head.value.opcode === Opcode.UPDATE
}

// The sections as core's prerequisites and changes; an rcode when the message is malformed.
function toCore(
  u: UpdateMessage,
  principal: UpdatePrincipal,
  client: string,
): Result<RecordUpdate, Refusal> {
  const zone = parseName(u.zone)
  if (!zone.ok) {
    return {
      ok: false,
      error: { rcode: Rcode.NOTAUTH, reason: `${u.zone} is no zone served here` },
    }
  }
  const prerequisites: Prerequisite[] = []
  const equals = new Map<string, { name: Fqdn; type: string; values: string[] }>()
  for (const r of u.prerequisites) {
    const p = prerequisite(r, equals)
    if (p !== undefined && 'rcode' in p) return { ok: false, error: p }
    if (p !== undefined) prerequisites.push(p)
  }
  for (const e of equals.values()) prerequisites.push({ kind: 'rrset-equals', ...e })
  const changes: RecordChange[] = []
  for (const r of u.updates) {
    const c = change(r)
    if ('rcode' in c) return { ok: false, error: c }
    changes.push(c)
  }
  return {
    ok: true,
    value: {
      zone: zone.value,
      prerequisites,
      changes,
      principal,
      dialect: 'rfc2136',
      clientIp: client,
    },
  }
}

// RFC 2136 §3.2.1–3.2.3; value-dependent prerequisites are gathered per RRset (§3.2.3).
function prerequisite(
  r: UpdateRecord,
  equals: Map<string, { name: Fqdn; type: string; values: string[] }>,
): Prerequisite | Refusal | undefined {
  if (r.ttl !== 0) return formErr(r, 'a prerequisite must have TTL 0 (RFC 2136 §2.4)')
  const name = ownerName(r)
  if (typeof name !== 'string') return name
  const type = typeName(r.type)
  if (r.class === CLASS_ANY || r.class === CLASS_NONE) {
    if (r.data !== undefined) return formErr(r, 'a class ANY or NONE prerequisite has no data')
    const any = r.type === RRType.ANY
    if (r.class === CLASS_ANY) {
      return any ? { kind: 'name-in-use', name } : { kind: 'rrset-exists', name, type }
    }
    return any ? { kind: 'name-not-in-use', name } : { kind: 'rrset-absent', name, type }
  }
  if (r.class !== CLASS_IN || r.data === undefined) {
    return formErr(r, 'a prerequisite is of class IN (with data), ANY or NONE')
  }
  const key = `${name} ${type}`
  const entry = equals.get(key) ?? { name, type, values: [] }
  entry.values.push(normalize(r.type, r.data))
  equals.set(key, entry)
  return undefined
}

// RFC 2136 §3.4.1.3 (prescan) and §2.5.1–2.5.4.
function change(r: UpdateRecord): RecordChange | Refusal {
  const name = ownerName(r)
  if (typeof name !== 'string') return name
  const type = typeName(r.type)
  if (r.class === CLASS_IN) {
    if (NOT_ADDABLE.has(r.type)) return formErr(r, `${type} cannot be added`)
    if (r.data === undefined) return formErr(r, 'an added record has data')
    return { kind: 'add', name, type, ttl: r.ttl, value: normalize(r.type, r.data) }
  }
  if (r.ttl !== 0) return formErr(r, 'a deletion must have TTL 0 (RFC 2136 §2.5)')
  if (r.class === CLASS_ANY) {
    if (r.data !== undefined || (NOT_ADDABLE.has(r.type) && r.type !== RRType.ANY)) {
      return formErr(r, 'a class ANY deletion has no data and an ordinary type or ANY')
    }
    return r.type === RRType.ANY
      ? { kind: 'delete-name', name }
      : { kind: 'delete-rrset', name, type }
  }
  if (r.class === CLASS_NONE && !NOT_ADDABLE.has(r.type) && r.data !== undefined) {
    return { kind: 'delete-value', name, type, value: normalize(r.type, r.data) }
  }
  return formErr(r, 'an update record is of class IN, ANY or NONE')
}

// A name dynzone cannot hold is outside anything it manages; `*` may be the first label
// (a wildcard owner, RFC 4592), as the zone record service reads owner names.
function ownerName(r: UpdateRecord): Fqdn | Refusal {
  const text = r.name.toLowerCase().replace(/\.$/, '')
  const wild = text.startsWith('*.')
  const name = parseName(wild ? text.slice(2) : text)
  if (name.ok) return (wild ? `*.${name.value}` : name.value) as Fqdn
  return { rcode: Rcode.REFUSED, reason: name.error.message, ...about(r) }
}

function formErr(r: UpdateRecord, reason: string): Refusal {
  return { rcode: Rcode.FORMERR, reason, ...about(r) }
}

function about(r: UpdateRecord): { owner: string; type: string } {
  return { owner: r.name.toLowerCase().replace(/\.$/, ''), type: typeName(r.type) }
}

// Values of the types a zone holds in their one canonical form (src/zone's codec), so they
// compare exactly with what the store holds; other types are kept as read (core refuses them).
function normalize(type: number, data: string): string {
  const mnemonic = typeName(type)
  if (!isRecordType(mnemonic)) return data
  const canonical = canonicalValue(mnemonic, data)
  return canonical.ok ? canonical.value : data
}

function isRecordType(type: string): type is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(type)
}
