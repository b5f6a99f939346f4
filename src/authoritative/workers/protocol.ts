/**
 * The messages between the main process and its DNS workers (`dns.workers`), over the
 * cluster IPC channel with the `advanced` serialization (Buffers arrive as Uint8Array).
 * The main process stays the only authority: it sends every change it makes to its own
 * index, in order, numbered; a worker acknowledges each once applied, so a publish can wait
 * until every answering worker serves it. Queries a worker must not answer itself go the
 * other way, and the reply bytes come back.
 */
import type { DatabaseSettings } from '../../store/database.ts'
import type { ChangeSet, ZoneSnapshot } from '../../core/records.ts'
import type { Fqdn } from '../../core/names.ts'
import { Secret } from '../../core/auth/secret.ts'
import type { ZoneApex } from '../../jobs/zone-snapshot.ts'
import type { LanAddresses } from '../index/zone-index.ts'

/** The database settings with the secrets as plain strings (IPC carries no classes). */
export type PlainDatabaseSettings = Omit<DatabaseSettings, 'url' | 'password'> & {
  readonly url: string | null
  readonly password: string | null
}

/** What a worker needs to load its replica and answer. */
export interface WorkerSettings {
  /** 1..N, stable across restarts of the same slot (a metric label). */
  readonly worker: number
  readonly host: string
  readonly port: number
  readonly database: PlainDatabaseSettings
  /** The zones of the built-in server, with their apex data. */
  readonly apexes: readonly ZoneApex[]
  readonly rrl: {
    readonly responsesPerSecond: number
    readonly slip: number
    readonly exempt: readonly string[]
  } | null
  /** How often the worker reports its answer counts. */
  readonly reportMs: number
}

/** A change to the index, as the main process applied it. */
export type IndexChange =
  | { readonly t: 'apply'; readonly change: ChangeSet }
  | { readonly t: 'load'; readonly snapshot: ZoneSnapshot }
  | { readonly t: 'lan'; readonly zone: Fqdn; readonly hosts: readonly LanAddresses[] }

/** Main process → worker. */
export type ToWorker =
  | { readonly t: 'init'; readonly settings: WorkerSettings }
  | { readonly t: 'change'; readonly seq: number; readonly change: IndexChange }
  | { readonly t: 'listen' }
  | { readonly t: 'reply'; readonly id: number; readonly response: Uint8Array | null }

/** Worker → main process. */
export type FromWorker =
  | { readonly t: 'hello' }
  | { readonly t: 'loaded' }
  | { readonly t: 'listening' }
  | { readonly t: 'failed'; readonly message: string }
  | { readonly t: 'ack'; readonly seq: number }
  | {
      readonly t: 'query'
      readonly id: number
      readonly query: Uint8Array
      readonly client: string
    }
  | { readonly t: 'counts'; readonly udp: readonly number[] }
  | {
      readonly t: 'log'
      readonly level: 'info' | 'warn' | 'error'
      readonly fields: object
      readonly message: string
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
