/**
 * What a DNS worker (`dns.workers`) loads its replica from: the store's settings and the
 * built-in server's zones. The main process sends it in the worker's settings
 * (src/start/dns-workers.ts); the worker's entry (src/dns-worker-main.ts) opens the store
 * with it, read only. The IPC channel carries no classes: the secrets travel as strings.
 */
import { Secret } from '../core/auth/secret.ts'
import type { ZoneApex } from '../jobs/zone-snapshot.ts'
import type { DatabaseSettings } from '../store/database.ts'

/** The database settings with the secrets as plain strings. */
export type PlainDatabaseSettings = Omit<DatabaseSettings, 'url' | 'password'> & {
  readonly url: string | null
  readonly password: string | null
}

/** The `load` of a DNS worker's settings. */
export interface WorkerLoad {
  readonly database: PlainDatabaseSettings
  /** The zones of the built-in server, with their apex data. */
  readonly apexes: readonly ZoneApex[]
}

/** The settings without classes, for the IPC channel. */
export function plainDatabase(settings: DatabaseSettings): PlainDatabaseSettings {
  return {
    ...settings,
    url: settings.url?.reveal() ?? null,
    password: settings.password?.reveal() ?? null,
  }
}

/** The settings back with their secrets wrapped. */
export function databaseFromPlain(plain: PlainDatabaseSettings): DatabaseSettings {
  return {
    ...plain,
    url: plain.url === null ? null : new Secret(plain.url),
    password: plain.password === null ? null : new Secret(plain.password),
  }
}
