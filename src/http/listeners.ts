/**
 * Starts the HTTP listener and, when configured, the HTTPS one beside it (routers often speak
 * only plain HTTP, so HTTPS never replaces it). Port problems come back as one clear sentence;
 * a listening socket that later fails or closes on its own is reported to `onDied`.
 */
import type { Server } from 'node:https'
import type { FastifyInstance } from 'fastify'
import { err, ok, type Result } from '../core/result.ts'
import {
  CertificateReloader,
  loadTlsFiles,
  logRefusedHandshakes,
  type TlsFiles,
  type TlsLogger,
} from './tls.ts'

/** The listener settings (the config's `[http]` and `[https]` tables). */
export interface ListenerSettings {
  readonly http: { readonly listen: string; readonly port: number }
  readonly https: {
    readonly enabled: boolean
    readonly listen: string
    readonly port: number
    readonly cert: string
    readonly key: string
  }
}

/** Running listeners. */
export interface HttpListeners {
  readonly http: FastifyInstance
  readonly httpPort: number
  readonly httpsPort: number | null
  /** Re-reads the certificate files (SIGHUP); false when the new pair was refused. */
  reloadCertificates(reason: string): boolean
  close(): Promise<void>
}

/** Builds (with `build`) and starts the listeners; `onDied`: one stopped on its own. */
export async function startHttpListeners(
  settings: ListenerSettings,
  build: (tls?: TlsFiles) => FastifyInstance,
  logger: TlsLogger,
  onDied: (reason: string) => void,
): Promise<Result<HttpListeners, string>> {
  let tls: TlsFiles | undefined
  if (settings.https.enabled) {
    const files = loadTlsFiles(settings.https.cert, settings.https.key)
    if (!files.ok) return err(`https: ${files.error}`)
    tls = files.value
  }
  let closing = false
  const watch = (app: FastifyInstance, what: string): void => {
    app.server.on('error', (e) => {
      onDied(`${what} listener failed: ${e.message}`)
    })
    app.server.on('close', () => {
      if (!closing) onDied(`${what} listener closed`)
    })
  }
  // Both built before either listens: a build that throws leaves nothing listening.
  const http = build()
  const https = tls === undefined ? null : build(tls)
  const httpPort = await listen(http, 'HTTP', settings.http.listen, settings.http.port)
  if (!httpPort.ok) return httpPort
  watch(http, 'HTTP')
  if (https === null) {
    return ok({
      http,
      httpPort: httpPort.value,
      httpsPort: null,
      reloadCertificates: () => true,
      close: () => {
        closing = true
        return http.close()
      },
    })
  }
  const httpsPort = await listen(https, 'HTTPS', settings.https.listen, settings.https.port)
  if (!httpsPort.ok) {
    closing = true
    await http.close()
    return httpsPort
  }
  watch(https, 'HTTPS')
  const reloader = new CertificateReloader(
    https.server as unknown as Server,
    settings.https.cert,
    settings.https.key,
    logger,
  )
  reloader.watch()
  logRefusedHandshakes(https.server as unknown as Server, logger)
  return ok({
    http,
    httpPort: httpPort.value,
    httpsPort: httpsPort.value,
    reloadCertificates: (reason) => reloader.reload(reason),
    close: async () => {
      closing = true
      reloader.stop()
      await Promise.all([http.close(), https.close()])
    },
  })
}

async function listen(
  app: FastifyInstance,
  what: string,
  host: string,
  port: number,
): Promise<Result<number, string>> {
  try {
    await app.listen({ host, port })
    const address = app.server.address()
    return ok(typeof address === 'object' && address !== null ? address.port : port)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const where = `${host}:${String(port)}`
    return err(
      code === 'EADDRINUSE'
        ? `${what} port ${where} is already in use`
        : `cannot listen on ${what} ${where}: ${(e as Error).message}`,
    )
  }
}
