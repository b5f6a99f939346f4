/**
 * `dynzone zone export ZONE [FILE]`: the zone as its backend is given it (the config's SOA,
 * NS and `ns_addresses`, the hosts' records and the static records) written as a canonical
 * RFC 1035 master file (src/zone/zone-writer.ts: absolute names, one record a line, sorted),
 * which `named-checkzone` and Knot's `kzonecheck` accept and `zone import` reads back
 * unchanged. `dynzone zone import ZONE FILE [--dry-run]` is in zone-import.ts.
 */
import { createWriteStream } from 'node:fs'
import { resolve } from 'node:path'
import { finished } from 'node:stream/promises'
import { PassThrough, type Writable } from 'node:stream'
import type { Command } from 'commander'
import type { Context } from '../app.ts'
import { parseName } from '../core/names.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { RRset } from '../zone/rrset.ts'
import { headRRsets, recordSetRRset } from '../zone/record-values.ts'
import { writeZone } from '../zone/zone-file.ts'
import { EXIT } from './exit-codes.ts'
import { fail, type CliIo, type Runner } from './io.ts'

/** Registers `zone export` on the zone command group. */
export function registerZoneFiles(zone: Command, io: CliIo, run: Runner): void {
  zone
    .command('export <zone> [file]')
    .description('write the zone as a master file (standard output, or FILE)')
    .action((name: string, file: string | undefined, _opts: unknown, cmd: Command) =>
      run(cmd, (ctx) => exportZone(ctx, io, name, file)),
    )
}

async function exportZone(
  ctx: Context,
  io: CliIo,
  name: string,
  file: string | undefined,
): Promise<number> {
  const zone = parseName(name)
  if (!zone.ok) return fail(io, `zone: ${zone.error.message}`, EXIT.invalid)
  const snapshot = await ctx.zoneSnapshot(zone.value)
  if (snapshot === undefined)
    return fail(io, `zone ${zone.value} is not served (see: dynzone zone list)`, EXIT.notFound)
  const rrsets = snapshotRRsets(snapshot)
  if (!rrsets.ok) return fail(io, `zone ${zone.value}: ${rrsets.error}`, EXIT.failure)
  const out: Writable =
    file === undefined ? new PassThrough() : createWriteStream(resolve(io.cwd, file))
  if (file === undefined)
    out.on('data', (chunk: Buffer) => {
      io.out(chunk.toString('latin1'))
    })
  const written = finished(out)
  await writeZone(out, `${zone.value}.`, rrsets.value)
  out.end()
  try {
    await written
  } catch (e) {
    return fail(
      io,
      `cannot write ${file ?? '-'}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      EXIT.failure,
    )
  }
  const records = rrsets.value.reduce((n, s) => n + s.rdata.length, 0)
  if (file !== undefined)
    io.out(
      `exported ${zone.value}: ${String(records)} records at serial ${String(snapshot.soa.serial)} to ${file}\n`,
    )
  return EXIT.ok
}

/** Every RRset of a snapshot in wire form, its apex first. */
export function snapshotRRsets(
  snapshot: NonNullable<Awaited<ReturnType<Context['zoneSnapshot']>>>,
): Result<RRset[], string> {
  const head = headRRsets(snapshot)
  if (!head.ok) return head
  const out = head.value
  for (const set of snapshot.records) {
    const r = recordSetRRset(set)
    if (!r.ok) return err(r.error)
    out.push(r.value)
  }
  return ok(out)
}
