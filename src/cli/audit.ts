/**
 * `dynzone audit`: the audit trail, newest first (who did what, from where, with what
 * result), and the one hook that puts the command line's own changes into it.
 */
import { userInfo } from 'node:os'
import type { Command } from 'commander'
import type { AuditEvent, AuditResult } from '../core/audit.ts'
import type { AuditFilter } from '../core/audit.ts'
import { EXIT } from './exit-codes.ts'
import { fail, MAX_LIMIT, parseCount, printJson, printRows, type CliIo, type Runner } from './io.ts'

const RESULTS: readonly AuditResult[] = ['ok', 'denied', 'refused', 'error']

interface AuditOptions {
  limit: string
  actor?: string
  action?: string
  result?: string
  source?: string
  since?: string
  json?: boolean
}

/** Registers `dynzone audit`. */
export function registerAuditCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('audit')
    .description('show the audit trail, newest first: logins, admin changes, API writes, tokens')
    .option('--limit <n>', 'how many events (1..10000)', '50')
    .option('--actor <name>', 'only events of this actor (as shown)')
    .option('--action <action>', 'only this action (login, "POST /api/v1/tokens", …)')
    .option('--result <result>', 'only this result: ok, denied, refused or error')
    .option('--source <address>', 'only events from this client address')
    .option('--since <time>', 'only events at or after this ISO 8601 time')
    .option('--json', 'print JSON')
    .action((opts: AuditOptions, cmd: Command) =>
      run(cmd, async (ctx) => {
        const filter = auditFilter(opts)
        if (typeof filter === 'string') return fail(io, filter, EXIT.invalid)
        const rows = await ctx.auditLog.list(filter)
        // JSON: what `GET /api/v1/audit` answers for each event.
        if (opts.json === true) {
          printJson(io, rows)
          return EXIT.ok
        }
        printRows(
          io,
          rows.map((r) => ({
            at: r.at,
            actor: r.actor,
            source: r.source,
            action: r.action,
            target: r.target,
            result: r.result,
            status: r.status,
          })),
        )
        return EXIT.ok
      }),
    )
}

function auditFilter(o: AuditOptions): AuditFilter | string {
  const limit = parseCount('--limit', o.limit, 1, MAX_LIMIT)
  if (!limit.ok) return limit.error
  if (o.result !== undefined && !RESULTS.includes(o.result as AuditResult))
    return `--result: "${o.result.slice(0, 20)}" is not one of ${RESULTS.join(', ')}`
  let since: string | undefined
  if (o.since !== undefined) {
    const t = new Date(o.since)
    if (Number.isNaN(t.getTime())) return `--since: "${o.since.slice(0, 40)}" is not a time`
    since = t.toISOString()
  }
  return {
    limit: limit.value,
    ...(o.actor === undefined ? {} : { actor: o.actor }),
    ...(o.action === undefined ? {} : { action: o.action }),
    ...(o.result === undefined ? {} : { result: o.result as AuditResult }),
    ...(o.source === undefined ? {} : { source: o.source }),
    ...(since === undefined ? {} : { since }),
  }
}

// Commands that only read: not audited (`audit` itself among them).
const READS = new Set(['list', 'history', 'export', 'audit'])
// Commands whose argument may be what a client typed as a user name (a stray secret, for
// names that name no user): recorded without it.
const UNTOLD = new Set(['lockout lift'])

/** The audit event of a CLI command that ran with a context, or undefined for a read. */
export function cliAuditEvent(cmd: Command, exitCode: number): AuditEvent | undefined {
  if (READS.has(cmd.name())) return undefined
  const path: string[] = []
  // Up to the program itself, which has no parent and is not named.
  for (let c: Command = cmd; c.parent !== null; c = c.parent) path.unshift(c.name())
  const args = UNTOLD.has(path.join(' ')) ? '' : cmd.args.join(' ')
  return {
    action: `cli ${path.join(' ')}`,
    result:
      exitCode === EXIT.ok
        ? 'ok'
        : exitCode === EXIT.unavailable || exitCode === EXIT.failure
          ? 'error'
          : 'refused',
    actor: `cli:${osUser()}`,
    source: null,
    target: args === '' ? null : args,
    status: exitCode,
  }
}

function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return String(process.getuid?.() ?? '?')
  }
}
