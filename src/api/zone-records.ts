/**
 * `/zones/{zone}/records`: a zone's static records of every type, through core's
 * `ZoneRecordService`, the one check every door shares (names in the zone, the backend's
 * types, values, ownership, `records.max_per_host`, the zone rules). Admins write anywhere
 * the rules allow; a host's owner at and below their hosts. Every error names the record,
 * and nothing is written when one edit is refused.
 */
import { z } from 'zod'
import type { Fqdn } from '../core/names.ts'
import { RECORD_TYPES } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import type {
  RecordActor,
  RecordEdit,
  ZoneRecordError,
  ZoneRecordSet,
} from '../core/zone-records/zone-record-types.ts'
import type { ApiCaller } from './auth.ts'
import type { ApiDeps } from './deps.ts'
import { apiError, type ApiError } from './errors.ts'
import { decodeCursor, encodeCursor, MAX_LIMIT, DEFAULT_LIMIT } from './pagination.ts'
import { defineRoute, type ApiRoute, type RouteInput } from './route.ts'
import { pageOfSchema } from './schemas.ts'

const recordType = z.enum(RECORD_TYPES)
const ownerName = z.string().min(1).max(255)
const ttl = z.number().int().min(0).max(2147483647)
const value = z.string().min(1).max(65535)

/** `{zone}` in a path. */
export const zoneParams = z.strictObject({ zone: z.string().min(1).max(255) })
/** `{zone}`, `{name}` and `{type}`: one RRset. */
export const rrsetParams = zoneParams.extend({ name: ownerName, type: recordType })
/** The list's filters and paging (by owner name, then type). */
export const zoneRecordQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().max(500).optional(),
  name: ownerName.optional(),
  below: ownerName.optional(),
  type: recordType.optional(),
})
/** A static RRset as answered; `ownerHostId` null: the zone's (admins'). */
export const zoneRRset = z.object({
  name: z.string(),
  type: recordType,
  ttl: z.number().int(),
  values: z.array(z.string()),
  ownerHostId: z.number().int().nullable(),
})
/** `POST /zones/{zone}/records`: one value added to its RRset. */
export const zoneRecordAdd = z.strictObject({
  name: ownerName,
  type: recordType,
  ttl: ttl.optional(),
  value,
})
/** `PUT /zones/{zone}/records/{name}/{type}`: the RRset becomes exactly `values`. */
export const rrsetPut = z.strictObject({
  ttl: ttl.optional(),
  values: z.array(value).min(1).max(500),
})
/** `DELETE …/{name}/{type}?value=`: one value, or the whole RRset. */
export const rrsetDeleteQuery = z.strictObject({ value: value.optional() })
/** What a change did. */
export const zoneRecordsChanged = z.object({
  zone: z.string(),
  serial: z.number().int().nullable(),
  replace: z.array(zoneRRset),
  remove: z.array(z.object({ name: z.string(), type: recordType })),
})

const WRITE_ERRORS = [
  'zone_not_found',
  'invalid_value',
  'unsupported_type',
  'record_forbidden',
  'record_not_found',
  'publish_failed',
] as const

/** The static-record routes; none without the service. */
export function zoneRecordRoutes(deps: ApiDeps): ApiRoute[] {
  const records = deps.zoneRecords
  if (records === undefined) return []
  return [
    defineRoute({
      method: 'GET',
      path: '/zones/{zone}/records',
      summary:
        'List a zone’s static records of every type (admins: all; owners: those of their hosts)',
      tag: 'records',
      params: zoneParams,
      query: zoneRecordQuery,
      status: 200,
      response: pageOfSchema(zoneRRset),
      errors: ['zone_not_found', 'invalid_value', 'invalid_cursor'],
      handler: (input) => listRecords(deps, records, input),
    }),
    defineRoute({
      method: 'POST',
      path: '/zones/{zone}/records',
      summary: 'Add one value of any type to its RRset (admins; owners at and below their hosts)',
      tag: 'records',
      params: zoneParams,
      body: zoneRecordAdd,
      status: 201,
      response: zoneRecordsChanged,
      errors: [...WRITE_ERRORS],
      handler: (input) =>
        apply(deps, records, input, input.params.zone, [
          {
            op: 'add',
            name: input.body.name as Fqdn,
            type: input.body.type,
            value: input.body.value,
            ...(input.body.ttl === undefined ? {} : { ttl: input.body.ttl }),
          },
        ]),
    }),
    defineRoute({
      method: 'PUT',
      path: '/zones/{zone}/records/{name}/{type}',
      summary: 'Replace an RRset whole',
      tag: 'records',
      params: rrsetParams,
      body: rrsetPut,
      status: 200,
      response: zoneRecordsChanged,
      errors: [...WRITE_ERRORS],
      handler: (input) => {
        const { values, ttl: t } = input.body
        const edit: RecordEdit = {
          op: 'replace',
          name: input.params.name as Fqdn,
          type: input.params.type,
          values,
          ...(t === undefined ? {} : { ttl: t }),
        }
        return apply(deps, records, input, input.params.zone, [edit])
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/zones/{zone}/records/{name}/{type}',
      summary: 'Delete an RRset, or one of its values (`?value=`)',
      tag: 'records',
      params: rrsetParams,
      query: rrsetDeleteQuery,
      status: 200,
      response: zoneRecordsChanged,
      errors: [...WRITE_ERRORS],
      handler: (input) => {
        const v = input.query.value
        const edit: RecordEdit = {
          op: 'delete',
          name: input.params.name as Fqdn,
          type: input.params.type,
          ...(v === undefined ? {} : { value: v }),
        }
        return apply(deps, records, input, input.params.zone, [edit])
      },
    }),
  ]
}

type Query = z.output<typeof zoneRecordQuery>

async function listRecords(
  deps: ApiDeps,
  records: ZoneRecordService,
  input: RouteInput<z.output<typeof zoneParams>, Query, unknown>,
): Promise<Result<{ items: z.output<typeof zoneRRset>[]; next: string | null }, ApiError>> {
  const { caller, query } = input
  const zone = bare(input.params.zone)
  const after = decodeCursor(query.cursor)
  if (!after.ok) return after
  const mark = after.value
  const listed = await records.list(zone, {
    ...(query.name === undefined ? {} : { name: bare(query.name) }),
    ...(query.below === undefined ? {} : { below: bare(query.below) }),
    ...(query.type === undefined ? {} : { type: query.type }),
  })
  if (!listed.ok) return err(recordError(listed.error))
  // An owner sees the static records of their own hosts only.
  const mine = caller.isAdmin
    ? undefined
    : new Set((await deps.accountStore.listHosts(caller.userName)).map((h) => h.id))
  const visible = listed.value
    .filter((s) => mine === undefined || (s.ownerHostId !== null && mine.has(s.ownerHostId)))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .filter((s) => mark === undefined || key(s) > mark)
  const items = visible.slice(0, query.limit)
  const last = items.at(-1)
  const next = visible.length > query.limit && last !== undefined ? encodeCursor(key(last)) : null
  return ok({ items: items.map(view), next })
}

// The paging key: owner name, then type (the order the store lists them in).
function key(s: ZoneRecordSet): string {
  return `${s.name} ${s.type}`
}

function view(s: ZoneRecordSet): z.output<typeof zoneRRset> {
  return {
    name: s.name,
    type: s.type,
    ttl: s.ttl,
    values: [...s.values],
    ownerHostId: s.ownerHostId,
  }
}

async function apply(
  deps: ApiDeps,
  records: ZoneRecordService,
  input: RouteInput<unknown, unknown, unknown>,
  zoneText: string,
  edits: readonly RecordEdit[],
): Promise<Result<z.output<typeof zoneRecordsChanged>, ApiError>> {
  const { caller } = input
  const r = await records.apply(actorOf(caller), bare(zoneText), edits, {
    context: { door: 'api', clientIp: deps.clientIp(input.req).text },
  })
  if (!r.ok) return err(recordError(r.error))
  const { zone, serial, replace, remove } = r.value
  return ok({ zone, serial, replace: replace.map(view), remove: [...remove] })
}

function actorOf(caller: ApiCaller): RecordActor {
  return caller.isAdmin
    ? { kind: 'admin', label: caller.userName }
    : { kind: 'user', userId: caller.userId, label: caller.userName }
}

// Names as the service takes them: lowercase, no trailing dot.
function bare(name: string): Fqdn {
  return name.trim().toLowerCase().replace(/\.$/, '') as Fqdn
}

/** The API error of a service refusal (its message names the record). */
export function recordError(e: ZoneRecordError): ApiError {
  switch (e.code) {
    case 'invalid':
      return apiError('invalid_value', e.message)
    case 'forbidden':
      return apiError('record_forbidden', e.message)
    case 'not-found':
      return apiError('record_not_found', e.message)
    case 'not-served':
      return apiError('zone_not_found', e.message)
    case 'unsupported-type':
      return apiError('unsupported_type', e.message)
    case 'publish-failed':
      return apiError('publish_failed', e.message)
  }
}
