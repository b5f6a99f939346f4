/**
 * The anchor of the update-path benchmark: a bare Fastify route answering a constant DynDNS2
 * reply, with no auth, lookup or logging. Run as its own process (like dynzone) so each gets
 * a core; prints `listening <port>` when ready.
 */
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/nic/update', (_req, reply) => reply.type('text/plain').send('nochg 192.0.2.1'))
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(
  `listening ${String(typeof address === 'object' && address !== null ? address.port : 0)}\n`,
)
