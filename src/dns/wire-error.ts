/** The one error value of the wire codec: a stable code plus a message for logs and tests. */

/** Why bytes or presentation text could not be turned into DNS data. */
export interface WireError {
  readonly code:
    | 'truncated'
    | 'bad-pointer'
    | 'bad-label-type'
    | 'name-too-long'
    | 'label-too-long'
    | 'bad-name'
    | 'bad-count'
    | 'bad-opt'
    | 'trailing-data'
    | 'bad-rdata'
  readonly message: string
}

/** Builds a `WireError`. */
export function wireError(code: WireError['code'], message: string): WireError {
  return { code, message }
}
