/**
 * The static-records port of UPDATE over core's `ZoneRecordService`: reads the static RRsets
 * at a request's names, and writes the RRsets an UPDATE changed as the key (`replace` or
 * `delete` per RRset), so the service's rules, ownership, history and publishing apply.
 */
import type { Fqdn } from '../names.ts'
import { err, ok } from '../result.ts'
import type { RecordEdit } from '../zone-records/zone-record-types.ts'
import type { ZoneRecordService } from '../zone-records/zone-record-service.ts'
import type { StaticRecordPort } from './static-records.ts'
import type { NameRRsets } from './zone-changes.ts'

/** UPDATE's static records, kept by `service`. */
export function zoneRecordPort(
  service: Pick<ZoneRecordService, 'list' | 'apply'>,
): StaticRecordPort {
  return {
    async read(zone, names) {
      const out = new Map<Fqdn, NameRRsets>()
      for (const name of new Set(names)) {
        const sets = await service.list(zone, { name })
        if (!sets.ok) continue
        const rrsets: NameRRsets = new Map()
        for (const s of sets.value) rrsets.set(s.type, { ttl: s.ttl, values: [...s.values] })
        if (rrsets.size > 0) out.set(name, rrsets)
      }
      return out
    },
    async write(keyName, zone, edits, context) {
      const planned: RecordEdit[] = edits.map((e) =>
        e.next === undefined
          ? { op: 'delete', name: e.name, type: e.type }
          : { op: 'replace', name: e.name, type: e.type, ttl: e.next.ttl, values: e.next.values },
      )
      const applied = await service.apply({ kind: 'key', keyName }, zone, planned, {
        context: { door: 'update', clientIp: context.clientIp },
      })
      return applied.ok ? ok(undefined) : err(applied.error)
    },
  }
}
