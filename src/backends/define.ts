/**
 * The shape of a backend factory, separate from the registry so backend folders can import
 * it without an import cycle.
 */
import type { z } from 'zod'
import type { ZoneIndex } from '../authoritative/index/zone-index.ts'
import type { Fqdn } from '../core/names.ts'
import type { DnsBackend } from './backend.ts'

/** What backends may use from the composition root. */
export interface BackendDeps {
  /** The built-in server's index (for `builtin`). */
  readonly index: ZoneIndex
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

/** A backend kind: its settings schema and how to build one for a zone. */
export interface BackendFactory {
  readonly kind: string
  /** Schema of the zone's `[zones.<kind>]` table; null when the backend takes no settings. */
  readonly settings: z.ZodType | null
  create(zone: BackendZone, settings: unknown, deps: BackendDeps): DnsBackend
}

/** Defines a factory with typed settings (the config has validated them before `create`). */
export function defineBackend<S>(definition: {
  readonly kind: string
  readonly settings: z.ZodType<S> | null
  create(zone: BackendZone, settings: S, deps: BackendDeps): DnsBackend
}): BackendFactory {
  return {
    kind: definition.kind,
    settings: definition.settings,
    create: (zone, settings, deps) => definition.create(zone, settings as S, deps),
  }
}
