/**
 * The nsupdate script for a change set: `server`, `zone`, per RRset `update delete` then one
 * `update add` per value, and one `send`, so the whole change set is one UPDATE message.
 * Values are validated first and written in zone-file form (absolute names, strings quoted
 * and escaped), so every type reads back as sent and a value is data, never a command.
 */
import type { Fqdn } from '../../core/names.ts'
import type { RecordKey, RecordSet } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { encodeRdata, zoneFileValue } from '../../zone/record-value.ts'

/** Builds the script; `checkOnly` sends an UPDATE whose only content is "the zone exists". */
export function nsupdateScript(
  server: { host: string; port: number },
  zone: Fqdn,
  replace: readonly RecordSet[],
  remove: readonly RecordKey[],
  checkOnly = false,
): Result<string, string> {
  const lines = [`server ${server.host} ${server.port}`, `zone ${zone}.`]
  if (checkOnly) lines.push(`prereq yxdomain ${zone}.`)
  for (const k of remove) lines.push(`update delete ${k.name}. ${k.type}`)
  for (const set of replace) {
    lines.push(`update delete ${set.name}. ${set.type}`)
    for (const value of set.values) {
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(value)) {
        return err(`${set.name} ${set.type}: control character in value`)
      }
      const rdata = encodeRdata(set.type, value)
      const text = rdata.ok ? zoneFileValue(set.type, rdata.value) : err(rdata.error.message)
      if (!text.ok) return err(`${set.name} ${set.type}: ${text.error}`)
      lines.push(`update add ${set.name}. ${set.ttl} ${set.type} ${text.value}`)
    }
  }
  lines.push('send', '')
  return ok(lines.join('\n'))
}
