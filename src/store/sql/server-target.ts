/**
 * Where a server database is: from `database.url`, or from the host/port/name/user fields,
 * with `database.password` (a secret) overriding a password in the URL. The description
 * used in messages never includes the password.
 */
import type { Secret } from '../../core/auth/secret.ts'

/** The `[database]` keys a server connection is built from. */
export interface ServerSettings {
  readonly url: Secret | null
  readonly host: string
  readonly port: number
  readonly name: string
  readonly user: string
  readonly password: Secret | null
  readonly pool_size: number
}

/** A resolved connection target. */
export interface ServerTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  /** The password itself; pass it only to the driver. */
  readonly password: string | undefined
  readonly poolSize: number
}

/** The connection target, `defaultPort` standing in for port 0 or a URL without a port. */
export function serverTarget(settings: ServerSettings, defaultPort: number): ServerTarget {
  const password = settings.password?.reveal()
  if (settings.url !== null) {
    // The schema checked the URL parses and names a database.
    const url = new URL(settings.url.reveal())
    const inUrl = url.password === '' ? undefined : decodeURIComponent(url.password)
    return {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? defaultPort : Number(url.port),
      database: decodeURIComponent(url.pathname.slice(1)),
      user: decodeURIComponent(url.username),
      password: password ?? inUrl,
      poolSize: settings.pool_size,
    }
  }
  return {
    host: settings.host,
    port: settings.port === 0 ? defaultPort : settings.port,
    database: settings.name,
    user: settings.user,
    password,
    poolSize: settings.pool_size,
  }
}

/** `scheme://user@host:port/database`: the target without its password, for messages. */
export function describeTarget(scheme: string, t: ServerTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host
  return `${scheme}://${encodeURIComponent(t.user)}@${host}:${t.port}/${t.database}`
}
