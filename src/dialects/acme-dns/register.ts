/**
 * acme-dns `POST /register`, authorized: Basic auth with an account password or an
 * `all`-scope token (never open, unlike acme-dns). The host comes from `?host=`, a JSON or
 * form field `host`, or the credential's own host. Replies 201 with acme-dns's fields:
 * `username`, `password` (a new `acme`-scoped token, shown once), `fulldomain`
 * (`_acme-challenge.<host>`), `subdomain` (the host) and `allowfrom` (the source ranges
 * the new token is limited to: those of a registering token, else `[]`). A registering token
 * can mint only a narrower one (`core/auth/credential-rights.ts`): refusals answer 403.
 */
import type { AcmeRegistrar } from '../../core/accounts/acme-register.ts'
import { Secret } from '../../core/auth/secret.ts'
import {
  jsonReply,
  type DialectResponse,
  type ServiceRoute,
  type UpdateRequest,
} from '../dialect.ts'

/** The `/register` route over a registrar. */
export function acmeDnsRegisterRoute(registrar: AcmeRegistrar): ServiceRoute {
  return {
    method: 'POST',
    path: '/register',
    handle: (req) => register(registrar, req),
  }
}

async function register(registrar: AcmeRegistrar, req: UpdateRequest): Promise<DialectResponse> {
  const credentials =
    req.basic === null
      ? null
      : {
          kind: 'basic' as const,
          username: req.basic.username,
          secret: new Secret(req.basic.password),
        }
  const r = await registrar.register(credentials, req.params.get('host'), req.clientIp)
  if (!r.ok) {
    switch (r.error.code) {
      case 'abuse':
        return {
          status: 429,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'retry-after': String(r.error.retryAfterSeconds),
          },
          body: JSON.stringify({ error: 'too_many_requests' }),
        }
      case 'badauth':
        return {
          status: 401,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'www-authenticate': 'Basic realm="dynzone"',
          },
          body: JSON.stringify({ error: 'forbidden' }),
        }
      case 'nohost':
        return jsonReply(400, JSON.stringify({ error: 'bad_host', message: r.error.message }))
      case '!yours':
        return jsonReply(403, JSON.stringify({ error: 'forbidden', message: r.error.message }))
    }
  }
  return jsonReply(
    201,
    JSON.stringify({
      username: r.value.username,
      password: r.value.password,
      fulldomain: r.value.fulldomain,
      subdomain: r.value.host,
      allowfrom: r.value.allowfrom,
    }),
  )
}
