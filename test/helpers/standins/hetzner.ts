/**
 * A Hetzner DNS API v1 stand-in, following the documented API: `Auth-API-Token` header
 * (401 `{"message": "Invalid authentication credentials"}` otherwise), `GET /zones?name=`
 * (404 for an unknown name), `GET /records?zone_id=&page=&per_page=` with
 * `meta.pagination`, `POST /records`, `GET`/`PUT`/`DELETE /records/{id}`, 422 with
 * `error.message` for invalid data. The zone starts with Hetzner's SOA and NS records.
 * `pageCap` forces pagination.
 */
import { isIP } from 'node:net'
import { randomBytes } from 'node:crypto'
import {
  startStandin,
  type Standin,
  type StandinReply,
  type StandinRequest,
} from './http-standin.ts'

/** A stored record, as Hetzner returns it. */
export interface HzStoredRecord {
  id: string
  zone_id: string
  type: string
  name: string
  value: string
  ttl?: number
  created: string
  modified: string
}

/** The stand-in and its state. */
export interface HetznerStandin extends Standin {
  readonly zoneId: string
  readonly records: Map<string, HzStoredRecord>
}

// The record types the API documents (its `type` enum).
const HZ_TYPES = [
  'A',
  'AAAA',
  'NS',
  'MX',
  'CNAME',
  'RP',
  'TXT',
  'SOA',
  'HINFO',
  'SRV',
  'DANE',
  'TLSA',
  'DS',
  'CAA',
]

const hexId = () => randomBytes(16).toString('hex')
const fail = (status: number, message: string): StandinReply => ({
  status,
  body: { error: { message, code: status } },
})

/** Starts a stand-in holding one zone. */
export async function startHetznerStandin(
  zoneName: string,
  token: string,
  pageCap = 100,
): Promise<HetznerStandin> {
  const zoneId = randomBytes(11).toString('base64url')
  const records = new Map<string, HzStoredRecord>()
  const now = new Date().toISOString()
  const seed = (type: string, value: string) => {
    const id = hexId()
    records.set(id, {
      id,
      zone_id: zoneId,
      type,
      name: '@',
      value,
      ttl: 86400,
      created: now,
      modified: now,
    })
  }
  seed('SOA', 'hydrogen.ns.hetzner.com. dns.hetzner.com. 2024010100 86400 10800 3600000 3600')
  for (const ns of ['hydrogen.ns.hetzner.com.', 'oxygen.ns.hetzner.com.', 'helium.ns.hetzner.de.'])
    seed('NS', ns)

  const route = (req: StandinRequest): StandinReply => {
    if (req.headers['auth-api-token'] !== token) {
      return { status: 401, body: { message: 'Invalid authentication credentials' } }
    }
    const path = req.url.pathname.replace(/^\/api\/v1/, '')
    const q = req.url.searchParams
    if (req.method === 'GET' && path === '/zones') {
      const name = q.get('name')
      if (name !== null && name !== zoneName) return fail(404, 'zone not found')
      const zones = [{ id: zoneId, name: zoneName, ttl: 86400, status: 'verified' }]
      return { status: 200, body: { zones, meta: { pagination: pagination(1, 100, 1) } } }
    }
    if (path === '/records' && req.method === 'GET') {
      if (q.get('zone_id') !== zoneId) return fail(404, 'zone not found')
      const page = Math.max(1, Number(q.get('page') ?? '1'))
      const perPage = Math.min(Number(q.get('per_page') ?? '100'), pageCap)
      const all = [...records.values()]
      const slice = all.slice((page - 1) * perPage, page * perPage)
      return {
        status: 200,
        body: { records: slice, meta: { pagination: pagination(page, perPage, all.length) } },
      }
    }
    if (path === '/records' && req.method === 'POST') return write(hexId(), req.body)
    const m = /^\/records\/([^/]+)$/.exec(path)
    const id = m?.[1]
    if (id === undefined) return fail(404, 'not found')
    if (!records.has(id)) return fail(404, 'record not found')
    if (req.method === 'GET') return { status: 200, body: { record: records.get(id) } }
    if (req.method === 'PUT') return write(id, req.body)
    if (req.method === 'DELETE') {
      records.delete(id)
      return { status: 200, body: {} }
    }
    return fail(405, 'method not allowed')
  }

  const write = (id: string, body: unknown): StandinReply => {
    const b = (body ?? {}) as Partial<HzStoredRecord>
    const bad = (message: string) => ({
      status: 422,
      body: { record: b, error: { message, code: 422 } },
    })
    if (b.zone_id !== zoneId) return fail(404, 'zone not found')
    if (typeof b.type !== 'string' || typeof b.name !== 'string' || typeof b.value !== 'string') {
      return bad('type, name and value are required')
    }
    if (!HZ_TYPES.includes(b.type)) return bad(`invalid record type ${b.type}`)
    if (b.type === 'A' && isIP(b.value) !== 4) return bad(`invalid A record`)
    if (b.type === 'AAAA' && isIP(b.value) !== 6) return bad(`invalid AAAA record`)
    if (b.type === 'MX' && !/^\d+ \S+$/.test(b.value)) return bad('invalid MX record')
    const stored: HzStoredRecord = {
      id,
      zone_id: zoneId,
      type: b.type,
      name: b.name,
      value: b.value,
      ...(b.ttl === undefined ? {} : { ttl: b.ttl }),
      created: records.get(id)?.created ?? new Date().toISOString(),
      modified: new Date().toISOString(),
    }
    records.set(id, stored)
    return { status: 200, body: { record: stored } }
  }

  const standin = await startStandin(route)
  return { ...standin, url: `${standin.url}/api/v1`, zoneId, records }
}

function pagination(page: number, perPage: number, total: number) {
  const last = Math.max(1, Math.ceil(total / perPage))
  return {
    page,
    per_page: perPage,
    previous_page: Math.max(1, page - 1),
    next_page: Math.min(last, page + 1),
    last_page: last,
    total_entries: total,
  }
}
