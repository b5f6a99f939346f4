/**
 * The interface of an HTTP update dialect: it translates a request into an `UpdateIntent`
 * and core's `UpdateResult` into the exact bytes its clients expect. No storage, no DNS,
 * no secret checks happen here.
 */
import type { IpAddress } from '../core/addresses.ts'
import type { Result } from '../core/result.ts'
import type { UpdateIntent, UpdateResult } from '../core/update-intent.ts'

/** A request as dialects see it (framework-neutral). */
export interface UpdateRequest {
  readonly method: 'GET' | 'POST'
  /** The path without the query string, percent-decoded. */
  readonly path: string
  /** Query and form parameters, first value wins; names as sent. */
  readonly params: ReadonlyMap<string, string>
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly clientIp: IpAddress
  /** Basic credentials from the Authorization header, if well-formed. */
  readonly basic: { readonly username: string; readonly password: string } | null
}

/** The reply to send. */
export interface DialectResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A request the dialect refuses before core sees it. */
export interface DialectError {
  readonly code: 'badauth' | 'notfqdn' | 'badip' | 'badsys' | 'badrequest'
  readonly message: string
}

/** One HTTP update style. */
export interface UpdateDialect {
  /** Folder name = log field `dialect`. */
  readonly name: string
  readonly routes: readonly { readonly method: 'GET' | 'POST'; readonly path: string }[]
  parse(req: UpdateRequest): Result<UpdateIntent, DialectError>
  /** Renders a dialect error or core's result. */
  render(result: UpdateResult | DialectError, req: UpdateRequest): DialectResponse
}
