/**
 * The DigitalOcean API v2 domain record calls (`GET /domains/{domain}/records` following
 * `links.pages.next`, `POST`, `PUT` and `DELETE /domains/{domain}/records/{id}`), with a
 * Bearer token. Records carry a relative `name` (`@` for the apex) and split rdata into
 * `data`, `priority`, `port`, `weight`, `flags` and `tag`. Errors are `{id, message}`:
 * 404 `not_found` for an unknown domain, 422 `unprocessable_entity` for refused data.
 */
import { joinName, relativeLabel, type Fqdn } from '../../core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { Secret } from '../../core/auth/secret.ts'
import type { BackendError } from '../backend.ts'
import { callApi, unexpectedReply, type ApiRequest, type FetchLike } from '../shared/http-client.ts'
import type { ListedRecord, RecordApi } from '../shared/per-record-backend.ts'
import {
  absolute,
  canonicalOrSelf,
  invalidRecord,
  txtFromStrings,
  txtStrings,
} from '../shared/record-values.ts'
import type { RecordOp } from '../shared/rrset-diff.ts'
import { txtFromData, txtToData } from '../shared/text-values.ts'

/** How to reach the API for one domain. */
export interface DigitalOceanOptions {
  readonly apiUrl: string
  readonly token: Secret
  readonly zone: Fqdn
  readonly fetch: FetchLike
}

/** A domain record as the API holds it. */
export interface DoRecord {
  readonly id: number
  readonly type: string
  readonly name: string
  readonly data: string
  readonly priority: number | null
  readonly port: number | null
  readonly weight: number | null
  readonly flags: number | null
  readonly tag: string | null
  readonly ttl: number
}

type DoFields = Omit<DoRecord, 'id' | 'type' | 'name' | 'ttl'>

const PER_PAGE = 200

/** `RecordApi` over DigitalOcean. */
export class DigitalOceanApi implements RecordApi {
  constructor(private readonly o: DigitalOceanOptions) {}

  /** Every record of a managed type, all pages (apex NS and SOA are DigitalOcean's). */
  async list(signal: AbortSignal): Promise<Result<ListedRecord[], BackendError>> {
    const out: ListedRecord[] = []
    let url = `${this.base()}?per_page=${PER_PAGE}`
    for (;;) {
      const r = await this.call({ method: 'GET', url, signal })
      if (!r.ok) return r
      const body = r.value as { domain_records?: DoRecord[]; links?: { pages?: { next?: string } } }
      for (const rec of body.domain_records ?? []) {
        const type = RECORD_TYPES.find((t) => t === rec.type)
        const name = joinName(rec.name, this.o.zone)
        if (type === undefined || (type === 'NS' && name === this.o.zone)) continue
        out.push({
          id: String(rec.id),
          name,
          type,
          ttl: rec.ttl,
          value: fromFields(type, rec, this.o.zone),
        })
      }
      const next = body.links?.pages?.next
      if (next === undefined) return ok(out)
      // The token goes only to the configured API: a `next` link elsewhere is not followed.
      if (!next.startsWith(this.o.apiUrl + '/')) {
        return err(unexpectedReply('digitalocean: pagination link', 200, next))
      }
      url = next.slice(this.o.apiUrl.length)
    }
  }

  /** One create (`POST`), update (`PUT`: the whole record) or delete. */
  async run(
    op: RecordOp,
    set: RecordSet,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const body = (value: string) => ({
      type: set.type,
      name: relativeLabel(set.name, this.o.zone),
      ttl: set.ttl,
      ...toFields(set.type, value),
    })
    let r
    switch (op.op) {
      case 'create':
        r = await this.call({ method: 'POST', url: this.base(), body: body(op.value), signal })
        break
      case 'update':
        r = await this.call({
          method: 'PUT',
          url: `${this.base()}/${op.id}`,
          body: body(op.value),
          signal,
        })
        break
      case 'delete':
        r = await this.call({ method: 'DELETE', url: `${this.base()}/${op.id}`, signal }, true)
        break
    }
    return r.ok ? ok(undefined) : r
  }

  private base(): string {
    return `/domains/${encodeURIComponent(this.o.zone)}/records`
  }

  private async call(
    request: Omit<ApiRequest, 'headers'>,
    absentIsFine = false,
  ): Promise<Result<unknown, BackendError>> {
    const what = `digitalocean ${request.method} ${request.url.replace(/\?.*/, '')}`
    const r = await callApi(
      this.o.fetch,
      {
        ...request,
        url: this.o.apiUrl + request.url,
        headers: { authorization: `Bearer ${this.o.token.reveal()}` },
      },
      what,
    )
    if (!r.ok) return r
    const { status, body } = r.value
    if (status < 300) return ok(body)
    if (status === 404 && absentIsFine) return ok(null)
    const detail = errorDetail(body)
    if (status === 404 && request.method !== 'DELETE') {
      return err({ code: 'zone-not-found', retryable: false, message: `${what}: ${detail}` })
    }
    if (status === 422 || status === 400) return err(invalidRecord(`${what}: ${detail}`))
    return err(unexpectedReply(what, status, body))
  }
}

function errorDetail(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const id = 'id' in body ? String(body.id) : 'error'
    return `${id}: ${String(body.message)}`
  }
  return typeof body === 'string' ? body : JSON.stringify(body)
}

const NONE: DoFields = {
  data: '',
  priority: null,
  port: null,
  weight: null,
  flags: null,
  tag: null,
}

/** Splits a dynzone value into DigitalOcean's record fields. */
export function toFields(type: RecordType, value: string): DoFields {
  const c = canonicalOrSelf(type, value)
  const parts = c.split(' ')
  const num = (i: number) => Number(parts[i])
  switch (type) {
    case 'TXT':
      return { ...NONE, data: txtToData(value) }
    case 'CNAME':
    case 'NS':
      return { ...NONE, data: absolute(c) }
    case 'MX':
      return { ...NONE, priority: num(0), data: absolute(parts[1] ?? '') }
    case 'SRV':
      return {
        ...NONE,
        priority: num(0),
        weight: num(1),
        port: num(2),
        data: absolute(parts[3] ?? ''),
      }
    case 'CAA': {
      const value = c.slice(`${parts[0] ?? ''} ${parts[1] ?? ''} `.length)
      return { ...NONE, flags: num(0), tag: parts[1] ?? '', data: txtStrings(value).join('') }
    }
    case 'A':
    case 'AAAA':
      return { ...NONE, data: c }
    case 'PTR':
    case 'SSHFP':
    case 'TLSA':
    case 'SVCB':
    case 'HTTPS':
    case 'DS':
      // Not published here yet: refused before any request (validateChange).
      return { ...NONE, data: c }
  }
}

/** Joins DigitalOcean's record fields into a dynzone value. */
export function fromFields(type: RecordType, r: DoFields, zone: Fqdn): string {
  // Targets come back absolute, or `@` for the apex.
  const target = r.data === '@' ? zone : r.data.replace(/\.$/, '')
  switch (type) {
    case 'TXT':
      return txtFromData(r.data)
    case 'CNAME':
    case 'NS':
      return canonicalOrSelf(type, target)
    case 'MX':
      return canonicalOrSelf(type, `${r.priority ?? 0} ${target}`)
    case 'SRV':
      return canonicalOrSelf(type, `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0} ${target}`)
    case 'CAA':
      return canonicalOrSelf(
        type,
        `${r.flags ?? 0} ${r.tag ?? 'issue'} ${txtFromStrings([r.data])}`,
      )
    case 'A':
    case 'AAAA':
      return canonicalOrSelf(type, r.data)
    case 'PTR':
    case 'SSHFP':
    case 'TLSA':
    case 'SVCB':
    case 'HTTPS':
    case 'DS':
      return canonicalOrSelf(type, r.data)
  }
}
