/**
 * The Rackspace Cloud DNS v1.0 record calls (`GET /domains?name=`, `GET
 * /domains/{id}/records` with `limit`/`offset` and a `rel: next` link, `POST`, `PUT` and
 * `DELETE` on records), with `X-Auth-Token`. Writes are asynchronous: the API answers 202
 * with a `callbackUrl`, polled until the job is `COMPLETED` or `ERROR`. Rate limiting is
 * HTTP 413 `overLimit` with `Retry-After`. Records carry absolute names without the dot.
 */
import type { Fqdn } from '../../core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { BackendError } from '../backend.ts'
import { callApi, type FetchLike } from '../shared/http-client.ts'
import type { ListedRecord, RecordApi } from '../shared/per-record-backend.ts'
import { canonicalOrSelf } from '../shared/record-values.ts'
import type { RecordOp } from '../shared/rrset-diff.ts'
import { txtFromData, txtToData } from '../shared/text-values.ts'
import type { RackspaceIdentity, RackspaceSession } from './rackspace-identity.ts'
import { rackspaceError } from './rackspace-errors.ts'
import { waitForJob } from './rackspace-jobs.ts'

/** How to reach Cloud DNS for one domain. */
export interface RackspaceOptions {
  readonly identity: RackspaceIdentity
  readonly zone: Fqdn
  readonly fetch: FetchLike
  /** Pause between job status polls. */
  readonly pollMs: number
  /** Give up on a job after this long (`timeout`, retried by the publisher). */
  readonly jobTimeoutMs: number
}

interface RsRecord {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly data: string
  readonly ttl: number
  readonly priority?: number
}

/** One call's method, path below the tenant URL, and JSON body. */
export interface RsCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  readonly path: string
  readonly body?: unknown
}

/**
 * The record types Rackspace Cloud DNS documents for domain records: A, AAAA, CNAME, MX,
 * NS, SRV, TXT (its PTR records live under `/rdns`, tied to Rackspace devices, not zones).
 */
export const RACKSPACE_TYPES: readonly RecordType[] = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'NS',
  'SRV',
  'TXT',
]

const LIMIT = 100

/** `RecordApi` over Rackspace Cloud DNS. */
export class RackspaceApi implements RecordApi {
  private domainId: string | null = null

  constructor(private readonly o: RackspaceOptions) {}

  /** Every record of a managed type, all pages (NS records are Rackspace's). */
  async list(signal: AbortSignal): Promise<Result<ListedRecord[], BackendError>> {
    const id = await this.resolveDomainId(signal)
    if (!id.ok) return id
    const out: ListedRecord[] = []
    // Advance by what came back: the server may cap `limit` below what was asked.
    for (let offset = 0; ;) {
      const r = await this.call(
        { method: 'GET', path: `/domains/${id.value}/records?limit=${LIMIT}&offset=${offset}` },
        signal,
      )
      if (!r.ok) return r
      const body = r.value as { records?: RsRecord[]; links?: { rel?: string }[] }
      for (const rec of body.records ?? []) {
        const type = RECORD_TYPES.find((t) => t === rec.type)
        const name = rec.name.toLowerCase() as Fqdn
        if (type === undefined || (type === 'NS' && name === this.o.zone)) continue
        out.push({ id: rec.id, name, type, ttl: rec.ttl, value: fromRecord(type, rec) })
      }
      const got = (body.records ?? []).length
      if (got === 0 || !(body.links ?? []).some((l) => l.rel === 'next')) return ok(out)
      offset += got
    }
  }

  /** One create, update or delete, each an asynchronous job waited for. */
  async run(
    op: RecordOp,
    set: RecordSet,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const id = await this.resolveDomainId(signal)
    if (!id.ok) return id
    const base = `/domains/${id.value}/records`
    switch (op.op) {
      case 'create': {
        const record = {
          name: set.name,
          type: set.type,
          ttl: set.ttl,
          ...toFields(set.type, op.value),
        }
        return this.job({ method: 'POST', path: base, body: { records: [record] } }, signal)
      }
      case 'update':
        return this.job(
          {
            method: 'PUT',
            path: `${base}/${op.id}`,
            body: { ttl: set.ttl, ...toFields(set.type, op.value) },
          },
          signal,
        )
      case 'delete':
        return this.job({ method: 'DELETE', path: `${base}/${op.id}` }, signal, true)
    }
  }

  private async resolveDomainId(signal: AbortSignal): Promise<Result<string, BackendError>> {
    if (this.domainId !== null) return ok(this.domainId)
    const r = await this.call(
      { method: 'GET', path: `/domains?name=${encodeURIComponent(this.o.zone)}` },
      signal,
    )
    if (!r.ok && r.error.code !== 'zone-not-found') return r
    const domains = r.ok
      ? ((r.value as { domains?: { id?: unknown; name?: unknown }[] }).domains ?? [])
      : []
    const found = domains.find((d) => d.name === this.o.zone)
    if (typeof found?.id !== 'number' && typeof found?.id !== 'string') {
      return err({
        code: 'zone-not-found',
        retryable: false,
        message: `rackspace: no domain ${this.o.zone} in this account`,
      })
    }
    this.domainId = String(found.id)
    return ok(this.domainId)
  }

  // A write: 202 with a callbackUrl, then poll until the job ends.
  private async job(
    call: RsCall,
    signal: AbortSignal,
    absentIsFine = false,
  ): Promise<Result<void, BackendError>> {
    const r = await this.call(call, signal, absentIsFine)
    if (!r.ok) return r
    const callback = (r.value as { callbackUrl?: unknown } | null)?.callbackUrl
    if (typeof callback !== 'string') return ok(undefined)
    const session = await this.o.identity.get(signal)
    if (!session.ok) return session
    return waitForJob(
      callback,
      session.value,
      this.o,
      `rackspace ${call.method} ${call.path}`,
      signal,
    )
  }

  /** One authenticated call; a refused token is renewed once. */
  private async call(
    call: RsCall,
    signal: AbortSignal,
    absentIsFine = false,
  ): Promise<Result<unknown, BackendError>> {
    for (let attempt = 0; ; attempt++) {
      const session = await this.o.identity.get(signal)
      if (!session.ok) return session
      const r = await this.send(call, session.value, signal, absentIsFine)
      if (!r.ok && r.error.code === 'not-auth' && attempt === 0) {
        this.o.identity.invalidate()
        continue
      }
      return r
    }
  }

  private async send(
    call: RsCall,
    session: RackspaceSession,
    signal: AbortSignal,
    absentIsFine: boolean,
  ): Promise<Result<unknown, BackendError>> {
    const what = `rackspace ${call.method} ${call.path.replace(/\?.*/, '')}`
    const r = await callApi(
      this.o.fetch,
      {
        method: call.method,
        url: session.dnsUrl + call.path,
        headers: { 'x-auth-token': session.token },
        ...(call.body === undefined ? {} : { body: call.body }),
        signal,
      },
      what,
    )
    if (!r.ok) return r
    const { status, body, headers } = r.value
    if (status < 300) return ok(body)
    if (status === 404 && absentIsFine) return ok(null)
    return err(rackspaceError(what, status, body, headers.get('retry-after')))
  }
}

/** Rackspace's fields for a dynzone value (`priority` split off MX and SRV). */
export function toFields(type: RecordType, value: string): { data: string; priority?: number } {
  if (type === 'TXT') return { data: txtToData(value) }
  const c = canonicalOrSelf(type, value)
  if (type !== 'MX' && type !== 'SRV') return { data: c }
  const [priority, ...rest] = c.split(' ')
  return { data: rest.join(' '), priority: Number(priority) }
}

/** The dynzone value of a Rackspace record. */
export function fromRecord(type: RecordType, r: { data: string; priority?: number }): string {
  if (type === 'TXT') return txtFromData(r.data)
  if (type === 'MX' || type === 'SRV') return canonicalOrSelf(type, `${r.priority ?? 0} ${r.data}`)
  return canonicalOrSelf(type, r.data)
}
