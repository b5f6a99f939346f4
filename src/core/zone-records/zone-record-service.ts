/**
 * Static records: the one service every door (CLI, REST API, web UI, RFC 2136 UPDATE) calls
 * to list and change a zone's records of any type. One check for all of them: the name is in
 * the zone, the backend publishes the type, the value is valid (the zone codec), the actor
 * may write there (`record-permissions.ts`), a host's owner stays within
 * `records.max_per_host`, and the zone content that would result passes the zone rules
 * (CNAME alone, nothing but glue below a delegation, DS only at one, limits) for the names
 * touched and their neighbours, never the whole zone. All edits or none, in one transaction
 * with one serial bump; the change is then published like every other writer's.
 */
import type { Fqdn } from '../names.ts'
import { parseName } from '../names.ts'
import type { ChangePublisher } from '../ports.ts'
import type { RecordKey } from '../records.ts'
import { err, ok, type Result } from '../result.ts'
import { planEdits } from './edit-plan.ts'
import type {
  AppliedChange,
  RecordActor,
  RecordContext,
  RecordEdit,
  RecordZone,
  StaticWrite,
  ZoneContentRules,
  ZoneRecordError,
  ZoneRecordFilter,
  ZoneRecordSet,
  ZoneRecordStore,
} from './zone-record-types.ts'

/** What the service is built from. */
export interface ZoneRecordServiceOptions {
  readonly store: ZoneRecordStore
  readonly rules: ZoneContentRules
  readonly zones: ReadonlyMap<Fqdn, RecordZone>
  /** `records.max_per_host`: static values one host's owner may hold. */
  readonly maxPerHost: number
  /**
   * Publishes committed changes (the server's doors); absent for the command line, whose
   * serial bump a running server's zone sync follows.
   */
  readonly publisher?: ChangePublisher
  readonly publishDeadlineMs?: number
  readonly now: () => Date
}

/** Options of one `apply`. */
export interface ApplyOptions {
  readonly dryRun?: boolean
  readonly context: RecordContext
}

const MAX_TTL = 0x7fffffff

/** Lists and changes static records; see the module comment. */
export class ZoneRecordService {
  readonly #o: ZoneRecordServiceOptions

  constructor(options: ZoneRecordServiceOptions) {
    this.#o = options
  }

  /** A served zone's static RRsets, by name and type. */
  async list(
    zone: Fqdn,
    filter: ZoneRecordFilter = {},
  ): Promise<Result<ZoneRecordSet[], ZoneRecordError>> {
    if (!this.#o.zones.has(zone)) return err(notServed(zone))
    return ok(await this.#o.store.list(zone, filter))
  }

  /** Applies every edit or none; see the module comment. */
  async apply(
    actor: RecordActor,
    zone: Fqdn,
    edits: readonly RecordEdit[],
    options: ApplyOptions,
  ): Promise<Result<AppliedChange, ZoneRecordError>> {
    const served = this.#o.zones.get(zone)
    if (served === undefined) return err(notServed(zone))
    const normal = this.#normalize(zone, served, edits)
    if (!normal.ok) return normal
    let planned: StaticWrite = { replace: [], remove: [] }
    const dryRun = options.dryRun === true
    const committed = await this.#o.store.transact<ZoneRecordError>(
      zone,
      async (view) => {
        const plan = await planEdits({
          actor,
          zone,
          served,
          edits: normal.value,
          view,
          rules: this.#o.rules,
          maxPerHost: this.#o.maxPerHost,
        })
        if (plan.ok) planned = plan.value
        return plan
      },
      { ...options.context, actor: actorLabel(actor), at: this.#o.now().toISOString() },
      dryRun,
    )
    if (!committed.ok) return committed
    const applied: AppliedChange = {
      zone,
      serial: committed.value?.serial ?? null,
      dryRun,
      replace: planned.replace,
      remove: planned.remove,
    }
    const change = committed.value
    if (change === null || this.#o.publisher === undefined) return ok(applied)
    const published = await this.#o.publisher.publish([change], this.#o.publishDeadlineMs ?? 5000)
    if (!published.ok) {
      return err({
        code: 'publish-failed',
        message: `committed at serial ${String(change.serial)}, not yet published (retrying): ${published.error.message}`,
      })
    }
    return ok(applied)
  }

  // Names parsed, types checked against the backend, values made canonical, TTLs in range.
  #normalize(
    zone: Fqdn,
    served: RecordZone,
    edits: readonly RecordEdit[],
  ): Result<RecordEdit[], ZoneRecordError> {
    const out: RecordEdit[] = []
    for (const edit of edits) {
      const name = ownerName(edit.name, zone)
      if (!name.ok) return err(invalid(`${edit.name}.`, edit, name.error))
      if (edit.op === 'delete-name') {
        out.push({ op: 'delete-name', name: name.value })
        continue
      }
      const key: RecordKey = { name: name.value, type: edit.type }
      if (!served.types.has(edit.type)) {
        return err({
          code: 'unsupported-type',
          message: `${key.name}. ${key.type}: the backend of ${zone} does not publish ${key.type} records`,
        })
      }
      const ttl = edit.op === 'delete' ? undefined : edit.ttl
      if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL)) {
        return err(invalid(`${key.name}.`, edit, `TTL ${String(ttl)} is outside 0..${MAX_TTL}`))
      }
      const values =
        edit.op === 'replace' ? edit.values : edit.value === undefined ? [] : [edit.value]
      const canonical: string[] = []
      for (const value of values) {
        const c = this.#o.rules.canonical(edit.type, value)
        if (!c.ok) return err(invalid(`${key.name}.`, edit, c.error))
        canonical.push(c.value)
      }
      if (edit.op === 'replace') out.push({ ...edit, name: name.value, values: canonical })
      else if (edit.op === 'add') out.push({ ...edit, name: name.value, value: canonical[0] ?? '' })
      else
        out.push({
          ...edit,
          name: name.value,
          ...(canonical[0] === undefined ? {} : { value: canonical[0] }),
        })
    }
    return ok(out)
  }
}

// An owner name: an FQDN in the zone, `*.` allowed as its first label (RFC 4592).
function ownerName(input: string, zone: Fqdn): Result<Fqdn, string> {
  const text = input.trim().toLowerCase().replace(/\.$/, '')
  const wild = text === '*' || text.startsWith('*.')
  const rest = wild ? text.slice(2) : text
  if (wild && rest === '') return err('a wildcard needs a name below the zone: *.name')
  const parsed = parseName(rest)
  if (!parsed.ok) return err(parsed.error.message)
  const name = (wild ? `*.${parsed.value}` : parsed.value) as Fqdn
  if (name !== zone && !name.endsWith(`.${zone}`)) return err(`not in the zone ${zone}`)
  return ok(name)
}

function invalid(owner: string, edit: RecordEdit, message: string): ZoneRecordError {
  const type = edit.op === 'delete-name' ? '' : ` ${edit.type}`
  return { code: 'invalid', message: `${owner}${type}: ${message}` }
}

function notServed(zone: Fqdn): ZoneRecordError {
  return { code: 'not-served', message: `${zone} is not a zone this server serves` }
}

/** The actor as history and audit show it. */
export function actorLabel(actor: RecordActor): string {
  return actor.kind === 'key' ? `key:${actor.keyName}` : actor.label
}
