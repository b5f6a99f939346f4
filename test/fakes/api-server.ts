/**
 * The API tests' fixture: a real dynzone server (SQLite in a temp dir, the built-in backend,
 * no DNS listener) started in-process, called through Fastify's `inject()`, with helpers to
 * create users and API tokens the way the CLI does. Every success answer is checked against
 * its route's response schema (the one the OpenAPI document shows), so every test that calls
 * the API also checks that the document tells the truth.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openContext, startServer, type RunningServer } from '../../src/app.ts'
import type { ServerContext } from '../../src/start/context.ts'
import { parseConfigTree } from '../../src/config/schema.ts'
import { createLogger } from '../../src/observability/logger.ts'
import type { TokenScope } from '../../src/core/auth/token-scope.ts'
import { createArgon2Hasher } from '../../src/security/argon2-hasher.ts'
import { SqlAccountStore } from '../../src/store/account-store.ts'
import { SqlUpdateStore } from '../../src/store/update-store.ts'
import { apiRoutes, type ApiDeps } from '../../src/api/register.ts'
import type { ApiRoute } from '../../src/api/route.ts'
import { errorBody } from '../../src/api/schemas.ts'

/** The zone the fixture serves. */
export const ZONE = 'dyn.example'

/** One answer, body parsed when it is JSON. */
export interface Answer {
  readonly status: number
  readonly body: unknown
  readonly headers: Record<string, unknown>
}

/** A started server and ways to call it. */
export interface ApiFixture {
  readonly context: ServerContext
  readonly server: RunningServer
  /** API dependencies over the fixture's store, for tests that mount the routes themselves. */
  readonly deps: ApiDeps
  /** Calls `/api/v1<path>` with a bearer token (or none), a JSON body, extra headers. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer>
  /** Creates a user (admin or not, with a password or not). */
  user(name: string, options?: { admin?: boolean; password?: string }): Promise<void>
  /** Creates a token of `scope` (default `api`) for a user; returns its secret. */
  token(owner: string, scope?: TokenScope, host?: string): Promise<string>
  close(): Promise<void>
}

/** Starts the fixture server; `extra` adds config tables (e.g. `rate_limit`). */
export async function startApiFixture(extra: Record<string, unknown> = {}): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-api-'))
  const config = parseConfigTree({
    data_dir: dir,
    http: { port: 0 },
    dns: { enabled: false },
    metrics: { enabled: false },
    zones: [{ name: ZONE }, { name: 'other.example' }],
    // A zone held to public addresses, as a real public zone is.
    update: { address_policy_public: ['other.example'] },
    ...extra,
  })
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  const logger = createLogger('silent')
  const context = await openContext(config.value, logger)
  if (!context.ok) throw new Error(context.error)
  const server = await startServer(context.value)
  if (!server.ok) throw new Error(server.error)
  const accounts = context.value.accounts
  const deps = depsOf(context.value, server.value)
  const routes = apiRoutes(deps)
  return {
    context: context.value,
    server: server.value,
    deps,
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers }
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
      const res = await server.value.http.inject({
        method,
        url: `/api/v1${path}`,
        headers,
        ...(options.body === undefined ? {} : { payload: options.body as object }),
      })
      const type = String(res.headers['content-type'] ?? '')
      const body: unknown = type.includes('json') ? res.json() : res.body
      checkAnswer(routes, method, path, res.statusCode, body)
      return { status: res.statusCode, body, headers: res.headers }
    },
    user: async (name, options = {}) => {
      const r = await accounts.addUser({
        name,
        ...(options.admin === undefined ? {} : { admin: options.admin }),
        ...(options.password === undefined ? {} : { password: options.password }),
      })
      if (!r.ok) throw new Error(r.error.message)
    },
    token: async (owner, scope = 'api', host) => {
      const r = await accounts.createToken({
        owner,
        scope,
        ...(host === undefined ? {} : { host }),
      })
      if (!r.ok) throw new Error(r.error.message)
      return r.value.secret
    },
    close: async () => {
      await server.value.close()
      await context.value.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function depsOf(context: ServerContext, server: RunningServer): ApiDeps {
  const { db, zones, accounts } = context
  const store = new SqlUpdateStore(db, zones)
  const clock = { now: () => new Date() }
  const passwords = createArgon2Hasher()
  return {
    accounts,
    lockouts: context.lockouts,
    zoneAdmin: context.zoneAdmin,
    auditLog: context.auditLog,
    accountStore: new SqlAccountStore(
      db,
      zones.map((z) => z.name),
    ),
    updateStore: store,
    gate: server.gate,
    passwords,
    updates: server.updates,
    requests: server.requests,
    clock,
    logger: createLogger('silent'),
    clientIp: () => ({ family: 4, text: '127.0.0.1' }),
    zoneRecords: context.zoneRecords,
  }
}

// A success answer must parse with its route's response schema; an error with the error one.
function checkAnswer(
  routes: readonly ApiRoute[],
  method: string,
  path: string,
  status: number,
  body: unknown,
): void {
  const bare = path.split('?')[0] ?? path
  if (status >= 400 && !errorBody.safeParse(body).success) {
    throw new Error(
      `${method} ${bare}: ${String(status)} is not a catalogue error: ${JSON.stringify(body)}`,
    )
  }
  const route = routes.find(
    (r) =>
      r.method === method &&
      new RegExp(`^${r.path.replace(/\{[a-zA-Z]+\}/g, '[^/]+')}$`).test(bare),
  )
  if (route === undefined || status !== route.status || route.response === null) return
  const parsed = route.response.safeParse(body)
  if (!parsed.success) {
    throw new Error(`${method} ${bare}: answer does not match its schema: ${parsed.error.message}`)
  }
}

/** The `error.code` of an answer, or undefined. */
export function errorCode(a: Answer): string | undefined {
  const body = a.body as { error?: { code?: string } } | null
  return body?.error?.code
}
