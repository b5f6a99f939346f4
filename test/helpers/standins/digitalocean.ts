/**
 * A DigitalOcean API v2 stand-in (domain records only), following the documented API:
 * Bearer token auth (401 `Unauthorized` otherwise), `GET /v2/domains/{name}/records` with
 * `page`/`per_page` (default 20, at most 200) and absolute `links.pages` URLs plus
 * `meta.total`, `POST` (201), `PUT` (200) and `DELETE` (204) on records, `{id, message}`
 * errors: 404 `not_found`, 422 `unprocessable_entity` for invalid data. The domain starts
 * with DigitalOcean's SOA and three NS records. `pageCap` forces pagination.
 */
import { isIP } from 'node:net'
import {
  startStandin,
  type Standin,
  type StandinReply,
  type StandinRequest,
} from './http-standin.ts'

/** A stored record, as DigitalOcean returns it. */
export interface DoStoredRecord {
  id: number
  type: string
  name: string
  data: string
  priority: number | null
  port: number | null
  ttl: number
  weight: number | null
  flags: number | null
  tag: string | null
}

/** The stand-in and its state. */
export interface DigitalOceanStandin extends Standin {
  readonly records: Map<number, DoStoredRecord>
}

// The types the API documents for domain records.
const DO_TYPES = ['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'SOA', 'SRV', 'TXT']

const fail = (status: number, id: string, message: string): StandinReply => ({
  status,
  body: { id, message },
})

/** Starts a stand-in holding one domain. */
export async function startDigitalOceanStandin(
  domain: string,
  token: string,
  pageCap = 200,
): Promise<DigitalOceanStandin> {
  const records = new Map<number, DoStoredRecord>()
  let nextId = 1000
  let origin = ''
  const add = (r: Omit<DoStoredRecord, 'id'>) => {
    const id = nextId++
    records.set(id, { id, ...r })
  }
  const none = { priority: null, port: null, weight: null, flags: null, tag: null }
  add({ type: 'SOA', name: '@', data: '1800', ttl: 1800, ...none })
  for (const ns of ['ns1', 'ns2', 'ns3'])
    add({ type: 'NS', name: '@', data: `${ns}.digitalocean.com`, ttl: 1800, ...none })

  const route = (req: StandinRequest): StandinReply => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      return fail(401, 'Unauthorized', 'Unable to authenticate you')
    }
    const m = /^\/v2\/domains\/([^/]+)\/records(?:\/(\d+))?$/.exec(req.url.pathname)
    if (m === null || decodeURIComponent(m[1] ?? '') !== domain) {
      return fail(404, 'not_found', 'The resource you were accessing could not be found.')
    }
    const id = m[2] === undefined ? undefined : Number(m[2])
    if (id === undefined && req.method === 'GET') return list(req.url.searchParams)
    if (id === undefined && req.method === 'POST') return write(nextId++, req.body, 201)
    if (id === undefined || !records.has(id)) {
      return fail(404, 'not_found', 'The resource you were accessing could not be found.')
    }
    if (req.method === 'GET') return { status: 200, body: { domain_record: records.get(id) } }
    if (req.method === 'PUT' || req.method === 'PATCH') return write(id, req.body, 200)
    if (req.method === 'DELETE') {
      records.delete(id)
      return { status: 204 }
    }
    return fail(405, 'method_not_allowed', 'Method not allowed')
  }

  const list = (q: URLSearchParams): StandinReply => {
    const page = Math.max(1, Number(q.get('page') ?? '1'))
    const perPage = Math.min(Number(q.get('per_page') ?? '20'), 200, pageCap)
    const all = [...records.values()]
    const last = Math.max(1, Math.ceil(all.length / perPage))
    const link = (p: number) =>
      `${origin}/v2/domains/${domain}/records?page=${p}&per_page=${perPage}`
    const pages =
      page < last
        ? {
            pages: {
              ...(page > 1 ? { first: link(1), prev: link(page - 1) } : {}),
              next: link(page + 1),
              last: link(last),
            },
          }
        : { pages: page > 1 ? { first: link(1), prev: link(page - 1) } : {} }
    return {
      status: 200,
      body: {
        domain_records: all.slice((page - 1) * perPage, page * perPage),
        links: pages,
        meta: { total: all.length },
      },
    }
  }

  const write = (id: number, body: unknown, status: number): StandinReply => {
    const b = (body ?? {}) as Partial<DoStoredRecord>
    const bad = (message: string) => fail(422, 'unprocessable_entity', message)
    if (typeof b.type !== 'string' || typeof b.data !== 'string' || typeof b.name !== 'string') {
      return bad('Type, name and data are required.')
    }
    if (!DO_TYPES.includes(b.type)) return bad('Type is not included in the list.')
    if (b.type === 'A' && isIP(b.data) !== 4) return bad('Data needs to be a valid IPv4 address.')
    if (b.type === 'AAAA' && isIP(b.data) !== 6)
      return bad('Data needs to be a valid IPv6 address.')
    if ((b.type === 'MX' || b.type === 'SRV') && typeof b.priority !== 'number')
      return bad('Priority is required.')
    if (b.type === 'SRV' && (typeof b.port !== 'number' || typeof b.weight !== 'number'))
      return bad('Port and weight are required.')
    if (b.type === 'CAA' && (typeof b.flags !== 'number' || typeof b.tag !== 'string'))
      return bad('Flags and tag are required.')
    const ttl = b.ttl ?? 1800
    if (ttl < 30) return bad('TTL must be at least 30 seconds.')
    const stored: DoStoredRecord = {
      id,
      type: b.type,
      name: b.name,
      data: b.data,
      priority: b.priority ?? null,
      port: b.port ?? null,
      ttl,
      weight: b.weight ?? null,
      flags: b.flags ?? null,
      tag: b.tag ?? null,
    }
    records.set(id, stored)
    return { status, body: { domain_record: stored } }
  }

  const standin = await startStandin(route)
  origin = standin.url
  return { ...standin, url: `${standin.url}/v2`, records }
}
