/**
 * The zod schemas of the REST API: path parameters, request bodies and answers. Requests are
 * strict objects (an unknown field is an error, not silently dropped); field names are
 * camelCase. The OpenAPI document is generated from these.
 */
import { z } from 'zod'
import { RESTRICTABLE_TYPES } from '../core/auth/token-restrictions.ts'
import { TOKEN_SCOPES } from '../core/auth/token-scope.ts'
import { API_ERRORS, type ApiErrorCode } from './errors.ts'

const MAX_DNS_TTL = 604800
const MAX_EXPIRY_TTL = 31536000

/** `{fqdn}` in a path. */
export const fqdnParams = z.strictObject({ fqdn: z.string().min(1).max(255) })
/** `{name}` in a path. */
export const nameParams = z.strictObject({ name: z.string().min(1).max(255) })
/** `{id}` in a path. */
export const idParams = z.strictObject({ id: z.coerce.number().int().min(1) })

const dnsTtl = z.number().int().min(1).max(MAX_DNS_TTL)
const expiryTtl = z.number().int().min(0).max(MAX_EXPIRY_TTL)
const lanInput = z.strictObject({
  ipv4: z.string().max(64).nullable().optional(),
  ipv6: z.string().max(64).nullable().optional(),
})
const groupInput = z.strictObject({
  name: z.string().min(1).max(64),
  iid: z.string().min(2).max(64),
})
const password = z.string().min(8).max(1024)

/** A user as answered. */
export const user = z.object({
  name: z.string(),
  email: z.string().nullable(),
  admin: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: z.string(),
})

/** `POST /users`. */
export const userCreate = z.strictObject({
  name: z.string().min(1).max(64),
  password: password.optional(),
  email: z.email().max(254).optional(),
  admin: z.boolean().optional(),
})

/** `PATCH /users/{name}`: `password` needs `currentPassword` when changing one's own. */
export const userPatch = z
  .strictObject({
    email: z.email().max(254).nullable().optional(),
    password: password.optional(),
    currentPassword: z.string().max(1024).optional(),
    admin: z.boolean().optional(),
  })
  .refine((p) => p.email !== undefined || p.password !== undefined || p.admin !== undefined, {
    message: 'nothing to change: give email, password or admin',
  })

/** A host as answered. */
export const host = z.object({
  fqdn: z.string(),
  zone: z.string(),
  owner: z.string(),
  dnsTtl: z.number().int().nullable(),
  expiryTtl: z.number().int(),
  ipv4: z.string().nullable(),
  ipv6: z.string().nullable(),
  lan: z.object({ ipv4: z.string().nullable(), ipv6: z.string().nullable() }),
  group: z.object({ name: z.string(), iid: z.string() }).nullable(),
  lastSeenAt: z.string().nullable(),
  lastClientIp: z.string().nullable(),
  lastDialect: z.string().nullable(),
  createdAt: z.string(),
})

/** `POST /hosts`. `owner` other than oneself is for admins. */
export const hostCreate = z.strictObject({
  fqdn: z.string().min(1).max(255),
  owner: z.string().min(1).max(64).optional(),
  dnsTtl: dnsTtl.optional(),
  expiryTtl: expiryTtl.optional(),
  lan: lanInput.optional(),
  group: groupInput.optional(),
})

/** `PATCH /hosts/{fqdn}`: `null` clears a field (the zone's TTL, no LAN address, no group). */
export const hostPatch = z
  .strictObject({
    dnsTtl: dnsTtl.nullable().optional(),
    expiryTtl: expiryTtl.optional(),
    lan: lanInput.optional(),
    group: groupInput.nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'nothing to change: give dnsTtl, expiryTtl, lan or group',
  })

/** A host's DNS record as answered (TXT values are `_acme-challenge` ones, expiring). */
export const record = z.object({
  name: z.string(),
  type: z.enum(['A', 'AAAA', 'TXT']),
  value: z.string(),
  ttl: z.number().int().nullable(),
  expiresAt: z.string().nullable(),
})

/** `PUT /hosts/{fqdn}/records`: absent keeps, `null` removes, a value sets (TXT: adds). */
export const recordsPut = z
  .strictObject({
    A: z.string().max(64).nullable().optional(),
    AAAA: z.string().max(64).nullable().optional(),
    TXT: z.string().max(255).nullable().optional(),
  })
  .refine((p) => p.A !== undefined || p.AAAA !== undefined || p.TXT !== undefined, {
    message: 'nothing to change: give A, AAAA or TXT',
  })

/** The answer of a record change. */
export const recordsChanged = z.object({
  status: z.enum(['good', 'nochg']),
  /** False when the change is saved but DNS did not confirm it in time (it keeps trying). */
  published: z.boolean(),
  records: z.array(record),
})

/**
 * One update-history entry: a change (`oldValue` → `newValue`), or a refused update
 * (`refused`, with the answer code in `result` and the `reason`; the values are null).
 */
export const historyEntry = z.object({
  /** The row id within its kind (changes and refusals are counted apart). */
  id: z.number().int(),
  at: z.string(),
  dialect: z.string(),
  clientIp: z.string(),
  actor: z.string(),
  result: z.string(),
  refused: z.boolean(),
  reason: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
})

/** One request of the router inspector: secrets replaced by `[redacted]` before storing. */
export const requestEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  dialect: z.string(),
  clientIp: z.string(),
  method: z.string(),
  path: z.string(),
  params: z.record(z.string(), z.string()),
  credentials: z.string(),
  userAgent: z.string(),
  taken: z.object({ ipv4: z.string(), ipv6: z.string(), prefix: z.string().optional() }),
  result: z.string(),
  reply: z.string(),
  reason: z.string(),
})

/** A token as answered: never its secret. */
export const token = z.object({
  id: z.number().int(),
  owner: z.string(),
  host: z.string().nullable(),
  label: z.string(),
  scope: z.enum(TOKEN_SCOPES),
  /** A multi-host token's hosts; null when not limited that way. */
  hosts: z.array(z.string()).nullable(),
  recordTypes: z.array(z.string()).nullable(),
  sources: z.array(z.string()).nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
})

/** `POST /tokens`. `api` tokens use this API; the others update DNS through the dialects. */
export const tokenCreate = z.strictObject({
  scope: z.enum(TOKEN_SCOPES),
  label: z.string().max(100).optional(),
  /** One host: the token may change only it and may omit the hostname. */
  host: z.string().min(1).max(255).optional(),
  /** Several hosts: the token may change only these. */
  hosts: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
  recordTypes: z.array(z.enum(RESTRICTABLE_TYPES)).min(1).optional(),
  /** CIDR ranges (or addresses) the client must come from. */
  sources: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  expiresAt: z.iso.datetime().optional(),
  owner: z.string().min(1).max(64).optional(),
})

/** The answer of `POST /tokens`: the secret, this once. */
export const tokenCreated = z.object({ token, secret: z.string() })

/** A zone as answered; `served: false`: only in the database, no longer in the config. */
export const zone = z.object({
  name: z.string(),
  served: z.boolean(),
  backend: z.string(),
  serial: z.number().int(),
  hosts: z.number().int(),
  resync: z.object({
    requestedAt: z.string().nullable(),
    handledAt: z.string().nullable(),
    report: z.string().nullable(),
  }),
  /** Who pushes a zone on a shared backend (several instances); null: nobody now. */
  lease: z.object({ holder: z.string().nullable(), expiresAt: z.string().nullable() }),
  /** The other dynzone cluster whose ownership marker keeps this one out of the zone. */
  ownerConflict: z.string().nullable(),
})

/** The answer of `POST /zones/{name}/resync`. */
export const resyncRequested = z.object({ zone: z.string(), requestedAt: z.string() })

/** A lockout as answered: failures and lock of one credential from one source. */
export const lockout = z.object({
  id: z.number().int(),
  /** `user:<name>` or `token`. */
  subject: z.string(),
  source: z.string(),
  failures: z.number().int(),
  level: z.number().int(),
  lockedUntil: z.string().nullable(),
  lastFailureAt: z.string(),
  locked: z.boolean(),
})

/** Every error answer. */
export const errorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})

/** A page of a list. */
export function pageOfSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable() })
}

/** An audit event as answered (src/core/audit.ts). */
export const auditEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  /** `login`, `logout`, `POST /api/v1/tokens`, `cli token create`… */
  action: z.string(),
  result: z.enum(['ok', 'denied', 'refused', 'error']),
  /** The HTTP status, or the command's exit code. */
  status: z.number().int(),
  actor: z.string().nullable(),
  source: z.string().nullable(),
  target: z.string().nullable(),
})
