/**
 * The composition root: the one place that constructs and wires dynzone's parts.
 * `openContext` gives the CLI a store and the account service; `startServer` adds the
 * backends, the publisher, the DNS server and the HTTP listener.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DnsBackend } from './backends/backend.ts'
import { backendFactory } from './backends/registry.ts'
import { ZoneIndex } from './authoritative/zone-index.ts'
import { startDnsServer, type DnsServer } from './authoritative/server.ts'
import type { Config } from './config/schema.ts'
import { AccountService } from './core/accounts.ts'
import { parseCidr } from './core/addresses.ts'
import { Authenticator } from './core/auth.ts'
import { createKeyedHasher } from './core/keyed-hash.ts'
import type { Fqdn } from './core/names.ts'
import type { Clock, KeyedHasher } from './core/ports.ts'
import { err, ok, type Result } from './core/result.ts'
import { UpdateService } from './core/update-service.ts'
import { createDialects } from './dialects/registry.ts'
import { buildHttpApp } from './http/app.ts'
import { ZoneSync } from './jobs/zone-sync.ts'
import type { Logger } from './observability/logger.ts'
import { Publisher } from './publisher/publisher.ts'
import { createArgon2Hasher } from './security/argon2-hasher.ts'
import { loadPepper } from './security/pepper.ts'
import { SqlAccountStore } from './store/account-store.ts'
import { migrateToLatest } from './store/migrate.ts'
import type { Database } from './store/schema.ts'
import { openSqlite } from './store/sqlite.ts'
import { SqlUpdateStore, type StoreZone } from './store/update-store.ts'
import { syncZones } from './store/zones.ts'

/** What the CLI and the server share: an open, migrated store and the account rules. */
export interface Context {
  readonly config: Config
  readonly logger: Logger
  readonly db: Kysely<Database>
  readonly zones: readonly StoreZone[]
  readonly hasher: KeyedHasher
  readonly accounts: AccountService
  close(): Promise<void>
}

const systemClock: Clock = { now: () => new Date() }

/** Opens the database, applies migrations and syncs zones from the config. */
export async function openContext(
  config: Config,
  logger: Logger,
): Promise<Result<Context, string>> {
  const pepper = loadPepper(config.security.pepper, config.data_dir)
  if (!pepper.ok) return err(pepper.error)
  if (pepper.value.warning !== undefined) logger.warn(pepper.value.warning)
  let db: Kysely<Database>
  try {
    db = openSqlite(config.database.path)
  } catch (e) {
    return err(`cannot open database ${config.database.path}: ${(e as Error).message}`)
  }
  const migrated = await migrateToLatest(db as Kysely<unknown>)
  if (!migrated.ok) {
    await db.destroy()
    return err(migrated.error)
  }
  if (migrated.value.length > 0) logger.info({ migrations: migrated.value }, 'database migrated')
  const zones = await syncZones(
    db,
    config.zones.map((z) => ({ name: z.name, backend: z.backend, ttl: z.ttl })),
    systemClock.now(),
  )
  const hasher = createKeyedHasher(pepper.value.pepper)
  const accounts = new AccountService({
    store: new SqlAccountStore(db),
    passwords: createArgon2Hasher(),
    hasher,
    randomBytes: (n) => randomBytes(n),
    now: () => systemClock.now(),
  })
  return ok({ config, logger, db, zones, hasher, accounts, close: () => db.destroy() })
}

/** A running dynzone server. */
export interface RunningServer {
  readonly context: Context
  readonly http: FastifyInstance
  readonly httpPort: number
  readonly dns: DnsServer | null
  readonly updates: UpdateService
  close(): Promise<void>
}

/** Starts everything `dynzone serve` runs. */
export async function startServer(context: Context): Promise<Result<RunningServer, string>> {
  const { config, logger, db } = context
  const index = new ZoneIndex()
  const backends = new Map<Fqdn, DnsBackend>()
  for (const zone of context.zones) {
    const z = config.zones.find((c) => c.name === zone.name)
    const factory = z === undefined ? undefined : backendFactory(z.backend)
    if (z === undefined || factory === undefined) return err(`zone ${zone.name}: unknown backend`)
    backends.set(
      zone.name,
      factory.create({ name: zone.name, ttl: zone.ttl }, z.settings, { index, logger }),
    )
  }
  const publisher = new Publisher({ backends, logger })
  const sync = new ZoneSync({
    db,
    backends,
    publisher,
    logger,
    zones: context.zones.map((zone) => {
      const z = config.zones.find((c) => c.name === zone.name)
      if (z === undefined) throw new Error(`zone ${zone.name} missing from config`)
      return {
        zone,
        ns: z.ns as Fqdn[],
        rname: z.soa_rname,
        refresh: z.refresh,
        retry: z.retry,
        expire: z.expire,
        minimum: z.minimum,
      }
    }),
  })
  const loadProblem = await sync.loadAll()
  if (loadProblem !== undefined) return err(loadProblem)
  sync.start(1000)

  const store = new SqlUpdateStore(db, context.zones)
  const auth = new Authenticator({
    store,
    hasher: context.hasher,
    passwords: createArgon2Hasher(),
    clock: systemClock,
    cacheSeconds: config.security.password_cache_seconds,
  })
  const updates = new UpdateService({
    store,
    auth,
    publisher,
    clock: systemClock,
    maxHosts: config.update.max_hosts,
    answerDeadlineMs: config.update.answer_deadline_ms,
  })
  const trusted = config.http.trusted_proxies
    .map((c) => parseCidr(c))
    .flatMap((r) => (r.ok ? [r.value] : []))
  const http = buildHttpApp({
    dialects: createDialects({ dyndns2Paths: ['/nic/update'] }),
    updates,
    logger,
    trustedProxies: trusted,
  })

  let dns: DnsServer | null = null
  if (config.dns.enabled) {
    const started = await startDnsServer({
      host: config.dns.listen,
      port: config.dns.port,
      index,
      logger,
    })
    if (!started.ok) {
      sync.stop()
      publisher.close()
      return err(started.error.message)
    }
    dns = started.value
  }
  let httpPort: number
  try {
    await http.listen({ host: config.http.listen, port: config.http.port })
    const address = http.server.address()
    httpPort = typeof address === 'object' && address !== null ? address.port : config.http.port
  } catch (e) {
    sync.stop()
    publisher.close()
    await dns?.close()
    const code = (e as NodeJS.ErrnoException).code
    const where = `${config.http.listen}:${String(config.http.port)}`
    return err(
      code === 'EADDRINUSE'
        ? `HTTP port ${where} is already in use`
        : `cannot listen on HTTP ${where}: ${(e as Error).message}`,
    )
  }
  const close = async (): Promise<void> => {
    sync.stop()
    await http.close()
    publisher.close()
    await dns?.close()
  }
  return ok({ context, http, httpPort, dns, updates, close })
}
