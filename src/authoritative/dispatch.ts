/**
 * One incoming message to its response messages, for both transports: plain UDP queries
 * through the fast path (fast-answer.ts) when it can answer them, then the TSIG gate
 * (tsig-gate.ts), then UPDATE (update-server.ts, asynchronous: it goes through core and the
 * store) or queries and transfers (answer.ts, synchronous, from the index), and the responses
 * to a signed request signed. Exceptions are bugs: logged through `onError`, answered SERVFAIL.
 */
import { parseIp, type Cidr } from '../core/addresses/addresses.ts'
import { Rcode } from '../dns/constants.ts'
import { parseHeader } from '../dns/query.ts'
import type { TsigKey } from '../dns/tsig.ts'
import { answerMessages, type TransferHandler } from './answer/answer.ts'
import { fastAnswer } from './answer/fast-answer.ts'
import { headerOnly } from './answer/response-writer.ts'
import type { DnsLogger } from './dns-logger.ts'
import type { Answer } from './tcp-listener.ts'
import { answerTransfer, type TransferSource } from './xfr/transfer.ts'
import { checkTsig, signResponses, type SignedRequest } from './tsig/tsig-gate.ts'
import { answerUpdate, isUpdate, type UpdateHandlerOptions } from './update/update-server.ts'
import { ZoneIndex, type ZoneLookup } from './index/zone-index.ts'

/** Who may transfer: clients inside `allow`, or requests signed with a key in `allowKeys`. */
export interface TransferOptions {
  readonly source: TransferSource
  readonly allow: readonly Cidr[]
  /** Lowercase TSIG key names. */
  readonly allowKeys?: readonly string[]
}

/** Everything the dispatcher needs. */
export interface DispatchOptions {
  readonly index: ZoneLookup
  readonly transfer?: TransferOptions
  readonly update?: UpdateHandlerOptions
  readonly logger?: DnsLogger
  readonly onError: (where: string) => (e: unknown) => void
}

/** Returns the handler of one transport: message and client address in, responses out. */
export function createDispatcher(
  o: DispatchOptions,
): (transport: 'udp' | 'tcp') => (query: Buffer, client: string) => Answer | Promise<Answer> {
  const t = o.transfer
  const transfer: TransferHandler | undefined =
    t === undefined
      ? undefined
      : (q, raw, transport, client, key) =>
          answerTransfer(q, raw, transport, t.source, allowed(t, client, key))
  const keys = (name: string): TsigKey | undefined => o.update?.keys.get(name)?.key
  const now = (): number => o.update?.now() ?? Date.now() / 1000
  // Plain UDP queries for existing names skip parsing into objects (fast-answer.ts).
  const fastZones = o.index instanceof ZoneIndex ? o.index : undefined
  // Signed queries also see the SOA of zones served elsewhere (UPDATE clients look it up).
  const signedIndex = o.update?.bridged?.over(o.index) ?? o.index
  return (transport) => {
    const onError = o.onError(`answer ${transport}`)
    const fast = transport === 'udp' ? fastZones : undefined
    return (query, client) => {
      if (fast !== undefined) {
        const response = fastAnswer(query, fast)
        if (response !== undefined) return [response]
      }
      const gate = checkTsig(query, keys, now())
      if (gate.kind === 'refused') {
        o.logger?.warn(
          { client, tsig: gate.error.code, reason: gate.error.message },
          'DNS TSIG check failed',
        )
        // A bad key or MAC is a wrong credential; a bad time is a clock, not a guess. Counted
        // over TCP only: a UDP source address can be forged, and counting it would let anyone
        // spend another address's failure budget (its web logins, its password updates).
        const code = gate.error.code
        if (transport === 'tcp' && (code === 'BADSIG' || code === 'BADKEY'))
          o.update?.keyFailed?.(client)
        return [gate.response]
      }
      const signed = gate.kind === 'signed' ? gate.request : undefined
      const message = signed?.message ?? query
      if (o.update !== undefined && isUpdate(message)) {
        return updating(message, signed, client, o.update, o.onError('update'))
      }
      const answers = answerMessages(message, signed === undefined ? o.index : signedIndex, {
        transport,
        client,
        onError,
        ...(transfer === undefined ? {} : { transfer }),
        ...(signed === undefined ? {} : { key: signed.key.name }),
      })
      if (answers === null || signed === undefined) return answers
      return signResponses(answers, signed, now())
    }
  }
}

async function updating(
  message: Buffer,
  signed: SignedRequest | undefined,
  client: string,
  u: UpdateHandlerOptions,
  onError: (e: unknown) => void,
): Promise<Answer> {
  try {
    const response = await answerUpdate(message, signed, client, u)
    return response === null ? [] : [response]
  } catch (e) {
    onError(e)
    const head = parseHeader(message)
    return head.ok ? [headerOnly(head.value, Rcode.SERVFAIL)] : []
  }
}

function allowed(t: TransferOptions, peer: string, key: string | undefined): boolean {
  if (key !== undefined && t.allowKeys?.includes(key) === true) return true
  const address = parseIp(peer)
  return address.ok && t.allow.some((range) => range.contains(address.value))
}
