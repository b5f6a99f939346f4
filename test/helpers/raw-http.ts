/**
 * A raw HTTP/1.1 client over a TCP socket, for hostile-input tests: it sends exactly the
 * bytes given (a malformed request target, a broken header, odd methods), which curl and
 * fetch would refuse or normalise, and returns the status line's code (0 when the server
 * closed without answering) and the response text.
 */
import { connect } from 'node:net'

/** What came back for one raw request. */
export interface RawResponse {
  /** The status code, or 0 when the connection ended without a status line. */
  readonly status: number
  readonly head: string
  readonly body: string
}

/** Sends `request` (the whole request, CRLFs included) to 127.0.0.1:`port`. */
export function rawRequest(
  port: number,
  request: string | Buffer,
  timeoutMs = 20_000,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect({ host: '127.0.0.1', port })
    const finish = (): void => {
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const head = split < 0 ? text : text.slice(0, split)
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      resolve({
        status: m === null ? 0 : Number(m[1]),
        head,
        body: split < 0 ? '' : text.slice(split + 4),
      })
    }
    const timer = setTimeout(finish, timeoutMs)
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('end', finish)
    socket.on('close', finish)
    socket.on('error', finish)
    socket.write(request)
  })
}

/** A GET (or `method`) request for `target` with `headers`, closing after the answer. */
export function buildRequest(
  method: string,
  target: string,
  headers: readonly string[] = [],
  body = '',
): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers]
  if (body !== '') lines.push(`Content-Length: ${String(Buffer.byteLength(body))}`)
  return lines.join('\r\n') + '\r\n\r\n' + body
}
