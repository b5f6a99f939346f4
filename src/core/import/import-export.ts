/**
 * `dynzone import` and `dynzone export` as a service over a store port: the CLI hands in a
 * checked plan (import-plan.ts) or asks for a document, and never holds the database. The
 * store checks and writes a plan in one transaction (src/store/import-store.ts) and reads
 * the export (src/store/export-store.ts).
 */
import type { Fqdn } from '../names.ts'
import type { Result } from '../result.ts'
import type { ImportPlan, ImportSummary } from './import-plan.ts'

/** How to apply a plan. */
export interface ImportOptions {
  readonly dryRun: boolean
  /** The zones the config names: hosts go only there, not into a zone left in the database. */
  readonly served: readonly Fqdn[]
  readonly now: Date
  /** Called every 1,000 items written, with the count so far and the total. */
  readonly progress?: (done: number, total: number) => void
}

/** Where plans are applied and exports read. */
export interface ImportExportStore {
  /** Checks and applies the plan in one transaction; errors name the item and change nothing. */
  apply(plan: ImportPlan, options: ImportOptions): Promise<Result<ImportSummary, string[]>>
  /** The JSON export document (docs/import-export.md). */
  exportDocument(now: Date): Promise<unknown>
  /** The hosts as CSV. */
  exportHostsCsv(): Promise<string>
}

/** Import and export for the served zones, stamped with the clock's time. */
export class ImportExport {
  readonly #store: ImportExportStore
  readonly #served: readonly Fqdn[]
  readonly #now: () => Date

  constructor(o: { store: ImportExportStore; served: readonly Fqdn[]; now: () => Date }) {
    this.#store = o.store
    this.#served = o.served
    this.#now = o.now
  }

  /** Applies a plan (or, with `dryRun`, checks and counts it and rolls back). */
  import(
    plan: ImportPlan,
    o: { dryRun: boolean; progress?: (done: number, total: number) => void },
  ): Promise<Result<ImportSummary, string[]>> {
    return this.#store.apply(plan, {
      dryRun: o.dryRun,
      served: this.#served,
      now: this.#now(),
      ...(o.progress === undefined ? {} : { progress: o.progress }),
    })
  }

  /** Everything, as the JSON document `import --format json` reads back. */
  exportJson(): Promise<unknown> {
    return this.#store.exportDocument(this.#now())
  }

  /** The hosts as CSV. */
  exportHostsCsv(): Promise<string> {
    return this.#store.exportHostsCsv()
  }
}
