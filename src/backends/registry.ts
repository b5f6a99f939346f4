/**
 * The ordered, explicit list of DNS backends. Adding one is a folder with a factory made by
 * `defineBackend` (define.ts) plus one line in `BACKEND_FACTORIES`. The factory's `kind` is
 * the folder name, the zone's `backend = "…"` value, its `[zones.<kind>]` settings table, the
 * log prefix and the metric label.
 */
import { builtinFactory } from './builtin/factory.ts'
import type { BackendFactory } from './define.ts'

export type { BackendDeps, BackendFactory, BackendLogger, BackendZone } from './define.ts'

/** Every backend, in documentation order. */
export const BACKEND_FACTORIES: readonly BackendFactory[] = [builtinFactory]

/** The backend kinds, for the config's `backend` key. */
export const BACKEND_KINDS = BACKEND_FACTORIES.map((f) => f.kind) as [string, ...string[]]

/** The factory of a kind. */
export function backendFactory(kind: string): BackendFactory | undefined {
  return BACKEND_FACTORIES.find((f) => f.kind === kind)
}
