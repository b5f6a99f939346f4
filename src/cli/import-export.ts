/**
 * `dynzone import` and `dynzone export` (formats in docs/import-export.md). An import is
 * all-or-nothing: the file is parsed and every row checked before one transaction writes
 * it; `--dry-run` runs the same transaction and rolls it back. A bar shows the rows written
 * on a terminal (progress.ts); imported secrets are stored only as keyed hashes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { Context } from '../app.ts'
import { tokenHash } from '../core/accounts/accounts.ts'
import type { ImportPlan, ImportSummary } from '../core/import/import-plan.ts'
import { hostsCsvPlan, jsonPlan } from '../core/import/file-plans.ts'
import { dyndns53Plan, sftdynPlan } from '../core/import/import-secrets.ts'
import type { Result } from '../core/result.ts'
import { EXIT } from './exit-codes.ts'
import { fail, type CliIo, type Runner } from './io.ts'
import { progressBar } from './progress.ts'

const IMPORT_FORMATS = ['sftdyn', 'dyndns53', 'json', 'hosts-csv'] as const
const EXPORT_FORMATS = ['json', 'hosts-csv'] as const
const MAX_SHOWN = 50

interface ImportOptions {
  format: string
  user?: string
  label?: string
  dryRun?: boolean
}

/** Registers `dynzone import` and `dynzone export`. */
export function registerImportExportCommands(program: Command, io: CliIo, run: Runner): void {
  program
    .command('import <file>')
    .description('import users/hosts/tokens from a file, all or nothing')
    .requiredOption('--format <format>', IMPORT_FORMATS.join(', '))
    .option('--user <name>', 'owner of imported hosts and tokens (sftdyn, dyndns53)')
    .option('--label <text>', 'label of imported tokens (default: imported from <format>)')
    .option('--dry-run', 'check and count everything, change nothing')
    .action((file: string, opts: ImportOptions, cmd: Command) =>
      run(cmd, (ctx) => runImport(ctx, io, file, opts)),
    )
  program
    .command('export')
    .description('export everything (json) or the hosts (hosts-csv); never a secret')
    .option('--format <format>', EXPORT_FORMATS.join(', '), 'json')
    .option('--output <file>', 'write to this file (mode 0600) instead of standard output')
    .action((opts: { format: string; output?: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (opts.format !== 'json' && opts.format !== 'hosts-csv')
          return fail(
            io,
            `--format: "${opts.format.slice(0, 20)}" is not one of ${EXPORT_FORMATS.join(', ')}`,
            EXIT.usage,
          )
        const text =
          opts.format === 'json'
            ? JSON.stringify(await ctx.imports.exportJson(), null, 2) + '\n'
            : await ctx.imports.exportHostsCsv()
        if (opts.output === undefined) io.out(text)
        else writeFileSync(resolve(io.cwd, opts.output), text, { mode: 0o600 })
        return EXIT.ok
      }),
    )
}

async function runImport(
  ctx: Context,
  io: CliIo,
  file: string,
  opts: ImportOptions,
): Promise<number> {
  const format = IMPORT_FORMATS.find((f) => f === opts.format)
  if (format === undefined)
    return fail(
      io,
      `--format: "${opts.format.slice(0, 20)}" is not one of ${IMPORT_FORMATS.join(', ')}`,
      EXIT.usage,
    )
  const needsUser = format === 'sftdyn' || format === 'dyndns53'
  if (needsUser !== (opts.user !== undefined))
    return fail(
      io,
      needsUser ? `--user is needed for ${format}` : `--user does not apply to ${format}`,
      EXIT.usage,
    )
  let text: string
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8')
  } catch (e) {
    return fail(
      io,
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      EXIT.notFound,
    )
  }
  const plan = parse(ctx, format, text, opts)
  if (!plan.ok) return refuse(io, plan.error)
  const bar = progressBar(io.progress, 'import', 'rows')
  const r = await ctx.imports
    .import(plan.value, {
      dryRun: opts.dryRun === true,
      progress: (done, total) => {
        bar.update(done, total)
      },
    })
    .finally(() => {
      bar.stop()
    })
  if (!r.ok) return refuse(io, r.error)
  for (const w of plan.value.warnings) io.err(`dynzone: warning: ${w}\n`)
  io.out(
    `${opts.dryRun === true ? 'dry run, nothing changed; would import' : 'imported'}: ${describe(r.value)}\n`,
  )
  return EXIT.ok
}

function parse(
  ctx: Context,
  format: (typeof IMPORT_FORMATS)[number],
  text: string,
  opts: ImportOptions,
): Result<ImportPlan, string[]> {
  const secrets = {
    owner: opts.user ?? '',
    hash: (secret: string) => tokenHash(ctx.hasher, secret),
    label: (opts.label ?? `imported from ${format}`).slice(0, 100),
  }
  switch (format) {
    case 'sftdyn':
      return sftdynPlan(text, secrets)
    case 'dyndns53':
      return dyndns53Plan(text, secrets)
    case 'json':
      return jsonPlan(text)
    case 'hosts-csv':
      return hostsCsvPlan(text)
  }
}

function refuse(io: CliIo, errors: readonly string[]): number {
  const shown = errors
    .slice(0, MAX_SHOWN)
    .map((e) => `  ${e}\n`)
    .join('')
  const more =
    errors.length > MAX_SHOWN ? `  … and ${String(errors.length - MAX_SHOWN)} more\n` : ''
  io.err(
    `dynzone: import refused, nothing changed (${String(errors.length)} problem${errors.length === 1 ? '' : 's'}):\n${shown}${more}`,
  )
  return EXIT.invalid
}

function describe(s: ImportSummary): string {
  return [
    `${String(s.users)} users`,
    `${String(s.groups)} groups`,
    `${String(s.hosts)} hosts${s.hostsKept > 0 ? ` (${String(s.hostsKept)} already there)` : ''}`,
    `${String(s.records)} records`,
    `${String(s.tokens)} tokens${s.tokensKept > 0 ? ` (${String(s.tokensKept)} already there)` : ''}`,
  ].join(', ')
}
