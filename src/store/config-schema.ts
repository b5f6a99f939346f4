/**
 * The `[database]` config: SQLite by file path, or a PostgreSQL / MariaDB server by `url`
 * or by fields. Documented in src/config/README.md. The URL and the password are secrets
 * (either may come from a `*_file`); messages name the key, never the value.
 */
import { z } from 'zod'
import { filePath, integer, oneOf, secret, table, text } from '../config/fields.ts'
import type { Secret } from '../core/auth/secret.ts'

/** Database backends dynzone can store its state in. */
export const DATABASE_BACKENDS = ['sqlite', 'postgres', 'mariadb'] as const
/** One of `DATABASE_BACKENDS`. */
export type DatabaseBackend = (typeof DATABASE_BACKENDS)[number]

/** URL schemes each server backend accepts. */
export const URL_SCHEMES: Readonly<Record<'postgres' | 'mariadb', readonly string[]>> = {
  postgres: ['postgres:', 'postgresql:'],
  mariadb: ['mariadb:', 'mysql:'],
}

/** `[database]`, checked as a whole: a `url` must suit the backend. */
export const databaseSchema = table({
  backend: oneOf(DATABASE_BACKENDS).default('sqlite'),
  path: filePath('a file path').default(''),
  url: secret().prefault(''),
  host: text('a host name or address').default('127.0.0.1'),
  port: integer(0, 65535).default(0),
  name: text('a database name').min(1, { error: 'expected a database name' }).default('dynzone'),
  user: text('a user name').default('dynzone'),
  password: secret().prefault(''),
  pool_size: integer(1, 1000).default(10),
})
  .superRefine((db, ctx) => {
    const problem = urlProblem(db.backend, db.url)
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: problem })
  })
  .prefault({})

/** Why `url` does not suit `backend`, or undefined when it does. */
export function urlProblem(backend: DatabaseBackend, url: Secret | null): string | undefined {
  if (url === null) return undefined
  if (backend === 'sqlite') return 'a URL is for backend "postgres" or "mariadb"; SQLite uses path'
  let parsed: URL
  try {
    parsed = new URL(url.reveal())
  } catch {
    return 'expected a URL such as postgres://user@host:5432/dynzone (value not shown)'
  }
  const schemes = URL_SCHEMES[backend]
  if (!schemes.includes(parsed.protocol)) {
    return `expected a ${schemes.map((s) => `${s}//`).join(' or ')} URL for backend "${backend}" (value not shown)`
  }
  if (parsed.pathname.length <= 1) return 'the URL names no database (…/dynzone)'
  return undefined
}

/** The parsed `[database]` table. */
export type DatabaseConfig = z.output<typeof databaseSchema>
