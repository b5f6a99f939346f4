/**
 * Answers one query from the zone index (RFC 1034 §4.3.2, RFC 1035 §4.1, §4.2, §7.3).
 *
 * Implemented: AA on authoritative data; QR set; RD and CD copied; NOTIMP for opcodes other
 * than QUERY (and for AXFR/IXFR when no transfer handler is given, see transfer.ts); REFUSED for classes other than IN and for
 * names outside every served zone; NXDOMAIN and NODATA with the zone SOA in the authority
 * section at TTL min(SOA TTL, MINIMUM) (RFC 2308 §3, §5); CNAME chains followed inside served
 * zones with the final name's rcode (RFC 6604); referrals at delegations with glue; ANY
 * answered over UDP with one RRset (RFC 8482 §4.1) and in full over TCP; the question echoed
 * byte for byte, case kept (RFC 4343 §4.1); name compression; EDNS(0): an OPT in every
 * answer to an OPT, payload 1232, DO copied (RFC 3225 §3), BADVERS for version > 0
 * (RFC 6891 §6.1.3); TC with empty sections when the answer exceeds the UDP payload
 * (512 without EDNS, RFC 1035 §4.2.1; RFC 2181 §9). Split horizon: A/AAAA of a host with LAN
 * addresses answer the LAN address to a client whose address is the host's WAN A or AAAA.
 * Malformed queries get FORMERR when their header is readable, otherwise nothing; responses
 * (QR set) are never answered, so two servers cannot loop.
 */
import {
  CLASS_IN,
  CLASSIC_UDP_PAYLOAD,
  EDNS_UDP_PAYLOAD,
  Flag,
  MAX_MESSAGE_SIZE,
  Opcode,
  Rcode,
  RRType,
} from '../../dns/constants.ts'
import { parseHeader, parseQuery, type Query } from '../../dns/query.ts'
import type { PreparedRRset } from '../index/prepared-rrset.ts'
import { headerOnly, renderResponse, type Plan } from './response-writer.ts'
import type { LookupResult, ZoneLookup } from '../index/zone-index.ts'

/** Answers AXFR/IXFR queries (class IN, opcode QUERY); see transfer.ts. */
export type TransferHandler = (
  q: Query,
  raw: Uint8Array,
  transport: 'udp' | 'tcp',
  client: string,
  /** The TSIG key the query was verified with, if it was signed. */
  key: string | undefined,
) => readonly Buffer[]

/** How the query arrived and where unexpected failures go. */
export interface AnswerOptions {
  readonly transport: 'udp' | 'tcp'
  /** The client's IP address (transfer access lists, split horizon); '' when unknown. */
  readonly client?: string
  /** Receives any exception (a bug); the client then gets SERVFAIL. */
  readonly onError?: (error: unknown) => void
  /** The TSIG key name the query was verified with (transfer access by key). */
  readonly key?: string
  /** Zone transfers; without it AXFR and IXFR get NOTIMP. */
  readonly transfer?: TransferHandler
}

// Longer chains are cut short; the resolver follows the rest itself (RFC 1034 §3.6.2).
const MAX_CNAME_CHAIN = 8

/** The response to `query`, or null when nothing should be sent. Never throws. */
export function answerQuery(
  query: Uint8Array,
  index: ZoneLookup,
  options: AnswerOptions,
): Buffer | null {
  return answerMessages(query, index, options)?.[0] ?? null
}

/** Every response message to `query` (several for a zone transfer), or null. Never throws. */
export function answerMessages(
  query: Uint8Array,
  index: ZoneLookup,
  options: AnswerOptions,
): readonly Buffer[] | null {
  try {
    return respond(query, index, options)
  } catch (e) {
    options.onError?.(e)
    const head = parseHeader(query)
    return head.ok ? [headerOnly(head.value, Rcode.SERVFAIL)] : null
  }
}

function respond(
  query: Uint8Array,
  index: ZoneLookup,
  options: AnswerOptions,
): readonly Buffer[] | null {
  const { transport } = options
  const head = parseHeader(query)
  if (!head.ok || (head.value.flags & Flag.QR) !== 0) return null
  const parsed = parseQuery(query)
  if (!parsed.ok) {
    const notQuery = head.value.opcode !== Opcode.QUERY
    return [headerOnly(head.value, notQuery ? Rcode.NOTIMP : Rcode.FORMERR)]
  }
  const q = parsed.value
  if (options.transfer !== undefined && isTransfer(q)) {
    return options.transfer(q, query, transport, options.client ?? '', options.key)
  }
  const client = options.client === '' ? undefined : options.client
  return [renderResponse(q, plan(q, index, transport, client), sizeLimit(q, transport))]
}

function isTransfer(q: Query): boolean {
  const { type } = q.question
  return (
    (type === RRType.AXFR || type === RRType.IXFR) &&
    q.header.opcode === Opcode.QUERY &&
    q.question.class === CLASS_IN &&
    (q.edns === undefined || q.edns.version === 0)
  )
}

function plan(
  q: Query,
  index: ZoneLookup,
  transport: 'udp' | 'tcp',
  client: string | undefined,
): Plan {
  const { type } = q.question
  if (q.header.opcode !== Opcode.QUERY) return { rcode: Rcode.NOTIMP, aa: false }
  if (q.edns !== undefined && q.edns.version > 0) return { rcode: Rcode.BADVERS, aa: false }
  if (q.question.class !== CLASS_IN) return { rcode: Rcode.REFUSED, aa: false }
  if (type === RRType.AXFR || type === RRType.IXFR) return { rcode: Rcode.NOTIMP, aa: false }
  const first = index.lookup(q.question.name, type, client)
  if (first.kind === 'refused') return { rcode: Rcode.REFUSED, aa: false }
  const aa = first.kind !== 'referral'
  const answer: PreparedRRset[] = []
  const seen = new Set([q.question.name])
  let result: LookupResult = first
  while (result.kind === 'cname') {
    answer.push(result.rrset)
    const target = result.rrset.targets[0]
    if (target === undefined || seen.has(target) || seen.size > MAX_CNAME_CHAIN) {
      return { rcode: Rcode.NOERROR, aa, answer }
    }
    seen.add(target)
    result = index.lookup(target, type, client)
  }
  switch (result.kind) {
    case 'refused':
      // The chain left our zones: the resolver continues from the last CNAME.
      return { rcode: Rcode.NOERROR, aa, answer }
    case 'answer': {
      const onlyOne = type === RRType.ANY && transport === 'udp'
      answer.push(...(onlyOne ? result.rrsets.slice(0, 1) : result.rrsets))
      if (result.additional === undefined || onlyOne) return { rcode: Rcode.NOERROR, aa, answer }
      return { rcode: Rcode.NOERROR, aa, answer, additional: result.additional }
    }
    case 'nodata':
      return { rcode: Rcode.NOERROR, aa, answer, authority: [result.zone.negativeSoa] }
    case 'nxdomain':
      return { rcode: Rcode.NXDOMAIN, aa, answer, authority: [result.zone.negativeSoa] }
    case 'referral':
      return { rcode: Rcode.NOERROR, aa, answer, authority: [result.ns], additional: result.glue }
  }
}

function sizeLimit(q: Query, transport: 'udp' | 'tcp'): number {
  if (transport === 'tcp') return MAX_MESSAGE_SIZE
  if (q.edns === undefined) return CLASSIC_UDP_PAYLOAD
  // RFC 6891 §6.2.5: values below 512 are treated as 512.
  return Math.min(Math.max(q.edns.udpPayloadSize, CLASSIC_UDP_PAYLOAD), EDNS_UDP_PAYLOAD)
}
