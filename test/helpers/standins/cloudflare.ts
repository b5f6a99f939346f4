/**
 * A Cloudflare API v4 stand-in (DNS records only), following the documented API: Bearer
 * token auth (403 code 10000 otherwise), `GET /zones?name=`, `GET/POST
 * /zones/{id}/dns_records` with `page`/`per_page` and `result_info`, `PUT`/`PATCH`/`DELETE
 * /zones/{id}/dns_records/{id}`, `{success, errors, messages, result}` envelopes, 400 with
 * code 9005 for invalid content. `pageCap` forces pagination with few records.
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
}

/** The stand-in and its state. */
export interface CloudflareStandin extends Standin {
  readonly zoneId: string
  readonly records: Map<string, CfStoredRecord>
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
    if (
      b === null ||
      typeof b.type !== 'string' ||
      typeof b.name !== 'string' ||
      typeof b.content !== 'string'
    ) {
      return fail(400, 9000, 'DNS name, type and content are required')
    }
    if ((b.type === 'A' && isIP(b.content) !== 4) || (b.type === 'AAAA' && isIP(b.content) !== 6)) {
      return fail(400, 9005, `Content for ${b.type} record is invalid.`)
    }
    const ttl = b.ttl ?? 1
    if (ttl !== 1 && (ttl < 30 || ttl > 86400)) return fail(400, 9021, 'Invalid TTL')
    const stored: CfStoredRecord = {
      id,
      zone_id: zoneId,
      zone_name: zoneName,
      name: b.name,
      type: b.type,
      content: b.content,
      ttl,
      proxied: b.proxied ?? false,
    }
    records.set(id, stored)
    return done(stored)
  }
  const standin = await startStandin(route)
  return { ...standin, url: `${standin.url}/client/v4`, zoneId, records }
}
