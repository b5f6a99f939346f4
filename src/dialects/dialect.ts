/**
 * The interface of an HTTP update dialect: it translates a request into an `UpdateIntent`
 * and core's `UpdateResult` into the exact bytes its clients expect. No storage, no DNS,
 * no secret checks happen here.
 */
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { Result } from '../core/result.ts'
import type { UpdateIntent, UpdateResult } from '../core/update/update-intent.ts'

/** A request as dialects see it (framework-neutral). */
export interface UpdateRequest {
  readonly method: 'GET' | 'POST'
  /** The path without the query string, percent-decoded. */
  readonly path: string
  /** The request target exactly as sent (path and query, not decoded); secret URLs need it. */
  readonly rawUrl?: string
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
  /**
   * A reply that needs no update at all (check-IP, sftdyn's bare prefix); when it returns
   * one, `parse` is not called.
   */
  answer?(req: UpdateRequest): DialectResponse | undefined
  /**
   * True when the request cannot be one of this dialect's (sftdyn: a path that cannot be a
   * key). The HTTP layer then answers it as an unknown path, before anything is checked, so
   * it counts toward no lockout, budget or metric.
   */
  unknownPath?(req: UpdateRequest): boolean
  /** The name of the dialect that serves this request, when one path hosts several. */
  nameFor?(req: UpdateRequest): string
}

/**
 * A route that is not an update (acme-dns `/register`): it answers asynchronously from a
 * service the composition root hands it.
 */
export interface ServiceRoute {
  readonly method: 'GET' | 'POST'
  readonly path: string
  handle(req: UpdateRequest): Promise<DialectResponse>
}

/** A `text/plain` reply. */
export function textReply(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): DialectResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body }
}

/** An `application/json` reply. */
export function jsonReply(status: number, body: string): DialectResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body }
}
