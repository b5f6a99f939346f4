/**
 * The ceiling of any Node DNS server on this machine: one UDP socket that answers every query
 * with its question echoed and one pre-encoded A record, no parsing, no lookup. Run as its own
 * process (`node --import tsx node-ceiling.ts <port>`) so its CPU is measured apart.
 */
import { createSocket } from 'node:dgram'

const port = Number(process.argv[2])
// NAME (pointer to the question at offset 12), A, IN, TTL 60, RDLENGTH 4, 10.0.0.1
const ANSWER = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1])
const socket = createSocket('udp4')
socket.on('message', (query, peer) => {
  if (query.length < 12) return
  const reply = Buffer.allocUnsafe(query.length + ANSWER.length)
  query.copy(reply)
  reply[2] = 0x84 | ((query[2] ?? 0) & 0x01) // QR, AA, RD copied
  reply[3] = 0
  reply.writeUInt16BE(1, 6) // ANCOUNT
  reply.writeUInt32BE(0, 8) // NSCOUNT, ARCOUNT: dnsperf sends no OPT without -e
  ANSWER.copy(reply, query.length)
  socket.send(reply, peer.port, peer.address)
})
socket.bind(port, '127.0.0.1')
process.on('SIGTERM', () => {
  socket.close()
})
