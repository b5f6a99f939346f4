/**
 * A Rackspace stand-in: Identity v2.0 (`POST /v2.0/tokens` with `RAX-KSKEY:apiKeyCredentials`,
 * returning a token, its tenant and a service catalog with the `rax:dns` endpoint) and Cloud
 * DNS v1.0 (`X-Auth-Token`; `GET /domains?name=`, `GET /domains/{id}/records` with
 * `limit`/`offset` and `rel: next` links, `POST`/`PUT`/`DELETE` on records answered 202 with
 * a `callbackUrl`; `GET /status/{jobId}` reports RUNNING on the first poll, then COMPLETED
 * or ERROR with `failedItems.faults`). The TTL floor is Rackspace's 300 s unless `minTtl` says
 * otherwise. The domain starts with Rackspace's two NS records.
 */
import { isIP } from 'node:net'
import { randomBytes } from 'node:crypto'
import {
  startStandin,
  type Standin,
  type StandinReply,
  type StandinRequest,
} from './http-standin.ts'

/** A stored record, as Cloud DNS returns it. */
export interface RsStoredRecord {
  id: string
  name: string
  type: string
  data: string
  ttl: number
  priority?: number
}

/** The stand-in and its state. */
export interface RackspaceStandin extends Standin {
  readonly tenant: string
  readonly domainId: number
  readonly records: Map<string, RsStoredRecord>
  /** Tokens issued so far. */
  readonly issued: string[]
  /** Makes every issued token invalid, as when it expires. */
  revokeTokens(): void
}

interface Job {
  polls: number
  run: () => string | null
}

// The record types Cloud DNS documents for domain records (PTR goes through /rdns).
const RS_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'SRV', 'TXT']

const fault = (status: number, kind: string, message: string, details = ''): StandinReply => ({
  status,
  body: { [kind]: { code: status, message, details } },
})

/** Starts a stand-in holding one domain for one user. */
export async function startRackspaceStandin(
  domain: string,
  user: { username: string; apiKey: string },
  o: { pageCap?: number; minTtl?: number } = {},
): Promise<RackspaceStandin> {
  const tenant = String(100000 + Math.floor(Math.random() * 800000))
  const domainId = 2725000 + Math.floor(Math.random() * 1000)
  const records = new Map<string, RsStoredRecord>()
  const jobs = new Map<string, Job>()
  const tokens = new Set<string>()
  const issued: string[] = []
  let origin = ''
  let next = 1
  const minTtl = o.minTtl ?? 300
  for (const ns of ['dns1.stabletransit.com', 'dns2.stabletransit.com']) {
    const id = `NS-${next++}`
    records.set(id, { id, name: domain, type: 'NS', data: ns, ttl: 300 })
  }

  const route = (req: StandinRequest): StandinReply => {
    if (req.method === 'POST' && req.url.pathname === '/v2.0/tokens') return authenticate(req.body)
    const token = req.headers['x-auth-token']
    if (typeof token !== 'string' || !tokens.has(token)) {
      return fault(401, 'unauthorized', 'No valid token provided.')
    }
    const prefix = `/v1.0/${tenant}`
    if (!req.url.pathname.startsWith(prefix + '/')) return fault(404, 'itemNotFound', 'Not found')
    const path = req.url.pathname.slice(prefix.length)
    const status = /^\/status\/([^/]+)$/.exec(path)
    if (status !== null && req.method === 'GET') return poll(status[1] ?? '')
    if (path === '/domains' && req.method === 'GET') {
      const name = req.url.searchParams.get('name')
      const found =
        name === null || name === domain ? [{ id: domainId, name: domain, ttl: 300 }] : []
      return { status: 200, body: { domains: found, totalEntries: found.length } }
    }
    const m = /^\/domains\/(\d+)\/records(?:\/([^/]+))?$/.exec(path)
    if (m === null || Number(m[1]) !== domainId)
      return fault(404, 'itemNotFound', 'Not found', 'Object not Found.')
    const id = m[2]
    if (id === undefined && req.method === 'GET') return list(req.url.searchParams)
    if (id === undefined && req.method === 'POST') {
      const list = (req.body as { records?: Partial<RsStoredRecord>[] } | null)?.records ?? []
      return submit('POST', path, () => {
        for (const r of list) {
          const bad = validate(r)
          if (bad !== null) return bad
        }
        for (const r of list) {
          const rid = `${r.type ?? ''}-${next++}`
          records.set(rid, {
            ...(r as RsStoredRecord),
            id: rid,
            name: (r.name ?? '').toLowerCase(),
          })
        }
        return null
      })
    }
    const current = id === undefined ? undefined : records.get(id)
    if (id === undefined || current === undefined)
      return fault(404, 'itemNotFound', 'Not found', 'Object not Found.')
    if (req.method === 'PUT') {
      const b = (req.body ?? {}) as Partial<RsStoredRecord>
      return submit('PUT', path, () => {
        const updated = { ...current, ...b, id, name: current.name, type: current.type }
        const bad = validate(updated)
        if (bad !== null) return bad
        records.set(id, updated)
        return null
      })
    }
    if (req.method === 'DELETE') {
      return submit('DELETE', path, () => {
        records.delete(id)
        return null
      })
    }
    return fault(405, 'badRequest', 'Method not allowed')
  }

  const authenticate = (body: unknown): StandinReply => {
    const creds = (body as { auth?: Record<string, { username?: string; apiKey?: string }> } | null)
      ?.auth?.['RAX-KSKEY:apiKeyCredentials']
    if (creds?.username !== user.username || creds.apiKey !== user.apiKey) {
      return fault(401, 'unauthorized', 'Username or api key is invalid.')
    }
    const id = randomBytes(16).toString('hex')
    tokens.add(id)
    issued.push(id)
    const expires = new Date(Date.now() + 24 * 3600_000).toISOString()
    return {
      status: 200,
      body: {
        access: {
          token: { id, expires, tenant: { id: tenant, name: tenant } },
          serviceCatalog: [
            {
              name: 'cloudDNS',
              type: 'rax:dns',
              endpoints: [{ publicURL: `${origin}/v1.0/${tenant}`, tenantId: tenant }],
            },
          ],
          user: { id: '123', name: user.username },
        },
      },
    }
  }

  const list = (q: URLSearchParams): StandinReply => {
    const limit = Math.min(Number(q.get('limit') ?? '100'), 100, o.pageCap ?? 100)
    const offset = Number(q.get('offset') ?? '0')
    const all = [...records.values()]
    const base = `${origin}/v1.0/${tenant}/domains/${domainId}/records`
    const links = [
      ...(offset > 0
        ? [
            {
              href: `${base}?limit=${limit}&offset=${Math.max(0, offset - limit)}`,
              rel: 'previous',
            },
          ]
        : []),
      ...(offset + limit < all.length
        ? [{ href: `${base}?limit=${limit}&offset=${offset + limit}`, rel: 'next' }]
        : []),
    ]
    return {
      status: 200,
      body: { records: all.slice(offset, offset + limit), totalEntries: all.length, links },
    }
  }

  const submit = (verb: string, path: string, run: () => string | null): StandinReply => {
    const jobId = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}`
    jobs.set(jobId, { polls: 0, run })
    const callbackUrl = `${origin}/v1.0/${tenant}/status/${jobId}`
    return {
      status: 202,
      body: {
        status: 'RUNNING',
        verb,
        jobId,
        callbackUrl,
        requestUrl: `${origin}/v1.0/${tenant}${path}`,
      },
    }
  }

  const poll = (jobId: string): StandinReply => {
    const job = jobs.get(jobId)
    if (job === undefined) return fault(404, 'itemNotFound', 'Not found', 'Job not found.')
    job.polls++
    if (job.polls === 1) return { status: 200, body: { status: 'RUNNING', jobId } }
    if (job.polls === 2) {
      const problem = job.run()
      job.run = () => problem
      if (problem !== null) return jobError(jobId, problem)
      return { status: 200, body: { status: 'COMPLETED', jobId } }
    }
    const problem = job.run()
    return problem === null
      ? { status: 200, body: { status: 'COMPLETED', jobId } }
      : jobError(jobId, problem)
  }

  const validate = (r: Partial<RsStoredRecord>): string | null => {
    if (typeof r.name !== 'string' || typeof r.type !== 'string' || typeof r.data !== 'string') {
      return 'name, type and data are required'
    }
    if (!RS_TYPES.includes(r.type)) return `Invalid record type ${r.type}`
    if (r.name.toLowerCase() !== domain && !r.name.toLowerCase().endsWith(`.${domain}`)) {
      return `Record name ${r.name} is not in domain ${domain}`
    }
    if (r.type === 'A' && isIP(r.data) !== 4) return 'Invalid IPv4 address'
    if (r.type === 'AAAA' && isIP(r.data) !== 6) return 'Invalid IPv6 address'
    if ((r.type === 'MX' || r.type === 'SRV') && typeof r.priority !== 'number')
      return 'Priority is required'
    if (typeof r.ttl !== 'number' || r.ttl < minTtl) return `TTL must be at least ${minTtl}`
    return null
  }

  const standin = await startStandin(route)
  origin = standin.url
  return {
    ...standin,
    tenant,
    domainId,
    records,
    issued,
    revokeTokens: () => {
      tokens.clear()
    },
  }
}

function jobError(jobId: string, details: string): StandinReply {
  return {
    status: 200,
    body: {
      status: 'ERROR',
      jobId,
      error: {
        failedItems: { faults: [{ code: 400, message: 'Validation failed', details }] },
        code: 400,
        message: 'Validation error',
      },
    },
  }
}
