/** `dynzone token create|list|revoke`, with scopes and limits (hosts, types, sources, expiry). */
import type { Command } from 'commander'
import type { Context } from '../app.ts'
import type { TokenSummary } from '../core/accounts/account-store.ts'
import { parseTokenScope, TOKEN_SCOPES } from '../core/auth/token-scope.ts'
import { EXIT, exitFor } from './exit-codes.ts'
import { tokenView } from '../api/views.ts'
import { fail, printJson, printRows, type CliIo, type Runner } from './io.ts'
import { parseExpiry, parseSources, parseTypes } from './token-options.ts'

interface CreateOptions {
  user: string
  host: string[]
  type: string[]
  from: string[]
  label?: string
  scope: string
  expires?: string
  json?: boolean
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Registers the token commands. */
export function registerTokenCommands(program: Command, io: CliIo, run: Runner): void {
  const token = program.command('token').description('manage update tokens')
  token
    .command('create')
    .description('create a token; the secret is printed once and never stored')
    .requiredOption('--user <name>', 'owner of the token')
    .option('--host <fqdn>', 'limit the token to this host (repeatable)', collect, [])
    .option('--type <type>', 'limit to record type A, AAAA or TXT (repeatable)', collect, [])
    .option('--from <cidr>', 'client address must be inside this range (repeatable)', collect, [])
    .option('--label <text>', 'a note to recognise the token by')
    .option(
      '--scope <scope>',
      'all, address (A/AAAA), acme (_acme-challenge TXT) or api (REST API only, no DNS updates)',
      'all',
    )
    .option('--expires <when>', 'a duration (30d, 12h, 2w) or a date (2027-01-31, ISO 8601)')
    .option('--json', 'print JSON')
    .action((opts: CreateOptions, cmd: Command) => run(cmd, (ctx) => create(ctx, io, opts)))
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--user <name>', 'only this user’s tokens')
    .option('--json', 'print JSON')
    .action((opts: { user?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const tokens = await ctx.accounts.listTokens(opts.user)
        if (opts.json === true) printJson(io, tokens.map(tokenView))
        else printRows(io, tokens.map(tokenRow))
        return EXIT.ok
      }),
    )
  token
    .command('revoke <id>')
    .description('revoke a token by id')
    .action((id: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (!/^\d+$/.test(id))
          return fail(io, `"${id}" is not a token id (see dynzone token list)`, EXIT.invalid)
        const r = await ctx.accounts.revokeToken(Number(id))
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`revoked token ${id}\n`)
        return EXIT.ok
      }),
    )
}

async function create(ctx: Context, io: CliIo, opts: CreateOptions): Promise<number> {
  const scope = parseTokenScope(opts.scope)
  if (scope === undefined)
    return fail(
      io,
      `--scope: "${opts.scope.slice(0, 40)}" is not one of ${TOKEN_SCOPES.join(', ')}`,
      EXIT.invalid,
    )
  const expires = opts.expires === undefined ? undefined : parseExpiry(opts.expires, new Date())
  if (expires !== undefined && !expires.ok) return fail(io, expires.error, EXIT.invalid)
  const types = parseTypes(opts.type)
  if (!types.ok) return fail(io, types.error, EXIT.invalid)
  const sources = parseSources(opts.from)
  if (!sources.ok) return fail(io, sources.error, EXIT.invalid)
  if (scope === 'api' && (opts.host.length > 0 || types.value.length > 0))
    return fail(
      io,
      '--scope api: --host and --type limit DNS updates, which api tokens never make',
      EXIT.invalid,
    )
  const r = await ctx.accounts.createToken({
    owner: opts.user,
    hosts: opts.host,
    ...(opts.label === undefined ? {} : { label: opts.label }),
    ...(expires === undefined ? {} : { expiresAt: expires.value }),
    ...(types.value.length === 0 ? {} : { recordTypes: types.value }),
    ...(sources.value.length === 0 ? {} : { sources: sources.value }),
    scope,
  })
  if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
  const t = r.value.token
  // The answer of `POST /api/v1/tokens`: the token's view and, this once, its secret.
  if (opts.json === true) printJson(io, { token: tokenView(t), secret: r.value.secret })
  else
    io.out(
      `token ${String(t.id)} for ${t.owner}${describe(t)}:\n${r.value.secret}\nStore it now: it is not shown again.\n`,
    )
  return EXIT.ok
}

// ` (host h), scope acme, types TXT, from 10.0.0.0/8` — only the limits it has.
function describe(t: TokenSummary): string {
  const hosts = t.hosts ?? (t.host === null ? [] : [t.host])
  const parts = [
    ...(t.scope === 'all' ? [] : [`scope ${t.scope}`]),
    ...(t.recordTypes === undefined ? [] : [`types ${t.recordTypes.join(',')}`]),
    ...(t.sources === undefined ? [] : [`from ${t.sources.join(',')}`]),
  ]
  return (
    (hosts.length === 0 ? '' : ` (host ${hosts.join(', ')})`) +
    (parts.length === 0 ? '' : `, ${parts.join(', ')}`)
  )
}

// The table joins lists with commas (none: no limit).
function tokenRow(t: TokenSummary): Record<string, unknown> {
  const list = (l: readonly string[] | undefined): unknown => (l === undefined ? null : l.join(','))
  return {
    id: t.id,
    owner: t.owner,
    host: t.hosts === undefined ? t.host : t.hosts.join(','),
    label: t.label,
    scope: t.scope,
    types: list(t.recordTypes),
    from: list(t.sources),
    expires: t.expiresAt,
    last_used: t.lastUsedAt,
  }
}
