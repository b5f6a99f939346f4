/**
 * A TSIG-signing DNS client for one server: UPDATE (RFC 2136) with UDP and TCP fallback,
 * signed queries, and AXFR (RFC 5936) verified message by message (RFC 8945 §5.3.1).
 * Every reply must be signed with our key; an unsigned or forged one is a `bad-tsig` error.
 */
import { randomInt } from 'node:crypto'
import { err, ok, type Result } from '../../core/result.ts'
import { CLASSIC_UDP_PAYLOAD, Flag } from '../../dns/constants.ts'
import { decodeMessage, type DecodedMessage } from '../../dns/decode-message.ts'
import { signMessage, TsigStream, verifyMessage, type TsigKey } from '../../dns/tsig.ts'
import { tcpExchange, udpExchange, type Endpoint, type TransportError } from './transport.ts'

/** Why an exchange failed, before looking at the rcode. */
export type ClientError =
  TransportError | { readonly code: 'bad-tsig' | 'bad-reply'; readonly message: string }

/** A decoded reply; `signed` is false only for an unsigned error reply (never a success). */
export type SignedReply = DecodedMessage & { readonly signed: boolean }

/** Server, key, transport choice and clock. */
export interface ClientOptions extends Endpoint {
  readonly key: TsigKey
  readonly tcp: boolean
  /** Seconds since the epoch. */
  readonly now: () => number
}

/** Signs `msg` (built with `id`), sends it and returns the verified, decoded reply. */
export async function signedExchange(
  o: ClientOptions,
  build: (id: number) => Result<Buffer, string>,
  signal: AbortSignal,
): Promise<Result<SignedReply, ClientError>> {
  const id = randomInt(0x10000)
  const unsigned = build(id)
  if (!unsigned.ok) return err({ code: 'bad-reply', message: unsigned.error })
  const signed = signMessage(unsigned.value, o.key, { now: o.now() })
  if (!signed.ok) return err({ code: 'bad-tsig', message: signed.error.message })
  const { message, mac } = signed.value
  let reply: Result<Buffer, TransportError>
  if (o.tcp || message.length > CLASSIC_UDP_PAYLOAD) {
    reply = first(await tcpExchange(o, message, signal))
  } else {
    reply = await udpExchange(o, message, signal)
    if (reply.ok && (reply.value.readUInt16BE(2) & Flag.TC) !== 0) {
      reply = first(await tcpExchange(o, message, signal))
    }
  }
  if (!reply.ok) return reply
  const verified = verifyMessage(reply.value, (name) => (name === o.key.name ? o.key : undefined), {
    now: o.now(),
    requestMac: mac,
  })
  if (!verified.ok && verified.error.code === 'unsigned') {
    // An unsigned error reply can only make us fail, never believe a change happened, so
    // its rcode is used (Knot answers NOTAUTH unsigned for a zone it does not serve);
    // an unsigned success is what a forger would send, and is refused.
    const plain = decode(Buffer.from(reply.value), id)
    if (plain.ok && plain.value.header.rcode !== 0) return ok({ ...plain.value, signed: false })
  }
  if (!verified.ok) {
    const why = verified.error.fromPeer
      ? `the server rejected our key "${o.key.name}": ${verified.error.code}`
      : verified.error.code === 'unsigned'
        ? 'the reply is not signed'
        : `the reply failed TSIG: ${verified.error.message}`
    return err({ code: 'bad-tsig', message: why })
  }
  const decoded = decode(verified.value.message, id)
  return decoded.ok ? ok({ ...decoded.value, signed: true }) : decoded
}

/** Runs a signed AXFR and returns every answer record of the transfer, SOA first and last. */
export async function signedTransfer(
  o: ClientOptions,
  query: (id: number) => Result<Buffer, string>,
  signal: AbortSignal,
): Promise<Result<DecodedMessage['answers'], ClientError>> {
  const id = randomInt(0x10000)
  const unsigned = query(id)
  if (!unsigned.ok) return err({ code: 'bad-reply', message: unsigned.error })
  const signed = signMessage(unsigned.value, o.key, { now: o.now() })
  if (!signed.ok) return err({ code: 'bad-tsig', message: signed.error.message })
  const stream = new TsigStream(o.key, signed.value.mac, o.now)
  const records: DecodedMessage['answers'][number][] = []
  let problem: ClientError | undefined
  let soas = 0
  const done = await tcpExchange(o, signed.value.message, signal, (raw) => {
    const verified = stream.next(raw)
    if (!verified.ok) {
      problem = { code: 'bad-tsig', message: `transfer: ${verified.error.message}` }
      return true
    }
    const msg = decode(verified.value, id)
    if (!msg.ok || msg.value.header.rcode !== 0) {
      problem = msg.ok
        ? { code: 'bad-reply', message: `transfer refused (rcode ${msg.value.header.rcode})` }
        : msg.error
      return true
    }
    for (const rr of msg.value.answers) {
      records.push(rr)
      if (rr.type === 6) soas++
    }
    return soas >= 2
  })
  if (problem !== undefined) return err(problem)
  if (!done.ok) return done
  return ok(records)
}

function first(r: Result<Buffer[], TransportError>): Result<Buffer, TransportError> {
  if (!r.ok) return r
  const reply = r.value[0]
  return reply === undefined ? err({ code: 'unavailable', message: 'empty TCP reply' }) : ok(reply)
}

function decode(msg: Buffer, id: number): Result<DecodedMessage, ClientError> {
  const decoded = decodeMessage(msg)
  if (!decoded.ok) return err({ code: 'bad-reply', message: decoded.error.message })
  const h = decoded.value.header
  if (h.id !== id || (h.flags & Flag.QR) === 0) {
    return err({ code: 'bad-reply', message: 'the reply does not match the request' })
  }
  return decoded
}
