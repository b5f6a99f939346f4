/**
 * `dynzone record add|delete|list`: a zone's static records of every type, as an admin,
 * through the same service (and so the same checks) as every other door. What it commits
 * bumps the zone serial: a running server's zone sync publishes it within about a second.
 */
import type { Command } from 'commander'
import { findZone, type Fqdn } from '../core/names.ts'
import { RECORD_TYPES, type RecordType } from '../core/records.ts'
import type { ZoneRecordError, RecordEdit } from '../core/zone-records/zone-record-types.ts'
import type { Context } from '../app.ts'
import { EXIT } from './exit-codes.ts'
import { fail, parseCount, printJson, printRows, type CliIo, type Runner } from './io.ts'

const ACTOR = { kind: 'admin', label: 'cli' } as const
const CONTEXT = { door: 'cli', clientIp: null }

/** Registers the record commands. */
export function registerRecordCommands(program: Command, io: CliIo, run: Runner): void {
  const record = program
    .command('record')
    .description("a zone's static records of any type (MX, CNAME, SRV, a delegation, …)")
  record
    .command('add <name> <type> <value...>')
    .description(
      'add a value to the RRset NAME TYPE (created if absent), e.g. `record add dyn.example.com MX 10 mail.example.com`',
    )
    .option('--ttl <seconds>', "the RRset's TTL (default: the RRset's, else the zone's)")
    .option('--dry-run', 'check and show the change without making it')
    .action(
      (
        name: string,
        type: string,
        value: string[],
        opts: { ttl?: string; dryRun?: boolean },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          const t = recordType(type)
          if (t === undefined) return fail(io, unknownType(type), EXIT.invalid)
          let ttl: number | undefined
          if (opts.ttl !== undefined) {
            const parsed = parseCount('--ttl', opts.ttl, 0, 2147483647)
            if (!parsed.ok) return fail(io, parsed.error, EXIT.invalid)
            ttl = parsed.value
          }
          const edit: RecordEdit = {
            op: 'add',
            name: name as Fqdn,
            type: t,
            value: value.join(' '),
            ...(ttl === undefined ? {} : { ttl }),
          }
          return apply(ctx, io, name, edit, opts.dryRun === true)
        }),
    )
  record
    .command('delete <name> [type] [value...]')
    .description('delete one value, the RRset NAME TYPE, or (no type) every static record at NAME')
    .option('--dry-run', 'check and show the change without making it')
    .action(
      (
        name: string,
        type: string | undefined,
        value: string[],
        opts: { dryRun?: boolean },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          if (type === undefined)
            return apply(
              ctx,
              io,
              name,
              { op: 'delete-name', name: name as Fqdn },
              opts.dryRun === true,
            )
          const t = recordType(type)
          if (t === undefined) return fail(io, unknownType(type), EXIT.invalid)
          const edit: RecordEdit = {
            op: 'delete',
            name: name as Fqdn,
            type: t,
            ...(value.length === 0 ? {} : { value: value.join(' ') }),
          }
          return apply(ctx, io, name, edit, opts.dryRun === true)
        }),
    )
  record
    .command('list <zone>')
    .description("list a zone's static records: name, type, TTL, value, owner host id")
    .option('--name <name>', 'only this name')
    .option('--below <name>', 'only this name and the names below it')
    .option('--type <type>', 'only this type')
    .option('--json', 'print JSON')
    .action(
      (
        zone: string,
        opts: { name?: string; below?: string; type?: string; json?: boolean },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          const t = opts.type === undefined ? undefined : recordType(opts.type)
          if (opts.type !== undefined && t === undefined)
            return fail(io, unknownType(opts.type), EXIT.invalid)
          const bare = (n: string): Fqdn => n.toLowerCase().replace(/\.$/, '') as Fqdn
          const listed = await ctx.zoneRecords.list(bare(zone), {
            ...(opts.name === undefined ? {} : { name: bare(opts.name) }),
            ...(opts.below === undefined ? {} : { below: bare(opts.below) }),
            ...(t === undefined ? {} : { type: t }),
          })
          if (!listed.ok) return failure(io, listed.error)
          if (opts.json === true) {
            printJson(io, listed.value)
            return EXIT.ok
          }
          printRows(
            io,
            listed.value.flatMap((s) =>
              s.values.map((value) => ({
                name: s.name,
                type: s.type,
                ttl: s.ttl,
                value,
                owner_host: s.ownerHostId,
              })),
            ),
          )
          return EXIT.ok
        }),
    )
}

async function apply(
  ctx: Context,
  io: CliIo,
  name: string,
  edit: RecordEdit,
  dryRun: boolean,
): Promise<number> {
  const zone = findZone(
    name.toLowerCase().replace(/\.$/, '').replace(/^\*\./, '') as Fqdn,
    ctx.zones.map((z) => z.name),
  )
  if (zone === undefined)
    return fail(io, `${name} is not in a zone this server serves`, EXIT.notFound)
  const r = await ctx.zoneRecords.apply(ACTOR, zone, [edit], { dryRun, context: CONTEXT })
  if (!r.ok) return failure(io, r.error)
  const { replace, remove, serial } = r.value
  const lines = [
    ...replace.flatMap((s) => s.values.map((v) => `${s.name}. ${String(s.ttl)} IN ${s.type} ${v}`)),
    ...remove.map((k) => `removed ${k.name}. ${k.type}`),
  ]
  if (lines.length === 0) io.out('nothing to change\n')
  else io.out(`${dryRun ? 'would set' : 'set'}:\n${lines.map((l) => `  ${l}\n`).join('')}`)
  if (serial !== null) io.out(`zone ${zone} serial ${String(serial)}\n`)
  return EXIT.ok
}

function recordType(text: string): RecordType | undefined {
  const upper = text.toUpperCase()
  return RECORD_TYPES.find((t) => t === upper)
}

function unknownType(text: string): string {
  return `unknown record type "${text}": one of ${RECORD_TYPES.join(', ')}`
}

function failure(io: CliIo, e: ZoneRecordError): number {
  const code =
    e.code === 'not-found' || e.code === 'not-served'
      ? EXIT.notFound
      : e.code === 'publish-failed'
        ? EXIT.unavailable
        : EXIT.invalid
  return fail(io, e.message, code)
}
