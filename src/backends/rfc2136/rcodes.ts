/** RFC 2136 §2.2 response codes mapped to backend errors (what a retry can and cannot fix). */
import type { BackendError } from '../backend.ts'

const NAMES: Readonly<Record<number, string>> = {
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
}

/** The backend error for a non-zero rcode of `what`. */
export function rcodeError(rcode: number, what: string): BackendError {
  const name = NAMES[rcode] ?? `rcode ${rcode}`
  const message = `${what}: the server answered ${name}`
  switch (rcode) {
    case 5:
    case 4:
      return {
        code: 'refused',
        retryable: false,
        message: `${message} (is the key allowed to update this zone?)`,
      }
    case 9:
      return {
        code: 'not-auth',
        retryable: false,
        message: `${message} (the server is not authoritative for the zone, or the key is not accepted for it)`,
      }
    case 3:
      return { code: 'zone-not-found', retryable: false, message }
    case 1:
    case 6:
    case 10:
      return { code: 'invalid-record', retryable: false, message }
    default:
      return { code: 'unavailable', retryable: true, message }
  }
}
