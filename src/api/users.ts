/**
 * `/users`: admins list, create, change and delete accounts; every user reads their own and
 * changes their email and password (the current password is needed for a new one, so a
 * stolen session or API token cannot lock the owner out).
 */
import type { UserSummary } from '../core/accounts/account-store.ts'
import { narrower, PASSWORD_RIGHTS } from '../core/auth/credential-rights.ts'
import type { IpAddress } from '../core/addresses/addresses.ts'
import { err, ok, type Result } from '../core/result.ts'
import { Secret } from '../core/auth/secret.ts'
import type { ApiCaller } from './auth.ts'
import { accountError, defined, requireAdmin, type ApiDeps } from './deps.ts'
import { apiError, type ApiError } from './errors.ts'
import { pageOf, pageQuery } from './pagination.ts'
import { defineRoute, type ApiRoute } from './route.ts'
import { userView } from './views.ts'
import { nameParams, pageOfSchema, user, userCreate, userPatch } from './schemas.ts'

async function visibleUser(
  deps: ApiDeps,
  caller: ApiCaller,
  name: string,
): Promise<Result<UserSummary, ApiError>> {
  const found = (await deps.accounts.listUsers()).find((u) => u.name === name)
  if (found === undefined || (!caller.isAdmin && found.name !== caller.userName)) {
    return err(apiError('user_not_found', `user "${name.slice(0, 64)}" not found`))
  }
  return ok(found)
}

// A password has no limits: a token with some cannot set one (it would mint a wider
// credential), unless it proves the password it replaces.
function mayMintPassword(caller: ApiCaller): Result<void, ApiError> {
  const narrow =
    caller.rights === undefined ? ok(undefined) : narrower(PASSWORD_RIGHTS, caller.rights)
  return narrow.ok
    ? ok(undefined)
    : err(
        apiError(
          'forbidden',
          `a token with limits cannot set a password or grant admin: ${narrow.error}`,
        ),
      )
}

// A new password for oneself needs the current one (when there is one), checked by the
// credential gate like every password: a wrong one counts, and guessing is held.
async function checkCurrentPassword(
  deps: ApiDeps,
  caller: ApiCaller,
  target: UserSummary,
  current: string | undefined,
  source: IpAddress,
): Promise<Result<void, ApiError>> {
  if (target.name !== caller.userName || !target.hasPassword) return mayMintPassword(caller)
  const checked = await deps.gate.check({
    door: 'api',
    credentials: { kind: 'basic', username: target.name, secret: new Secret(current ?? '') },
    source,
    accepts: 'password',
  })
  if (!checked.ok && checked.error.code === 'abuse') {
    const { message, retryAfterSeconds } = checked.error
    return err({ ...apiError('rate_limited', message), retryAfterSeconds })
  }
  if (!checked.ok || checked.value.userId !== target.id) {
    return err(apiError('wrong_password', 'currentPassword is missing or wrong'))
  }
  return ok(undefined)
}

/** The user routes. */
export function userRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/users',
      summary: 'List users (admin)',
      tag: 'users',
      query: pageQuery,
      status: 200,
      response: pageOfSchema(user),
      errors: ['forbidden', 'invalid_cursor'],
      handler: async ({ caller, query }) => {
        const admin = requireAdmin(caller)
        if (!admin.ok) return admin
        const page = pageOf(await deps.accounts.listUsers(), (u) => u.name, query)
        return page.ok ? ok({ items: page.value.items.map(userView), next: page.value.next }) : page
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/users',
      summary: 'Create a user (admin)',
      tag: 'users',
      body: userCreate,
      status: 201,
      response: user,
      errors: ['forbidden', 'user_exists', 'invalid_value'],
      handler: async ({ caller, body }) => {
        const admin = requireAdmin(caller)
        if (!admin.ok) return admin
        // A password, or the admin flag, is a credential without limits.
        const minted =
          body.password === undefined && body.admin !== true
            ? ok(undefined)
            : mayMintPassword(caller)
        if (!minted.ok) return minted
        const r = await deps.accounts.addUser(defined(body))
        return r.ok ? ok(userView(r.value)) : err(accountError(r.error, 'user'))
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/users/{name}',
      summary: 'Read a user (admin, or oneself)',
      tag: 'users',
      params: nameParams,
      status: 200,
      response: user,
      errors: ['user_not_found'],
      handler: async ({ caller, params }) => {
        const found = await visibleUser(deps, caller, params.name)
        return found.ok ? ok(userView(found.value)) : found
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/users/{name}',
      summary: 'Change email, password (oneself: with currentPassword) or admin flag (admin)',
      tag: 'users',
      params: nameParams,
      body: userPatch,
      status: 200,
      response: user,
      errors: ['user_not_found', 'forbidden', 'wrong_password', 'invalid_value', 'rate_limited'],
      handler: async ({ caller, params, body, req }) => {
        const found = await visibleUser(deps, caller, params.name)
        if (!found.ok) return found
        if (body.admin !== undefined && !caller.isAdmin) {
          return err(apiError('forbidden', 'only an administrator may change the admin flag'))
        }
        // Granting admin makes a credential without limits: not from a token that has some.
        if (body.admin === true) {
          const minted = mayMintPassword(caller)
          if (!minted.ok) return minted
        }
        // Another administrator must do it: the last one cannot lock everyone out by mistake.
        if (body.admin === false && found.value.name === caller.userName) {
          return err(apiError('invalid_value', 'an administrator cannot drop their own admin flag'))
        }
        if (body.password !== undefined) {
          const checked = await checkCurrentPassword(
            deps,
            caller,
            found.value,
            body.currentPassword,
            deps.clientIp(req),
          )
          if (!checked.ok) return checked
          const set = await deps.accounts.setPassword(found.value.name, body.password)
          if (!set.ok) return err(accountError(set.error, 'user'))
          // A new password signs out every browser that knew the old one.
          await deps.sessions?.destroyAllOf?.(found.value.id)
        }
        const fields = await deps.accounts.setUserFields(found.value.name, {
          ...(body.email === undefined ? {} : { email: body.email }),
          ...(body.admin === undefined ? {} : { isAdmin: body.admin }),
        })
        if (!fields.ok) return err(accountError(fields.error, 'user'))
        const after = await visibleUser(deps, caller, params.name)
        return after.ok ? ok(userView(after.value)) : after
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/users/{name}',
      summary: 'Delete a user with their hosts and tokens (admin)',
      tag: 'users',
      params: nameParams,
      status: 204,
      response: null,
      errors: ['forbidden', 'user_not_found', 'invalid_value'],
      handler: async ({ caller, params }) => {
        const admin = requireAdmin(caller)
        if (!admin.ok) return admin
        if (params.name === caller.userName) {
          return err(apiError('invalid_value', 'an administrator cannot delete their own account'))
        }
        const r = await deps.accounts.deleteUser(params.name)
        return r.ok ? ok(null) : err(accountError(r.error, 'user'))
      },
    }),
  ]
}
