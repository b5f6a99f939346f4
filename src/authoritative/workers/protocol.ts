/**
 * The messages between the main process and its DNS workers (`dns.workers`), over the
 * cluster IPC channel with the `advanced` serialization (Buffers arrive as Uint8Array).
 * The main process stays the only authority: it sends every change it makes to its own
 * index, in order, numbered; a worker acknowledges each once applied, so a publish can wait
 * until every answering worker serves it. Queries a worker must not answer itself go the
 * other way, and the reply bytes come back.
 */
import type { ChangeSet, ZoneSnapshot } from '../../core/records.ts'
import type { Fqdn } from '../../core/names.ts'
import type { LanAddresses } from '../index/zone-index.ts'

/**
 * What a worker needs to load its replica and answer. `Load` is what the replica is loaded
 * from: whatever the worker's entry reads its zones with (the store's settings and the
 * zones, for src/dns-worker-main.ts); the pool passes it on unread. Plain data only: the
 * IPC channel carries no classes.
 */
export interface WorkerSettings<Load> {
  /** 1..N, stable across restarts of the same slot (a metric label). */
  readonly worker: number
  readonly host: string
  readonly port: number
  readonly load: Load
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
export type ToWorker<Load = unknown> =
  | { readonly t: 'init'; readonly settings: WorkerSettings<Load> }
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
