/**
 * TSIG at the server's door (RFC 8945 §5.2, §5.3): a request that carries a TSIG record is
 * verified before anything reads it; a failure is answered at once (NOTAUTH with BADKEY,
 * BADSIG or BADTIME, see tsig-reply.ts), a success lets the request through without its
 * TSIG and every response message is signed: the first over the request MAC and all TSIG
 * variables, each later one of a transfer over the previous MAC and the timers (§5.3.1).
 * Requests without TSIG pass unchanged. Every message of a stream is signed, which satisfies
 * the "at least every 100th" rule.
 */
import { parseHeader } from '../../dns/query.ts'
import { signMessage, verifyMessage, type TsigError, type TsigKey } from '../../dns/tsig.ts'
import { locateTsig } from '../../dns/tsig-record.ts'
import { refuseTsig } from './tsig-reply.ts'

/** A verified request: its key and MAC, and the message without the TSIG record. */
export interface SignedRequest {
  readonly key: TsigKey
  readonly mac: Buffer
  readonly message: Buffer
}

/** What the gate decided about one request. */
export type GateResult =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'signed'; readonly request: SignedRequest }
  | { readonly kind: 'refused'; readonly response: Buffer; readonly error: TsigError }

/** Checks the TSIG of `raw`, if it has one, against `keys` (by lowercase key name). */
export function checkTsig(
  raw: Uint8Array,
  keys: (name: string) => TsigKey | undefined,
  now: number,
): GateResult {
  const at = locateTsig(raw)
  // A malformed message is left to the normal path, which answers FORMERR or nothing.
  if (!at.ok || at.value === undefined) return { kind: 'unsigned' }
  const head = parseHeader(raw)
  if (!head.ok) return { kind: 'unsigned' }
  const verified = verifyMessage(raw, keys, { now })
  if (verified.ok) return { kind: 'signed', request: verified.value }
  const response = refuseTsig(raw, head.value, verified.error, keys, now)
  return { kind: 'refused', response, error: verified.error }
}

/** Signs the response messages to a verified request, in order (RFC 8945 §4.3, §5.3.1). */
export function signResponses(
  responses: readonly Buffer[],
  request: SignedRequest,
  now: number,
): Buffer[] {
  const out: Buffer[] = []
  let prior: Buffer = request.mac
  for (const [i, response] of responses.entries()) {
    const signed = signMessage(response, request.key, {
      now,
      requestMac: prior,
      ...(i === 0 ? {} : { timersOnly: true }),
    })
    // Only an unwritable key name fails here, and such a key never verifies a request.
    if (!signed.ok) return out
    out.push(signed.value.message)
    prior = signed.value.mac
  }
  return out
}
