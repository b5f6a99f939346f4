/**
 * `/tokens`: create (the secret is in this one answer and nowhere else, ever), list and
 * revoke tokens. A user manages their own; admins anyone's. Scopes, host limits, record
 * types and source ranges are those of `dynzone token create`. A bearer token creates only
 * tokens narrower than itself (`core/auth/credential-rights.ts`); a session has no limits.
 */
import { parseCidr, type Cidr } from '../core/addresses/addresses.ts'
import { narrower } from '../core/auth/credential-rights.ts'
import { err, ok, type Result } from '../core/result.ts'
import { z } from 'zod'
import { accountError, ownerFor, visibleHost, type ApiDeps } from './deps.ts'
import { apiError, type ApiError } from './errors.ts'
import { numericKey, pageOf, pageQuery } from './pagination.ts'
import { defineRoute, type ApiRoute } from './route.ts'
import { idParams, pageOfSchema, token, tokenCreate, tokenCreated } from './schemas.ts'
import { tokenView } from './views.ts'

const listQuery = pageQuery.extend({ owner: z.string().min(1).max(64).optional() })

function sources(list: readonly string[] | undefined): Result<Cidr[] | undefined, ApiError> {
  if (list === undefined) return ok(undefined)
  const out: Cidr[] = []
  for (const text of list) {
    const c = parseCidr(text)
    if (!c.ok) return err(apiError('invalid_value', `sources: ${c.error.message}`))
    out.push(c.value)
  }
  return ok(out)
}

/** The token routes. */
export function tokenRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/tokens',
      summary: 'List tokens (never their secrets): one’s own; admins anyone’s',
      tag: 'tokens',
      query: listQuery,
      status: 200,
      response: pageOfSchema(token),
      errors: ['invalid_cursor'],
      handler: async ({ caller, query }) => {
        if (!caller.isAdmin && query.owner !== undefined && query.owner !== caller.userName) {
          return ok({ items: [], next: null })
        }
        const owner = caller.isAdmin ? query.owner : caller.userName
        const page = pageOf(await deps.accounts.listTokens(owner), (t) => numericKey(t.id), query)
        return page.ok
          ? ok({ items: page.value.items.map(tokenView), next: page.value.next })
          : page
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/tokens',
      summary: 'Create a token; the answer holds its secret, shown this once',
      tag: 'tokens',
      body: tokenCreate,
      status: 201,
      response: tokenCreated,
      errors: ['forbidden', 'user_not_found', 'host_not_found', 'invalid_value'],
      handler: async ({ caller, body }) => {
        const owner = ownerFor(caller, body.owner)
        if (!owner.ok) return owner
        const ranges = sources(body.sources)
        if (!ranges.ok) return ranges
        // Another user's host is "not found" to a non-admin, as everywhere else.
        const hostIds: number[] = []
        for (const name of [
          ...(body.host === undefined ? [] : [body.host]),
          ...(body.hosts ?? []),
        ]) {
          const seen = await visibleHost(deps, caller, name)
          if (!seen.ok) return seen
          hostIds.push(seen.value.id)
        }
        const expires = body.expiresAt === undefined ? undefined : new Date(body.expiresAt)
        if (expires !== undefined && expires.getTime() <= deps.clock.now().getTime()) {
          return err(apiError('invalid_value', 'expiresAt is in the past'))
        }
        if (caller.rights !== undefined) {
          const narrow = narrower(
            {
              scope: body.scope,
              ...(hostIds.length === 0 ? {} : { hostIds }),
              ...(body.recordTypes === undefined ? {} : { recordTypes: body.recordTypes }),
              ...(ranges.value === undefined ? {} : { sources: ranges.value }),
              ...(expires === undefined ? {} : { expiresAt: expires }),
            },
            caller.rights,
          )
          if (!narrow.ok) return err(apiError('forbidden', narrow.error))
        }
        const created = await deps.accounts.createToken({
          owner: owner.value,
          scope: body.scope,
          ...(body.label === undefined ? {} : { label: body.label }),
          ...(body.host === undefined ? {} : { host: body.host }),
          ...(body.hosts === undefined ? {} : { hosts: body.hosts }),
          ...(body.recordTypes === undefined ? {} : { recordTypes: body.recordTypes }),
          ...(ranges.value === undefined ? {} : { sources: ranges.value }),
          ...(expires === undefined ? {} : { expiresAt: expires }),
        })
        if (!created.ok) return err(accountError(created.error, 'token'))
        return ok({ token: tokenView(created.value.token), secret: created.value.secret })
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/tokens/{id}',
      summary: 'Revoke a token',
      tag: 'tokens',
      params: idParams,
      status: 204,
      response: null,
      errors: ['token_not_found'],
      handler: async ({ caller, params }) => {
        const all = await deps.accounts.listTokens(caller.isAdmin ? undefined : caller.userName)
        if (!all.some((t) => t.id === params.id)) {
          return err(apiError('token_not_found', `token ${String(params.id)} not found`))
        }
        const r = await deps.accounts.revokeToken(params.id)
        return r.ok ? ok(null) : err(accountError(r.error, 'token'))
      },
    }),
  ]
}
