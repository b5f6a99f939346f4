/** The import/export port (src/core/import/import-export.ts) over the database. */
import type { Kysely } from 'kysely'
import type { ImportExportStore, ImportOptions } from '../core/import/import-export.ts'
import type { ImportPlan, ImportSummary } from '../core/import/import-plan.ts'
import type { Result } from '../core/result.ts'
import { exportDocument, exportHostsCsv } from './export-store.ts'
import { applyImport } from './import-store.ts'
import type { Database } from './schema.ts'

/** Imports in one transaction (import-store.ts), exports read by export-store.ts. */
export class SqlImportExportStore implements ImportExportStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  apply(plan: ImportPlan, options: ImportOptions): Promise<Result<ImportSummary, string[]>> {
    return applyImport(this.#db, plan, options)
  }

  exportDocument(now: Date): Promise<unknown> {
    return exportDocument(this.#db, now)
  }

  exportHostsCsv(): Promise<string> {
    return exportHostsCsv(this.#db)
  }
}
