/** The ordered list of update dialects; adding one is a folder plus a line here. */
import type { UpdateDialect } from './dialect.ts'
import { createDyndns2 } from './dyndns2/dyndns2.ts'

/** Settings dialects may need. */
export interface DialectSettings {
  readonly dyndns2Paths: readonly string[]
}

/** Builds every enabled dialect, in route-matching order. */
export function createDialects(settings: DialectSettings): UpdateDialect[] {
  return [createDyndns2({ paths: settings.dyndns2Paths })]
}
