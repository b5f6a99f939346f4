/**
 * `dynzone zone list|add|forget|resync|claim|export|import` (`add` in zone-add.ts, `forget`
 * in zone-forget.ts, `export` in zone-files.ts, `import` in zone-import.ts). A resync is done by the running server, not by this process:
 * the CLI stamps `resync_requested_at` in the zones table and waits for the server's zone
 * sync (which polls every second) to write its report back. Only the server can resync
 * safely: the built-in backend's data lives in its memory, and only its publisher knows what
 * is queued, so a repair cannot race a push of a newer change (resync.ts). The database is
 * the channel because the CLI and the server may be on different machines.
 */
import type { Command } from 'commander'
import type { ZoneAdmin, ZoneError } from '../core/accounts/zone-admin.ts'
import type { Fqdn } from '../core/names.ts'
import { EXIT } from './exit-codes.ts'
import { zoneView } from '../api/views.ts'
import {
  fail,
  MAX_TIMEOUT_SECONDS,
  parseCount,
  printJson,
  printRows,
  type CliIo,
  type Runner,
} from './io.ts'
import { registerZoneAdd } from './zone-add.ts'
import { registerZoneFiles } from './zone-files.ts'
import { registerZoneForget } from './zone-forget.ts'
import { registerZoneImport } from './zone-import.ts'

/** Registers the zone commands. */
export function registerZoneCommands(program: Command, io: CliIo, run: Runner): void {
  const zone = program.command('zone').description('served zones and their backends')
  registerZoneAdd(zone, io, run)
  registerZoneForget(zone, io, run)
  registerZoneFiles(zone, io, run)
  registerZoneImport(zone, io, run)
  zone
    .command('list')
    .description(
      'list zones: served (false = no longer in the config), backend, serial, hosts, last resync, lease holder, ownership conflict',
    )
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const served = new Set(ctx.zones.map((z) => z.name))
        const states = await ctx.zoneAdmin.states()
        if (opts.json === true) {
          printJson(
            io,
            states.map((s) => zoneView(s, served)),
          )
          return EXIT.ok
        }
        printRows(
          io,
          states.map((s) => ({
            zone: s.name,
            served: served.has(s.name),
            backend: s.backend,
            serial: s.serial,
            hosts: s.hosts,
            last_resync: s.handledAt,
            result: s.report,
            leaseHolder: s.leaseHolder,
            leaseExpiresAt: s.leaseExpiresAt,
            ownerConflict: s.ownerConflict,
          })),
        )
        return EXIT.ok
      }),
    )
  zone
    .command('resync [zone]')
    .description('ask the running server to read back each zone, diff it and repair drift')
    .option('--timeout <seconds>', 'how long to wait for the server (default 60)', '60')
    .option('--no-wait', 'only file the request')
    .action((name: string | undefined, opts: { timeout: string; wait: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const timeout = parseCount('--timeout', opts.timeout, 1, MAX_TIMEOUT_SECONDS)
        if (!timeout.ok) return fail(io, timeout.error, EXIT.invalid)
        const r = await ctx.zoneAdmin.requestResync(name)
        if (!r.ok) return zoneFailure(io, r.error)
        const { zones, requestedAt: stamp } = r.value
        if (!opts.wait) {
          io.out(`resync requested for ${zones.join(', ')}\n`)
          return EXIT.ok
        }
        return waitForReports(ctx.zoneAdmin, zones, stamp, timeout.value * 1000, io)
      }),
    )
  registerZoneClaim(zone, io, run)
}

/**
 * `zone claim ZONE --force`: take over a zone whose ownership marker names another dynzone
 * cluster (src/publisher/ownership.ts). The running server's next resync overwrites the
 * marker and repairs the zone to this database, removing the other cluster's records at the
 * names this one manages; `--force` says so knowingly.
 */
function registerZoneClaim(zone: Command, io: CliIo, run: Runner): void {
  zone
    .command('claim <zone>')
    .description('take over a zone another dynzone cluster publishes (its marker is overwritten)')
    .option('--force', 'required: this cluster then repairs the zone to its own database')
    .option('--timeout <seconds>', 'how long to wait for the server (default 60)', '60')
    .action((name: string, opts: { force?: boolean; timeout: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (opts.force !== true)
          return fail(
            io,
            "zone claim overwrites another cluster's ownership of the zone; to move a zone, use dynzone db copy instead, or pass --force",
            EXIT.usage,
          )
        const timeout = parseCount('--timeout', opts.timeout, 1, MAX_TIMEOUT_SECONDS)
        if (!timeout.ok) return fail(io, timeout.error, EXIT.invalid)
        const r = await ctx.zoneAdmin.requestClaim(name)
        if (!r.ok) return zoneFailure(io, r.error)
        return waitForReports(
          ctx.zoneAdmin,
          r.value.zones,
          r.value.requestedAt,
          timeout.value * 1000,
          io,
        )
      }),
    )
}

// A refused resync or claim: a bad name, or a zone the config does not name.
function zoneFailure(io: CliIo, e: ZoneError): number {
  if (e.code === 'invalid') return fail(io, e.message, EXIT.invalid)
  return fail(io, `zone ${e.zone} is not served (see: dynzone zone list)`, EXIT.notFound)
}

async function waitForReports(
  admin: Pick<ZoneAdmin, 'states'>,
  zones: readonly Fqdn[],
  stamp: string,
  timeoutMs: number,
  io: CliIo,
): Promise<number> {
  const deadline = Date.now() + timeoutMs
  const reported = new Set<Fqdn>()
  let failed = false
  while (reported.size < zones.length && Date.now() < deadline) {
    for (const s of await admin.states()) {
      if (!zones.includes(s.name) || reported.has(s.name)) continue
      if (s.handledAt === null || s.handledAt < stamp) continue
      reported.add(s.name)
      failed ||= (s.report ?? '').startsWith('failed:')
      const line = `${s.name}: ${s.report ?? ''}\n`
      if ((s.report ?? '').startsWith('failed:')) io.err(line)
      else io.out(line)
    }
    if (reported.size < zones.length) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const missing = zones.filter((z) => !reported.has(z))
  if (missing.length > 0) {
    io.err(
      `dynzone: no running server answered the resync of ${missing.join(', ')} within ${String(timeoutMs / 1000)} s; the request stays filed and the next start resyncs anyway\n`,
    )
    return EXIT.unavailable
  }
  return failed ? EXIT.failure : EXIT.ok
}
