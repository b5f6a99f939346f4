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
