/**
 * The shape of a backend factory, separate from the registry so backend folders can import
 * it without an import cycle.
 */
import type { z } from 'zod'
import type { Fqdn } from '../core/names.ts'
import type { RecordType } from '../core/records.ts'
import type { DnsBackend } from './backend.ts'

/** What every backend may use from the composition root. */
export interface BackendDeps {
  readonly logger: BackendLogger
}

/** The logging a backend may do. */
export interface BackendLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** The zone a backend serves (apex data from the config). */
export interface BackendZone {
  readonly name: Fqdn
  readonly ttl: number
}

/** A backend kind as the config sees it: its name and its settings schema. */
export interface BackendKind {
  readonly kind: string
  /** Schema of the zone's `[zones.<kind>]` table; null when the backend takes no settings. */
  readonly settings: z.ZodType | null
  /**
   * The record types this backend publishes (what its provider documents): a record of any
   * other type is refused at every door and at start, never dropped.
   */
  readonly types: readonly RecordType[]
}

/** A backend kind and how to build one for a zone. */
export interface BackendFactory extends BackendKind {
  create(zone: BackendZone, settings: unknown, deps: BackendDeps): DnsBackend
}

/** Defines a factory with typed settings (the config has validated them before `create`). */
export function defineBackend<S>(definition: {
  readonly kind: string
  readonly settings: z.ZodType<S> | null
  readonly types: readonly RecordType[]
  create(zone: BackendZone, settings: S, deps: BackendDeps): DnsBackend
}): BackendFactory {
  return {
    kind: definition.kind,
    settings: definition.settings,
    types: definition.types,
    create: (zone, settings, deps) => definition.create(zone, settings as S, deps),
  }
}
