/**
 * A DNS worker's UDP side: it reads the socket it shares with the other workers (the kernel
 * hands each datagram to one of them), limits answers per client prefix (its own budget,
 * see rrl.ts), answers from its replica what is read-only (the fast path, then the general
 * path, the same code the main process runs) and hands the rest to the main process
 * (forward-rule.ts). Answers are counted per rcode for the main process's metrics.
 */
import type { RemoteInfo, Socket } from 'node:dgram'
import { err, ok, type Result } from '../../core/result.ts'
import { createDispatcher } from '../dispatch.ts'
import { fastAnswer } from '../answer/fast-answer.ts'
import { createRrl, limitUdp, type RrlOptions } from '../answer/rrl.ts'
import type { Answer } from '../tcp-listener.ts'
import { bindUdp, closeUdp, sendUdp } from '../udp-listener.ts'
import type { ZoneIndex } from '../index/zone-index.ts'
import { needsPrimary } from './forward-rule.ts'

/** What the worker's listener needs. */
export interface WorkerServerOptions {
  readonly host: string
  readonly port: number
  readonly index: ZoneIndex
  readonly rrl: RrlOptions | null
  /** Asks the main process; resolves with its response, or null for none. */
  readonly forward: (query: Buffer, client: string) => Promise<Buffer | null>
  readonly onError: (where: string) => (e: unknown) => void
}

/** A listening worker. */
export interface WorkerServer {
  /** Answers sent by this worker since start, by rcode (forwarded ones not included). */
  readonly counts: Float64Array
  close(): Promise<void>
}

/** Binds the shared UDP socket and starts answering. */
export async function listenWorker(o: WorkerServerOptions): Promise<Result<WorkerServer, string>> {
  const counts = new Float64Array(16)
  const { index } = o
  // A plain lookup, not the index itself, so the dispatcher does not try the fast path again.
  const general = createDispatcher({
    index: { lookup: (qname, qtype, client) => index.lookup(qname, qtype, client) },
    onError: o.onError,
  })('udp')
  const onError = o.onError('udp')
  const reply = (socket: Socket, peer: RemoteInfo, response: Buffer | undefined): void => {
    if (response !== undefined) {
      const rcode = (response[3] ?? 0) & 0x0f
      counts[rcode] = (counts[rcode] ?? 0) + 1
    }
    sendUdp(socket, peer, response)
  }
  const answer = (message: Buffer, peer: RemoteInfo, socket: Socket): void => {
    try {
      const fast = fastAnswer(message, index)
      if (fast !== undefined) {
        reply(socket, peer, fast)
      } else if (needsPrimary(message)) {
        o.forward(message, peer.address).then((r) => {
          sendUdp(socket, peer, r)
        }, onError)
      } else {
        const answers: Answer | Promise<Answer> = general(message, peer.address)
        if (answers instanceof Promise) {
          answers.then((a) => {
            reply(socket, peer, a?.[0])
          }, onError)
        } else reply(socket, peer, answers?.[0])
      }
    } catch (e) {
      onError(e)
    }
  }
  const rrl = o.rrl === null ? null : createRrl(o.rrl)
  const bound = await bindUdp(o.host, o.port, limitUdp(rrl, answer), true)
  if (!bound.ok) return err(`cannot bind UDP ${o.host}:${String(o.port)}: ${bound.error.message}`)
  const socket = bound.value
  socket.on('error', o.onError('udp socket'))
  return ok({ counts, close: () => closeUdp(socket) })
}
