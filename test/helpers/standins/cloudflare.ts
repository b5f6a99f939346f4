/**
 * A Cloudflare API v4 stand-in (DNS records only), following the documented API: Bearer
 * token auth (403 code 10000 otherwise), `GET /zones?name=`, `GET/POST
 * /zones/{id}/dns_records` with `page`/`per_page` and `result_info`, `PUT`/`PATCH`/`DELETE
 * /zones/{id}/dns_records/{id}`, `{success, errors, messages, result}` envelopes, 400 with
 * code 9005 for invalid content; the documented record types only, MX with `priority` and
 * SRV, CAA, SSHFP, TLSA, DS, SVCB and HTTPS with `data` (`content` built from it). `pageCap`
 * forces pagination with few records.
 */
import { isIP } from 'node:net'
import { randomUUID } from 'node:crypto'
import {
  startStandin,
  type Standin,
  type StandinReply,
  type StandinRequest,
} from './http-standin.ts'

/** A stored record, as Cloudflare returns it. */
export interface CfStoredRecord {
  id: string
  zone_id: string
  zone_name: string
  name: string
  type: string
  content: string
  ttl: number
  proxied: boolean
  priority?: number
  data?: Record<string, unknown>
}

/** The stand-in and its state. */
export interface CloudflareStandin extends Standin {
  readonly zoneId: string
  readonly records: Map<string, CfStoredRecord>
}

// The record types the API documents, and the `data` keys of the structured ones.
const CF_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CERT',
  'CNAME',
  'DNSKEY',
  'DS',
  'HTTPS',
  'LOC',
  'MX',
  'NAPTR',
  'NS',
  'OPENPGPKEY',
  'PTR',
  'SMIMEA',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
  'URI',
]
const DATA_KEYS: Partial<Record<string, string[]>> = {
  SRV: ['priority', 'weight', 'port', 'target'],
  CAA: ['flags', 'tag', 'value'],
  SSHFP: ['algorithm', 'type', 'fingerprint'],
  TLSA: ['usage', 'selector', 'matching_type', 'certificate'],
  DS: ['key_tag', 'algorithm', 'digest_type', 'digest'],
  SVCB: ['priority', 'target', 'value'],
  HTTPS: ['priority', 'target', 'value'],
}

// `content` as Cloudflare shows it for a structured record (built from `data`).
function contentOf(type: string, data: Record<string, unknown>): string {
  const keys = DATA_KEYS[type] ?? []
  // SRV's priority is shown in its own field; CAA's value quoted.
  const shown = type === 'SRV' ? keys.slice(1) : keys
  return shown
    .map((k) => (type === 'CAA' && k === 'value' ? JSON.stringify(data[k]) : String(data[k])))
    .join(' ')
    .trimEnd()
}

// Why a body is refused for its type, or null.
function refusal(b: Partial<CfStoredRecord>): [number, string] | null {
  const type = b.type ?? ''
  if (!CF_TYPES.includes(type)) return [9003, `Invalid DNS record type: ${type}`]
  const keys = DATA_KEYS[type]
  if (keys !== undefined) {
    const data = b.data
    if (data === undefined || keys.some((k) => data[k] === undefined || data[k] === ''))
      return [9101, `${type} record requires data with ${keys.join(', ')}`]
    return null
  }
  if (typeof b.content !== 'string' || b.content === '') return [9000, 'DNS content is required']
  if (type === 'MX' && typeof b.priority !== 'number') return [9100, 'MX priority is required']
  if ((type === 'A' && isIP(b.content) !== 4) || (type === 'AAAA' && isIP(b.content) !== 6))
    return [9005, `Content for ${type} record is invalid.`]
  return null
}

const fail = (status: number, code: number, message: string): StandinReply => ({
  status,
  body: { success: false, errors: [{ code, message }], messages: [], result: null },
})
const done = (result: unknown, extra: object = {}): StandinReply => ({
  status: 200,
  body: { success: true, errors: [], messages: [], result, ...extra },
})

/** Starts a stand-in holding one zone. */
export async function startCloudflareStandin(
  zoneName: string,
  token: string,
  pageCap = 5,
): Promise<CloudflareStandin> {
  const zoneId = randomUUID().replace(/-/g, '')
  const records = new Map<string, CfStoredRecord>()
  const route = (req: StandinRequest): StandinReply => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return fail(403, 10000, 'Authentication error')
    const path = req.url.pathname.replace(/^\/client\/v4/, '')
    if (req.method === 'GET' && path === '/zones') {
      const name = req.url.searchParams.get('name')
      return done(name === zoneName ? [{ id: zoneId, name: zoneName }] : [], {
        result_info: { page: 1, per_page: 20, count: 0, total_count: 0, total_pages: 1 },
      })
    }
    const m = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path)
    if (m === null || m[1] !== zoneId) return fail(404, 7003, 'Could not route to ' + path)
    const id = m[2]
    if (id === undefined && req.method === 'GET') return list(req)
    if (id === undefined && req.method === 'POST')
      return write(randomUUID().replace(/-/g, ''), req.body)
    if (id !== undefined && !records.has(id)) return fail(404, 81044, 'Record does not exist.')
    if (id !== undefined && (req.method === 'PUT' || req.method === 'PATCH'))
      return write(id, req.body)
    if (id !== undefined && req.method === 'DELETE') {
      records.delete(id)
      return done({ id })
    }
    return fail(405, 10405, 'Method not allowed')
  }
  const list = (req: StandinRequest): StandinReply => {
    const page = Number(req.url.searchParams.get('page') ?? '1')
    const perPage = Math.min(Number(req.url.searchParams.get('per_page') ?? '100'), pageCap)
    const all = [...records.values()]
    const slice = all.slice((page - 1) * perPage, page * perPage)
    const totalPages = Math.max(1, Math.ceil(all.length / perPage))
    return done(slice, {
      result_info: {
        page,
        per_page: perPage,
        count: slice.length,
        total_count: all.length,
        total_pages: totalPages,
      },
    })
  }
  const write = (id: string, body: unknown): StandinReply => {
    const b = body as Partial<CfStoredRecord> | null
    if (b === null || typeof b.type !== 'string' || typeof b.name !== 'string') {
      return fail(400, 9000, 'DNS name and type are required')
    }
    const refused = refusal(b)
    if (refused !== null) return fail(400, ...refused)
    const ttl = b.ttl ?? 1
    if (ttl !== 1 && (ttl < 30 || ttl > 86400)) return fail(400, 9021, 'Invalid TTL')
    const stored: CfStoredRecord = {
      id,
      zone_id: zoneId,
      zone_name: zoneName,
      name: b.name,
      type: b.type,
      content: b.data === undefined ? (b.content ?? '') : contentOf(b.type, b.data),
      ttl,
      proxied: b.proxied ?? false,
      // SRV's priority is shown in the record's `priority` too.
      ...(typeof b.priority === 'number' ? { priority: b.priority } : {}),
      ...(b.type === 'SRV' && typeof b.data?.priority === 'number'
        ? { priority: b.data.priority }
        : {}),
      ...(b.data === undefined ? {} : { data: b.data }),
    }
    records.set(id, stored)
    return done(stored)
  }
  const standin = await startStandin(route)
  return { ...standin, url: `${standin.url}/client/v4`, zoneId, records }
}
