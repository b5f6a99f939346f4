/** A conformance oracle that asks a real DNS server with `dig`, one query per RRset. */
import type { RecordKey, RecordSet } from '../../src/core/records.ts'
import { parseZoneLines } from '../helpers/zone-lines.ts'
import { run } from '../helpers/tools.ts'

/**
 * The RRsets at `keys` as `server:port` answers them (authoritative answers only; a
 * delegation's NS RRset is read from the referral's authority section).
 */
export async function digRecordSets(
  server: string,
  port: number,
  keys: readonly RecordKey[],
): Promise<RecordSet[]> {
  const out: RecordSet[] = []
  for (const key of keys) {
    const r = await run('dig', [
      `@${server}`,
      '-p',
      String(port),
      key.name,
      key.type,
      '+noall',
      '+answer',
      ...(key.type === 'NS' ? ['+authority'] : []),
      '+norecurse',
      '+time=2',
      '+tries=2',
    ])
    if (r.code !== 0) throw new Error(`dig ${key.name} ${key.type} failed: ${r.stdout}${r.stderr}`)
    const seen = new Set<string>()
    const lines = parseZoneLines(r.stdout.replace(/\t+/g, ' ')).filter(
      (l) => l.name === key.name && l.type === key.type && !seen.has(l.value) && seen.add(l.value),
    )
    const first = lines[0]
    if (first === undefined) continue
    out.push({
      name: key.name,
      type: key.type,
      ttl: first.ttl,
      values: lines.map((l) => l.value),
    })
  }
  return out
}
