/**
 * `dynzone zone import ZONE FILE [--dry-run]`: an RFC 1035 master file (as BIND or Knot load
 * it) becomes the zone's static records. The file is read whole first (src/zone/: every
 * error as `file:line: …`), then planned against the zone's content (src/zone/import-plan.ts:
 * static RRsets added, removed, changed; the config's SOA, apex NS and `ns_addresses` and a
 * host's own A/AAAA/TXT are left to them, with a note), then the zone that would result is
 * checked (`checkZoneRules`, each problem at its line). Only a file with no problem is
 * written, all of it or nothing, through the zone record service's bulk import; `--dry-run`
 * prints the change as `+`/`-` record lines with a summary and writes nothing.
 */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { Context } from '../app.ts'
import type { Fqdn } from '../core/names.ts'
import { parseName } from '../core/names.ts'
import {
  RECORD_TYPES,
  type RecordKey,
  type RecordType,
  type ZoneSnapshot,
} from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { StaticWrite, ZoneRecordSet } from '../core/zone-records/zone-record-types.ts'
import {
  planListing,
  planSummary,
  planZoneImport,
  type ContentSource,
  type CurrentRRset,
  type ZoneImportPlan,
} from '../zone/import-plan.ts'
import { formatValue } from '../zone/record-value.ts'
import { typeMnemonic } from '../zone/rr-types.ts'
import { resultingZoneProblems, unsupportedTypes } from '../zone/import-check.ts'
import { loadZoneFile } from '../zone/zone-file.ts'
import { formatProblem } from '../zone/zone-reader.ts'
import { EXIT } from './exit-codes.ts'
import { fail, type CliIo, type Runner } from './io.ts'
import { progressBar } from './progress.ts'
import { snapshotRRsets } from './zone-files.ts'

const MAX_SHOWN = 50

/** Registers `zone import` on the zone command group. */
export function registerZoneImport(zone: Command, io: CliIo, run: Runner): void {
  zone
    .command('import <zone> <file>')
    .description("make a master file the zone's static records, all or nothing")
    .option('--dry-run', 'show what would change (+/- lines and a summary), change nothing')
    .action((name: string, file: string, opts: { dryRun?: boolean }, cmd: Command) =>
      run(cmd, (ctx) => importZone(ctx, io, name, file, opts.dryRun === true)),
    )
}

async function importZone(
  ctx: Context,
  io: CliIo,
  name: string,
  file: string,
  dryRun: boolean,
): Promise<number> {
  const zone = parseName(name)
  if (!zone.ok) return fail(io, `zone: ${zone.error.message}`, EXIT.invalid)
  const snapshot = await ctx.zoneSnapshot(zone.value)
  if (snapshot === undefined)
    return fail(io, `zone ${zone.value} is not served (see: dynzone zone list)`, EXIT.notFound)
  const origin = `${zone.value}.`
  const loaded = await loadZoneFile(resolve(io.cwd, file), origin)
  if (!loaded.ok) {
    const problems = loaded.error.map((p) => formatProblem({ ...p, file }))
    return refuse(
      io,
      problems,
      loaded.error.some((p) => p.line === 0) ? EXIT.notFound : EXIT.invalid,
    )
  }
  const current = await currentContent(ctx, zone.value, snapshot)
  if (!current.ok) return fail(io, current.error, EXIT.failure)
  const fileSets = loaded.value.rrsets
  const unsupported = unsupportedTypes(file, fileSets)
  if (unsupported.length > 0) return refuse(io, unsupported, EXIT.invalid)
  const hosts = new Set(
    (await ctx.accounts.listHosts()).filter((h) => h.zone === zone.value).map((h) => `${h.fqdn}.`),
  )
  const plan = planZoneImport(origin, current.value, fileSets, hosts)
  const broken = resultingZoneProblems(file, plan, current.value, fileSets)
  if (broken.length > 0) return refuse(io, broken, EXIT.invalid)
  for (const w of loaded.value.warnings)
    io.err(`dynzone: warning: ${formatProblem({ ...w, file })}\n`)
  if (dryRun) {
    for (const line of planListing(plan)) io.out(`${line}\n`)
    io.out('dry run, nothing changed\n')
    return EXIT.ok
  }
  const write = staticWrite(plan)
  if (!write.ok) return fail(io, write.error, EXIT.invalid)
  const bar = progressBar(io.progress, 'zone import', 'records')
  const r = await ctx.zoneRecords
    .importStatic({ kind: 'admin', label: 'cli' }, zone.value, write.value, {
      context: { door: 'cli', clientIp: null },
      serial: snapshot.soa.serial,
      progress: (done, total) => {
        bar.update(done, total)
      },
    })
    .finally(() => {
      bar.stop()
    })
  if (!r.ok) return refuse(io, [r.error.message], EXIT.invalid)
  for (const note of plan.notes) io.out(`; ${note}\n`)
  io.out(`imported into ${zone.value}: ${planSummary(plan)}\n`)
  return EXIT.ok
}

/** The zone's content tagged: static (the service's list), the config's, or a host's. */
async function currentContent(
  ctx: Context,
  zone: Fqdn,
  snapshot: ZoneSnapshot,
): Promise<Result<CurrentRRset[], string>> {
  const statics = await ctx.zoneRecords.list(zone)
  if (!statics.ok) return err(statics.error.message)
  const staticKeys = new Set(statics.value.map((s) => `${s.name} ${s.type}`))
  const configured = ctx.config.zones.find((z) => z.name === zone)?.ns_addresses ?? []
  const nsNames = new Set(configured.map((a) => a.name.toLowerCase().replace(/\.$/, '')))
  const all = snapshotRRsets(snapshot)
  if (!all.ok) return err(all.error)
  const head = all.value.length - snapshot.records.length
  return ok(
    all.value.map((rrset, i) => {
      const set = snapshot.records[i - head]
      const source: ContentSource =
        set === undefined
          ? 'config'
          : staticKeys.has(`${set.name} ${set.type}`)
            ? 'static'
            : nsNames.has(set.name) && (set.type === 'A' || set.type === 'AAAA')
              ? 'config'
              : 'host'
      return { rrset, source }
    }),
  )
}

/** The plan's RRsets as the store's: owners without the dot, values canonical. */
function staticWrite(plan: ZoneImportPlan): Result<StaticWrite, string> {
  const replace: ZoneRecordSet[] = []
  for (const set of [...plan.add, ...plan.change.map((c) => c.after)]) {
    const type = recordType(set.type)
    if (type === undefined)
      return err(`${set.owner} ${typeMnemonic(set.type)}: not a type a zone here holds`)
    const values: string[] = []
    for (const rdata of set.rdata) {
      const v = formatValue(type, rdata)
      if (!v.ok) return err(`${set.owner} ${type}: ${v.error}`)
      values.push(v.value)
    }
    replace.push({ name: ownerOf(set.owner), type, ttl: set.ttl, values, ownerHostId: null })
  }
  const remove: RecordKey[] = []
  for (const set of plan.remove) {
    const type = recordType(set.type)
    if (type !== undefined) remove.push({ name: ownerOf(set.owner), type })
  }
  return ok({ replace, remove })
}

function recordType(code: number): RecordType | undefined {
  const name = typeMnemonic(code)
  return RECORD_TYPES.find((t) => t === name)
}

function ownerOf(owner: string): Fqdn {
  return owner.toLowerCase().replace(/\.$/, '') as Fqdn
}

function refuse(io: CliIo, problems: readonly string[], code: number): number {
  const shown = problems
    .slice(0, MAX_SHOWN)
    .map((p) => `  ${p}\n`)
    .join('')
  const more =
    problems.length > MAX_SHOWN ? `  … and ${String(problems.length - MAX_SHOWN)} more\n` : ''
  io.err(
    `dynzone: zone import refused, nothing changed (${String(problems.length)} problem${problems.length === 1 ? '' : 's'}):\n${shown}${more}`,
  )
  return code
}
