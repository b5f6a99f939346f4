/**
 * Token routes: list, create (the secret is shown once), rotate (a new secret with the same
 * host, label, scope, expiry, host list, record types and source ranges; the old one stops
 * working) and revoke. Users manage their
 * own tokens; admins any token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TokenSummary } from '../core/accounts/account-store.ts'
import type { Cidr } from '../core/addresses/addresses.ts'
import {
  parseCidrList,
  parseTypeList,
  type RestrictableType,
} from '../core/auth/token-restrictions.ts'
import { parseTokenScope } from '../core/auth/token-scope.ts'
import { clientTarget, notice, optionalInt } from './host-routes.ts'
import type { WebSession } from './session.ts'
import { secretPage, tokensPage } from './token-pages.ts'
import {
  errorPage,
  field,
  redirect,
  safePath,
  sendHtml,
  signedIn,
  type WebDeps,
} from './web-http.ts'

// A new secret is a new way into the account: it needs a recent proof (step-up).
const stepUp = { stepUp: 'always' } as const

/** Registers the token routes. */
export function registerTokenRoutes(app: FastifyInstance, deps: WebDeps): void {
  const listPage = async (
    reply: FastifyReply,
    session: WebSession,
    status: number,
    flash?: { kind: 'notice' | 'error'; text: string },
  ): Promise<FastifyReply> => {
    const tokens = await deps.accounts.listTokens(session.userName)
    const hosts = (await deps.accounts.listHosts(session.userName)).map((h) => h.fqdn)
    return sendHtml(reply, status, tokensPage({ session, tokens, hosts, flash }))
  }
  app.get(
    '/tokens',
    signedIn(deps, (req, reply, session) => listPage(reply, session, 200, notice(req))),
  )
  app.post(
    '/tokens',
    signedIn(
      deps,
      async (req, reply, session) => {
        const back = safePath(field(req, 'back')) ?? '/tokens'
        const host = (field(req, 'host') ?? '').trim()
        const scope = parseTokenScope(field(req, 'scope') ?? 'address')
        const days = optionalInt(field(req, 'expires_days'))
        const label = (field(req, 'label') ?? '').trim()
        if (scope === undefined) return listPage(reply, session, 422, bad('Choose a scope.'))
        if (days === 'bad' || days === 0 || (days !== undefined && days > 3650))
          return listPage(reply, session, 422, bad('Expiry must be 1 to 3650 days, or empty.'))
        const owner = host === '' ? session.userName : await hostOwner(deps, host, session)
        if (owner === undefined)
          return listPage(reply, session, 422, bad(`No host "${host}" of yours.`))
        const expiresAt =
          days === undefined ? undefined : new Date(deps.clock.now().getTime() + days * 86_400_000)
        const r = await deps.accounts.createToken({
          owner,
          label,
          scope,
          ...(host === '' ? {} : { host }),
          ...(expiresAt === undefined ? {} : { expiresAt }),
        })
        if (!r.ok) return listPage(reply, session, 422, bad(r.error.message))
        return showSecret(req, reply, session, r.value.token, r.value.secret, back, false)
      },
      stepUp,
    ),
  )
  app.post(
    '/tokens/:id/revoke',
    signedIn(deps, async (req, reply, session) => {
      const token = await ownToken(deps, req, session)
      if (token === undefined) return errorPage(reply, 404, 'No such token.', session)
      await deps.accounts.revokeToken(token.id)
      const back = safePath(field(req, 'back')) ?? '/tokens'
      return redirect(reply, `${back}${back.includes('?') ? '&' : '?'}done=revoked`)
    }),
  )
  app.post(
    '/tokens/:id/rotate',
    signedIn(
      deps,
      async (req, reply, session) => {
        const old = await ownToken(deps, req, session)
        if (old === undefined) return errorPage(reply, 404, 'No such token.', session)
        if (old.hosts?.length === 0)
          return errorPage(reply, 422, 'Every host of this token is gone.', session)
        const r = await deps.accounts.createToken({
          owner: old.owner,
          label: old.label,
          scope: old.scope,
          ...(old.host === null ? {} : { host: old.host }),
          ...(old.expiresAt === null ? {} : { expiresAt: new Date(old.expiresAt) }),
          ...sameLimits(old),
        })
        if (!r.ok) return errorPage(reply, 422, r.error.message, session)
        await deps.accounts.revokeToken(old.id)
        const back = safePath(field(req, 'back')) ?? '/tokens'
        return showSecret(req, reply, session, r.value.token, r.value.secret, back, true)
      },
      stepUp,
    ),
  )
}

// A rotated token keeps every limit of the old one: rotating must never widen a credential.
function sameLimits(t: TokenSummary): {
  hosts?: readonly string[]
  recordTypes?: RestrictableType[]
  sources?: Cidr[]
} {
  const types = t.recordTypes === undefined ? undefined : parseTypeList(t.recordTypes.join(','))
  const sources = t.sources === undefined ? undefined : parseCidrList(t.sources.join(','))
  return {
    ...(t.hosts === undefined ? {} : { hosts: t.hosts }),
    // A list that no longer parses keeps a limit that allows nothing, never none.
    ...(types === undefined ? {} : { recordTypes: types.ok ? types.value : [] }),
    ...(sources === undefined ? {} : { sources: sources.ok ? sources.value : [] }),
  }
}

function bad(text: string): { kind: 'error'; text: string } {
  return { kind: 'error', text }
}

function showSecret(
  req: FastifyRequest,
  reply: FastifyReply,
  session: WebSession,
  token: TokenSummary,
  secret: string,
  back: string,
  rotated: boolean,
): FastifyReply {
  const client =
    token.host === null ? undefined : clientTarget(req, token.owner, token.host, secret)
  return sendHtml(reply, 201, secretPage({ session, token, secret, back, client, rotated }))
}

/** The owner of a host the session may make tokens for (its own; any for admins). */
async function hostOwner(deps: WebDeps, fqdn: string, s: WebSession): Promise<string | undefined> {
  const hosts = await deps.accounts.listHosts(s.isAdmin ? undefined : s.userName)
  return hosts.find((h) => h.fqdn === fqdn.toLowerCase().replace(/\.$/, ''))?.owner
}

/** The token of `:id` when the session may manage it. */
async function ownToken(
  deps: WebDeps,
  req: FastifyRequest,
  s: WebSession,
): Promise<TokenSummary | undefined> {
  const id = Number((req.params as { id?: string }).id)
  if (!Number.isSafeInteger(id) || id < 1) return undefined
  const tokens = await deps.accounts.listTokens(s.isAdmin ? undefined : s.userName)
  return tokens.find((t) => t.id === id)
}
