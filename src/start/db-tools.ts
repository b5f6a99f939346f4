/**
 * Database tooling for `dynzone db` (src/cli/db.ts): the command line parses and prints, the
 * databases are opened, migrated and copied here, so the CLI holds no database handle.
 */
import { Secret } from '../core/auth/secret.ts'
import { err, ok, type Result } from '../core/result.ts'
import { URL_SCHEMES, urlProblem, type DatabaseBackend } from '../store/config-schema.ts'
import { copyDatabase, type CopyCounts, type CopyProgress } from '../store/copy.ts'
import { describeDatabase, openDatabase, type DatabaseSettings } from '../store/database.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.ts'

export { describeDatabase, type DatabaseSettings }

/** Why a copy did not happen: the CLI's exit code follows the kind. */
export interface CopyFailure {
  /** `unavailable`: a database did not open or migrate; `exists`: the target is not empty;
   * `failed`: the copy broke off (the target is unchanged). */
  readonly kind: 'unavailable' | 'exists' | 'failed'
  readonly message: string
}

/** Target settings from a `--to` URL (its scheme names the backend), or why not. */
export function databaseFromUrl(url: string): Result<DatabaseSettings, string> {
  const scheme = /^[a-z]+:/.exec(url)?.[0] ?? ''
  const backend = (Object.keys(URL_SCHEMES) as ('postgres' | 'mariadb')[]).find((b) =>
    URL_SCHEMES[b].includes(scheme),
  )
  const problem =
    backend === undefined
      ? 'expected a postgres:// or mariadb:// URL'
      : urlProblem(backend, new Secret(url))
  if (backend === undefined || problem !== undefined) return err(problem ?? 'invalid URL')
  return ok(serverSettings(backend, url))
}

function serverSettings(backend: DatabaseBackend, url: string): DatabaseSettings {
  return {
    backend,
    path: '',
    url: new Secret(url),
    host: '',
    port: 0,
    name: '',
    user: '',
    password: null,
    pool_size: 2,
  }
}

/**
 * Copies every row of the SQLite database at `fromPath` into `target`, both brought to the
 * latest schema first; a target that is not empty is refused unless `force`.
 */
export async function copySqliteInto(
  fromPath: string,
  target: DatabaseSettings,
  o: { force: boolean; progress?: CopyProgress },
): Promise<Result<CopyCounts, CopyFailure>> {
  const source = await openMigrated({ ...target, backend: 'sqlite', path: fromPath })
  if (!source.ok) return err({ kind: 'unavailable', message: source.error })
  const into = await openMigrated(target)
  if (!into.ok) {
    await source.value.destroy()
    return err({ kind: 'unavailable', message: into.error })
  }
  try {
    const copied = await copyDatabase(source.value, into.value, o)
    return copied.ok ? copied : err({ kind: 'exists', message: copied.error })
  } catch (e) {
    return err({
      kind: 'failed',
      message: `copy failed, the target is unchanged: ${(e as Error).message}`,
    })
  } finally {
    await source.value.destroy()
    await into.value.destroy()
  }
}

/** Opens a database and brings it to the latest schema, or says why not. */
async function openMigrated(settings: DatabaseSettings): Promise<Result<Kysely<Database>, string>> {
  const opened = openDatabase(settings)
  if (!opened.ok) return opened
  const migrated = await migrateToLatest(opened.value as Kysely<unknown>)
  if (!migrated.ok) {
    await opened.value.destroy()
    return err(`database ${describeDatabase(settings)}: ${migrated.error}`)
  }
  return opened
}
