/**
 * The parts of the PowerDNS Authoritative HTTP API (v1) the backend uses: `GET`/`POST`
 * `/api/v1/servers/{server}/zones[/{zone}]` and `PATCH` with RRsets (`changetype`
 * `REPLACE` or `DELETE`), authenticated by `X-API-Key`. Names are absolute (trailing dot),
 * contents are zone-file presentation text.
 */
import type { Fqdn } from '../../core/names.ts'
import type { RecordType } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { Secret } from '../../core/auth/secret.ts'
import type { BackendError } from '../backend.ts'
import { callApi, unexpectedReply, type FetchLike } from '../shared/http-client.ts'
import { invalidRecord } from '../shared/record-values.ts'

/** One RRset of a PATCH. */
export interface PdnsRrsetChange {
  readonly name: string
  readonly type: RecordType
  readonly changetype: 'REPLACE' | 'DELETE'
  readonly ttl?: number
  readonly records?: readonly { readonly content: string; readonly disabled: boolean }[]
}

/** One RRset of a zone as `GET` returns it. */
export interface PdnsRrset {
  readonly name: string
  readonly type: string
  readonly ttl: number
  readonly records: readonly { readonly content: string; readonly disabled?: boolean }[]
}

/** Where the API is and how to sign in. */
export interface PdnsApiOptions {
  readonly apiUrl: string
  readonly apiKey: Secret
  readonly serverId: string
  readonly fetch: FetchLike
}

/** A thin client of the zones endpoints. */
export class PdnsApi {
  constructor(private readonly options: PdnsApiOptions) {}

  /** `GET` the zone with its RRsets; `zone-not-found` on 404. */
  async getZone(zone: Fqdn, signal: AbortSignal): Promise<Result<PdnsRrset[], BackendError>> {
    const r = await this.call('GET', this.zoneUrl(zone), undefined, signal)
    if (!r.ok) return r
    const body = r.value.body
    if (r.value.status === 404) return err(notFound(zone))
    if (r.value.status !== 200 || !isZoneBody(body)) {
      return err(unexpectedReply(`powerdns GET zone ${zone}`, r.value.status, body))
    }
    return ok(body.rrsets)
  }

  /** Creates a native zone whose serial PowerDNS raises on every API change. */
  async createZone(
    zone: Fqdn,
    nameservers: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const body = { name: `${zone}.`, kind: 'Native', nameservers, soa_edit_api: 'DEFAULT' }
    const r = await this.call('POST', `${this.serverUrl()}/zones`, body, signal)
    if (!r.ok) return r
    // 409: created meanwhile by someone else, which is what we wanted.
    if (r.value.status === 201 || r.value.status === 409) return ok(undefined)
    return err(replyError(`powerdns create zone ${zone}`, r.value.status, r.value.body))
  }

  /** Applies RRset changes in one request: PowerDNS applies all of them or none. */
  async patch(
    zone: Fqdn,
    rrsets: readonly PdnsRrsetChange[],
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    if (rrsets.length === 0) return ok(undefined)
    const r = await this.call('PATCH', this.zoneUrl(zone), { rrsets }, signal)
    if (!r.ok) return r
    if (r.value.status === 204 || r.value.status === 200) return ok(undefined)
    if (r.value.status === 404) return err(notFound(zone))
    return err(replyError(`powerdns PATCH zone ${zone}`, r.value.status, r.value.body))
  }

  private call(method: 'GET' | 'POST' | 'PATCH', url: string, body: unknown, signal: AbortSignal) {
    const headers = { 'x-api-key': this.options.apiKey.reveal() }
    return callApi(
      this.options.fetch,
      { method, url, headers, signal, ...(body === undefined ? {} : { body }) },
      `powerdns ${method} ${url}`,
    )
  }

  private serverUrl(): string {
    return `${this.options.apiUrl}/api/v1/servers/${encodeURIComponent(this.options.serverId)}`
  }

  private zoneUrl(zone: Fqdn): string {
    return `${this.serverUrl()}/zones/${encodeURIComponent(`${zone}.`)}`
  }
}

function notFound(zone: Fqdn): BackendError {
  return { code: 'zone-not-found', retryable: false, message: `powerdns has no zone ${zone}` }
}

// PowerDNS answers 422 (and 400) with `{"error": "..."}` when it refuses the data.
function replyError(what: string, status: number, body: unknown): BackendError {
  if (status === 422 || status === 400) {
    const message =
      typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : ''
    return invalidRecord(`${what}: ${message || `HTTP ${status}`}`)
  }
  return unexpectedReply(what, status, body)
}

function isZoneBody(body: unknown): body is { rrsets: PdnsRrset[] } {
  return typeof body === 'object' && body !== null && 'rrsets' in body && Array.isArray(body.rrsets)
}
