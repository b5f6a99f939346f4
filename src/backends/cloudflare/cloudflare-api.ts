/**
 * The Cloudflare API v4 DNS record calls (`/zones?name=`, `/zones/{id}/dns_records` list
 * with `page`/`per_page` and `result_info.total_pages`, `POST`, `PUT`, `DELETE`), with a
 * Bearer API token. Replies are `{success, errors: [{code, message}], result}`; a
 * `success: false` with HTTP 400 means Cloudflare refused the data.
 */
import type { Fqdn } from '../../core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { Secret } from '../../core/auth/secret.ts'
import type { BackendError } from '../backend.ts'
import { callApi, unexpectedReply, type ApiRequest, type FetchLike } from '../shared/http-client.ts'
import type { ListedRecord, RecordApi } from '../shared/per-record-backend.ts'
import { invalidRecord } from '../shared/record-values.ts'
import type { RecordOp } from '../shared/rrset-diff.ts'
import { fromCfRecord, toCfFields } from './cloudflare-fields.ts'

/** How to reach the API for one zone. */
export interface CloudflareOptions {
  readonly apiUrl: string
  readonly token: Secret
  readonly zone: Fqdn
  /** Known zone id; looked up by name (and cached) when null. */
  readonly zoneId: string | null
  readonly proxied: boolean
  readonly fetch: FetchLike
}

interface CfRecord {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly content: string
  readonly ttl: number
  readonly priority?: number
  readonly data?: Readonly<Record<string, unknown>>
}

/**
 * What Cloudflare's DNS records API documents, of the types dynzone holds: all of them
 * (MX and URI take `priority`; SRV, CAA, SSHFP, TLSA, DS, SVCB and HTTPS take `data` fields).
 */
export const CLOUDFLARE_TYPES: readonly RecordType[] = RECORD_TYPES

const PER_PAGE = 100

/** `RecordApi` over Cloudflare. */
export class CloudflareApi implements RecordApi {
  private zoneId: string | null

  constructor(private readonly options: CloudflareOptions) {
    this.zoneId = options.zoneId
  }

  /** Every record of a managed type, all pages. */
  async list(signal: AbortSignal): Promise<Result<ListedRecord[], BackendError>> {
    const id = await this.resolveZoneId(signal)
    if (!id.ok) return id
    const out: ListedRecord[] = []
    for (let page = 1; ; page++) {
      const r = await this.call({
        method: 'GET',
        url: `/zones/${id.value}/dns_records?page=${page}&per_page=${PER_PAGE}`,
        signal,
      })
      if (!r.ok) return r
      const records = r.value.result as CfRecord[]
      for (const rec of records) {
        const type = RECORD_TYPES.find((t) => t === rec.type)
        if (type === undefined) continue
        out.push({
          id: rec.id,
          name: rec.name.toLowerCase() as Fqdn,
          type,
          ttl: rec.ttl,
          value: fromCfRecord(type, rec),
        })
      }
      const totalPages = r.value.resultInfo?.total_pages ?? 1
      if (page >= totalPages || records.length === 0) return ok(out)
    }
  }

  /** One create, update (PUT: the whole record) or delete. */
  async run(
    op: RecordOp,
    set: RecordSet,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const id = await this.resolveZoneId(signal)
    if (!id.ok) return id
    const base = `/zones/${id.value}/dns_records`
    const body = (value: string) => ({
      type: set.type,
      name: set.name,
      ...toCfFields(set.type, value),
      ttl: set.ttl,
      ...(set.type === 'A' || set.type === 'AAAA' || set.type === 'CNAME'
        ? { proxied: this.options.proxied }
        : {}),
    })
    let r
    switch (op.op) {
      case 'create':
        r = await this.call({ method: 'POST', url: base, body: body(op.value), signal })
        break
      case 'update':
        r = await this.call({
          method: 'PUT',
          url: `${base}/${op.id}`,
          body: body(op.value),
          signal,
        })
        break
      case 'delete':
        r = await this.call({ method: 'DELETE', url: `${base}/${op.id}`, signal }, true)
        break
    }
    return r.ok ? ok(undefined) : r
  }

  private async resolveZoneId(signal: AbortSignal): Promise<Result<string, BackendError>> {
    if (this.zoneId !== null) return ok(this.zoneId)
    const r = await this.call({
      method: 'GET',
      url: `/zones?name=${encodeURIComponent(this.options.zone)}`,
      signal,
    })
    if (!r.ok) return r
    const first = (r.value.result as { id?: unknown }[])[0]
    if (typeof first?.id !== 'string') {
      return err({
        code: 'zone-not-found',
        retryable: false,
        message: `cloudflare: no zone ${this.options.zone} visible to this token`,
      })
    }
    this.zoneId = first.id
    return ok(first.id)
  }

  private async call(
    request: Omit<ApiRequest, 'headers'>,
    absentIsFine = false,
  ): Promise<Result<{ result: unknown; resultInfo?: { total_pages?: number } }, BackendError>> {
    const what = `cloudflare ${request.method} ${request.url.replace(/\?.*/, '')}`
    const r = await callApi(
      this.options.fetch,
      {
        ...request,
        url: this.options.apiUrl + request.url,
        headers: { authorization: `Bearer ${this.options.token.reveal()}` },
      },
      what,
    )
    if (!r.ok) return r
    const { status, body } = r.value
    if (status === 404 && absentIsFine) return ok({ result: null })
    if (!isEnvelope(body)) return err(unexpectedReply(what, status, body))
    if (body.success && status < 300) {
      return ok({
        result: body.result,
        ...(body.result_info === undefined ? {} : { resultInfo: body.result_info }),
      })
    }
    const detail = (body.errors ?? []).map((e) => `${e.code}: ${e.message}`).join('; ')
    if (status === 404)
      return err({ code: 'zone-not-found', retryable: false, message: `${what}: ${detail}` })
    if (status === 400) return err(invalidRecord(`${what}: ${detail}`))
    return err(unexpectedReply(what, status, body))
  }
}

interface Envelope {
  success: boolean
  errors?: { code: number; message: string }[]
  result: unknown
  result_info?: { total_pages?: number }
}

function isEnvelope(body: unknown): body is Envelope {
  return (
    typeof body === 'object' &&
    body !== null &&
    'success' in body &&
    typeof body.success === 'boolean'
  )
}
