/**
 * HTTPS certificates: read from PEM files (Let's Encrypt `fullchain.pem`/`privkey.pem`),
 * TLS 1.2 and newer only, and replaced in the running server with `setSecureContext` on
 * SIGHUP or when a file changes. Open connections keep their session; the next handshake
 * uses the new certificate. A new pair that does not load (half-written file, key and
 * certificate mismatch) is refused and the old one stays.
 *
 * ALPN (RFC 7301): `http/1.1` and `http/1.0` are both offered, and a client that sends no
 * ALPN extension is served too. Node's own default offers only `http/1.1` and, since the
 * server then has a list, ends the handshake of a client that offers only `http/1.0` (curl
 * `--http1.0`, router firmware replaying an old request) with a `no_application_protocol`
 * alert. HTTP/2 (`h2`) is not served; a client that offers nothing else is refused.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs'
import type { Server } from 'node:https'
import { createSecureContext } from 'node:tls'
import { err, ok, type Result } from '../core/result.ts'

/** A certificate chain and its key, as PEM. */
export interface TlsFiles {
  readonly cert: Buffer
  readonly key: Buffer
}

/** The minimum protocol dynzone accepts. */
export const TLS_MIN_VERSION = 'TLSv1.2'

/** The ALPN protocols the HTTPS listener accepts, preferred first. */
export const ALPN_PROTOCOLS: readonly string[] = ['http/1.1', 'http/1.0']

/** Reads and checks a certificate/key pair. */
export function loadTlsFiles(certPath: string, keyPath: string): Result<TlsFiles, string> {
  if (certPath === '' || keyPath === '')
    return err('https.cert and https.key must both name PEM files')
  let files: TlsFiles
  try {
    files = { cert: readFileSync(certPath), key: readFileSync(keyPath) }
  } catch (e) {
    return err(
      `cannot read ${(e as NodeJS.ErrnoException).path ?? certPath}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    )
  }
  try {
    createSecureContext({ ...files, minVersion: TLS_MIN_VERSION })
  } catch (e) {
    return err(`${certPath} / ${keyPath}: ${(e as Error).message}`)
  }
  return ok(files)
}

/**
 * Logs each refused handshake at debug level with the client's address and the reason (no
 * ALPN protocol in common, an old protocol version, not TLS at all); nothing the client sent
 * is logged. Without a listener Node drops these silently.
 */
export function logRefusedHandshakes(server: Server, logger: TlsLogger): void {
  server.on('tlsClientError', (e: Error & { code?: string; reason?: string }, socket) => {
    logger.debug(
      { client: socket.remoteAddress, code: e.code, reason: e.reason ?? e.message },
      'TLS handshake refused',
    )
  })
}

/** What the reloader logs. */
export interface TlsLogger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** Swaps the certificate of a running HTTPS server, on demand and when the files change. */
export class CertificateReloader {
  readonly #server: Server
  readonly #cert: string
  readonly #key: string
  readonly #logger: TlsLogger
  #timer: NodeJS.Timeout | undefined

  constructor(server: Server, certPath: string, keyPath: string, logger: TlsLogger) {
    this.#server = server
    this.#cert = certPath
    this.#key = keyPath
    this.#logger = logger
  }

  /** Loads the files and installs them; false (old pair kept) when they do not load. */
  reload(reason: string): boolean {
    const files = loadTlsFiles(this.#cert, this.#key)
    if (!files.ok) {
      this.#logger.error(
        { reason, error: files.error },
        'certificate reload refused; keeping the current one',
      )
      return false
    }
    this.#server.setSecureContext({ ...files.value, minVersion: TLS_MIN_VERSION })
    this.#logger.info({ reason, cert: this.#cert }, 'certificate reloaded')
    return true
  }

  /**
   * Follows file changes by polling (robust to Let's Encrypt's symlink swaps, which inotify
   * watches on the old target miss); several writes in a row settle before one reload.
   */
  watch(intervalMs = 2000): void {
    const changed = (): void => {
      clearTimeout(this.#timer)
      this.#timer = setTimeout(() => this.reload('file changed'), 500)
    }
    watchFile(this.#cert, { interval: intervalMs, persistent: false }, changed)
    watchFile(this.#key, { interval: intervalMs, persistent: false }, changed)
  }

  /** Stops watching. */
  stop(): void {
    clearTimeout(this.#timer)
    unwatchFile(this.#cert)
    unwatchFile(this.#key)
  }
}
