/** A minimal UDP A query, so latency samples measure DNS, not the start-up of a `dig` process. */
import { createSocket } from 'node:dgram'
import { encodeQuery } from '../src/dns/encode-query.ts'
import { decodeMessage } from '../src/dns/decode-message.ts'
import { RRType } from '../src/dns/constants.ts'
import type { Fqdn } from '../src/core/names.ts'

/** The A values a server answers for `name` (empty on timeout or error). */
export function queryA(port: number, name: Fqdn, timeoutMs = 1000): Promise<string[]> {
  const id = Math.floor(Math.random() * 65535)
  const query = encodeQuery(name, RRType.A, { id, edns: false })
  if (!query.ok) return Promise.resolve([])
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const done = (values: string[]): void => {
      clearTimeout(timer)
      socket.close()
      resolve(values)
    }
    const timer = setTimeout(() => {
      done([])
    }, timeoutMs)
    socket.on('message', (msg) => {
      const m = decodeMessage(msg)
      if (m.ok && m.value.header.id === id)
        done(m.value.answers.filter((a) => a.type === RRType.A).map((a) => a.data))
    })
    socket.on('error', () => {
      done([])
    })
    socket.send(query.value, port, '127.0.0.1')
  })
}

/**
 * A/AAAA queries over one UDP socket, matched to their answers by ID: the open-loop
 * benchmarks send a query per update, and a socket per query (bind, close) cost the client
 * more than the server spends answering.
 */
export class DnsProber {
  readonly #socket = createSocket('udp4')
  readonly #waiting = new Map<number, (values: string[]) => void>()
  #nextId = 1

  constructor(private readonly port: number) {
    this.#socket.on('message', (msg) => {
      const m = decodeMessage(msg)
      if (!m.ok) return
      const resolve = this.#waiting.get(m.value.header.id)
      if (resolve === undefined) return
      this.#waiting.delete(m.value.header.id)
      resolve(m.value.answers.filter((a) => a.type === RRType.A).map((a) => a.data))
    })
  }

  /** The A values served for `name`; empty after `timeoutMs` without an answer. */
  queryA(name: Fqdn, timeoutMs = 1000): Promise<string[]> {
    let id = this.#nextId
    while (this.#waiting.has(id)) id = (id % 65535) + 1
    this.#nextId = (id % 65535) + 1
    const query = encodeQuery(name, RRType.A, { id, edns: false })
    if (!query.ok) return Promise.resolve([])
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id)
        resolve([])
      }, timeoutMs)
      this.#waiting.set(id, (values) => {
        clearTimeout(timer)
        resolve(values)
      })
      this.#socket.send(query.value, this.port, '127.0.0.1')
    })
  }

  close(): void {
    this.#socket.close()
  }
}
