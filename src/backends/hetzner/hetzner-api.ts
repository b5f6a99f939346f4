/**
 * The Hetzner DNS API v1 record calls (`GET /zones?name=`, `GET /records?zone_id=` with
 * `page`/`per_page` and `meta.pagination.last_page`, `POST /records`, `PUT` and `DELETE
 * /records/{id}`), with the `Auth-API-Token` header. Records carry a relative `name` (`@`
 * for the apex) and the rdata as zone-file text in `value`; a missing `ttl` means the
 * zone's default. Refused data is 422 with `error.message`.
 */
import { joinName, relativeLabel, type Fqdn } from '../../core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { Secret } from '../../core/auth/secret.ts'
import type { BackendError } from '../backend.ts'
import { callApi, unexpectedReply, type ApiRequest, type FetchLike } from '../shared/http-client.ts'
import type { ListedRecord, RecordApi } from '../shared/per-record-backend.ts'
import {
  canonicalOrSelf,
  invalidRecord,
  NAME_FIELD,
  withAbsoluteNames,
} from '../shared/record-values.ts'
import type { RecordOp } from '../shared/rrset-diff.ts'
import { txtFromData, txtToData } from '../shared/text-values.ts'

/** How to reach the API for one zone. */
export interface HetznerOptions {
  readonly apiUrl: string
  readonly token: Secret
  readonly zone: Fqdn
  /** Known zone id; looked up by name (and cached) when null. */
  readonly zoneId: string | null
  /** The zone's default TTL at Hetzner, for records listed without one. */
  readonly defaultTtl: number
  readonly fetch: FetchLike
}

interface HzRecord {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly value: string
  readonly ttl?: number
}

/**
 * The record types Hetzner DNS API documents, of the types dynzone holds (the API also has
 * RP, HINFO and DANE, which dynzone does not hold; no PTR, SSHFP, SVCB or HTTPS).
 */
export const HETZNER_TYPES: readonly RecordType[] = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'MX',
  'NS',
  'SRV',
  'TLSA',
  'TXT',
]

const PER_PAGE = 100

/** `RecordApi` over Hetzner DNS. */
export class HetznerApi implements RecordApi {
  private zoneId: string | null

  constructor(private readonly o: HetznerOptions) {
    this.zoneId = o.zoneId
  }

  /** Every record of a managed type, all pages (apex NS and SOA are Hetzner's). */
  async list(signal: AbortSignal): Promise<Result<ListedRecord[], BackendError>> {
    const id = await this.resolveZoneId(signal)
    if (!id.ok) return id
    const out: ListedRecord[] = []
    for (let page = 1; ; page++) {
      const url = `/records?zone_id=${encodeURIComponent(id.value)}&page=${page}&per_page=${PER_PAGE}`
      const r = await this.call({ method: 'GET', url, signal })
      if (!r.ok) return r
      const body = r.value as {
        records?: HzRecord[]
        meta?: { pagination?: { last_page?: number } }
      }
      for (const rec of body.records ?? []) {
        const type = RECORD_TYPES.find((t) => t === rec.type)
        const name = joinName(rec.name, this.o.zone)
        if (type === undefined || (type === 'NS' && name === this.o.zone)) continue
        const value = fromValue(type, rec.value, this.o.zone)
        out.push({ id: rec.id, name, type, ttl: rec.ttl ?? this.o.defaultTtl, value })
      }
      const last = body.meta?.pagination?.last_page ?? 1
      if (page >= last || (body.records ?? []).length === 0) return ok(out)
    }
  }

  /** One create, update (`PUT`: the whole record) or delete. */
  async run(
    op: RecordOp,
    set: RecordSet,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const id = await this.resolveZoneId(signal)
    if (!id.ok) return id
    const body = (value: string) => ({
      zone_id: id.value,
      type: set.type,
      name: relativeLabel(set.name, this.o.zone),
      value: toValue(set.type, value),
      ttl: set.ttl,
    })
    let r
    switch (op.op) {
      case 'create':
        r = await this.call({ method: 'POST', url: '/records', body: body(op.value), signal })
        break
      case 'update':
        r = await this.call({
          method: 'PUT',
          url: `/records/${op.id}`,
          body: body(op.value),
          signal,
        })
        break
      case 'delete':
        r = await this.call({ method: 'DELETE', url: `/records/${op.id}`, signal }, true)
        break
    }
    return r.ok ? ok(undefined) : r
  }

  private async resolveZoneId(signal: AbortSignal): Promise<Result<string, BackendError>> {
    if (this.zoneId !== null) return ok(this.zoneId)
    const r = await this.call({
      method: 'GET',
      url: `/zones?name=${encodeURIComponent(this.o.zone)}`,
      signal,
    })
    // Hetzner answers an unknown name with 404; an empty list means the same.
    if (!r.ok && r.error.code !== 'zone-not-found') return r
    const zones = r.ok
      ? ((r.value as { zones?: { id?: unknown; name?: unknown }[] }).zones ?? [])
      : []
    const found = zones.find((z) => z.name === this.o.zone)
    if (typeof found?.id !== 'string') {
      return err({
        code: 'zone-not-found',
        retryable: false,
        message: `hetzner: no zone ${this.o.zone} visible to this token`,
      })
    }
    this.zoneId = found.id
    return ok(found.id)
  }

  private async call(
    request: Omit<ApiRequest, 'headers'>,
    absentIsFine = false,
  ): Promise<Result<unknown, BackendError>> {
    const what = `hetzner ${request.method} ${request.url.replace(/\?.*/, '')}`
    const r = await callApi(
      this.o.fetch,
      {
        ...request,
        url: this.o.apiUrl + request.url,
        headers: { 'auth-api-token': this.o.token.reveal() },
      },
      what,
    )
    if (!r.ok) return r
    const { status, body } = r.value
    if (status < 300) return ok(body)
    if (status === 404 && absentIsFine) return ok(null)
    const detail = errorDetail(body)
    if (status === 404)
      return err({ code: 'zone-not-found', retryable: false, message: `${what}: ${detail}` })
    if (status === 422 || status === 400) return err(invalidRecord(`${what}: ${detail}`))
    return err(unexpectedReply(what, status, body))
  }
}

function errorDetail(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const e = 'error' in body ? body.error : body
    if (typeof e === 'object' && e !== null && 'message' in e) return String(e.message)
  }
  return typeof body === 'string' ? body : JSON.stringify(body)
}

/** The `value` Hetzner stores for a dynzone value (names absolute, so it appends no zone). */
export function toValue(type: RecordType, value: string): string {
  return type === 'TXT' ? txtToData(value) : withAbsoluteNames(type, value)
}

/** The dynzone value of a Hetzner `value` (relative targets are taken as in the zone). */
export function fromValue(type: RecordType, value: string, zone: Fqdn): string {
  if (type === 'TXT') return txtFromData(value)
  const field = NAME_FIELD[type]
  if (field === undefined) return canonicalOrSelf(type, value)
  const parts = value.trim().split(/\s+/)
  const target = parts[field] ?? ''
  parts[field] = target === '@' ? zone : target.endsWith('.') ? target : joinName(target, zone)
  return canonicalOrSelf(type, parts.join(' '))
}
