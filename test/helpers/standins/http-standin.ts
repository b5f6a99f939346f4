/**
 * A local HTTP server that plays a cloud DNS provider for tests. The provider module
 * supplies the routes; this adds the parts every stand-in shares: JSON bodies, a request
 * log, and injected failures (e.g. a 429 with `Retry-After`) for the next requests.
 */
import { createServer, type IncomingMessage } from 'node:http'

/** A request as a route sees it. */
export interface StandinRequest {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingMessage['headers']
  readonly body: unknown
}

/** A reply. */
export interface StandinReply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
  /** Sent as is instead of `body` (XML APIs); set the content-type in `headers`. */
  readonly text?: string
}

/** A running stand-in. */
export interface Standin {
  readonly url: string
  /** `METHOD path` of every request, in order. */
  readonly log: string[]
  /** The next `count` requests get `reply` instead of being served. */
  failNext(reply: StandinReply, count?: number): void
  close(): Promise<void>
}

/** Starts a stand-in on 127.0.0.1 and a free port. */
export async function startStandin(route: (req: StandinRequest) => StandinReply): Promise<Standin> {
  const log: string[] = []
  const failures: StandinReply[] = []
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (d: Buffer) => (raw += d.toString()))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin')
      log.push(`${req.method ?? ''} ${url.pathname}`)
      let body: unknown = null
      try {
        body = raw === '' ? null : (JSON.parse(raw) as unknown)
      } catch {
        body = raw
      }
      const reply =
        failures.shift() ?? route({ method: req.method ?? 'GET', url, headers: req.headers, body })
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    failNext: (reply, count = 1) => {
      for (let i = 0; i < count; i++) failures.push(reply)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}
