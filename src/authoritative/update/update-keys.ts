/**
 * Builds the server's TSIG key ring from `[[dns.update_keys]]`: inline secrets as they are,
 * `key_file`s read once at start and parsed as BIND key files (`tsig-keygen` output). Errors
 * name the key and the file, never the secret.
 */
import { err, ok, type Result } from '../../core/result.ts'
import type { UpdateKey } from './update-server.ts'
import { parseKeyFile } from '../../dns/tsig-keyfile.ts'
import type { TsigAlgorithm, TsigKey } from '../../dns/tsig.ts'
import type { Secret } from '../../core/auth/secret.ts'
import type { UpdateGrant } from '../../core/update/update-policy.ts'

/** One `[[dns.update_keys]]` table as the config holds it. */
export interface UpdateKeySetting {
  readonly name: string
  readonly algorithm: TsigAlgorithm
  readonly secret: Secret | null
  readonly key_file: string
  readonly grant: readonly UpdateGrant[]
}

/** Reads a file's text; injected so tests need no files. */
export type ReadText = (path: string) => string

/** The key ring by lowercase key name (transfer keys checked against it), or the first problem. */
export function buildUpdateKeys(
  configs: readonly UpdateKeySetting[],
  transferKeys: readonly string[],
  readText: ReadText,
): Result<Map<string, UpdateKey>, string> {
  const keys = new Map<string, UpdateKey>()
  for (const c of configs) {
    const name = c.name.toLowerCase().replace(/\.$/, '')
    let key: TsigKey
    if (c.secret !== null) {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(c.secret.reveal())) {
        return err(`dns.update_keys "${name}": secret is not base64 (value not shown)`)
      }
      key = { name, algorithm: c.algorithm, secret: c.secret }
    } else {
      let text: string
      try {
        text = readText(c.key_file)
      } catch (e) {
        return err(
          `dns.update_keys "${name}": cannot read key_file ${c.key_file}: ${(e as Error).message}`,
        )
      }
      const parsed = parseKeyFile(text, c.key_file)
      if (!parsed.ok) return err(`dns.update_keys "${name}": ${parsed.error.message}`)
      const found = parsed.value.find((k) => k.name === name)
      if (found === undefined) {
        return err(`dns.update_keys "${name}": ${c.key_file} has no key "${name}"`)
      }
      key = found
    }
    keys.set(name, { key, principal: { keyName: name, grants: c.grant } })
  }
  const unknown = transferKeys.find((k) => !keys.has(k.toLowerCase().replace(/\.$/, '')))
  if (unknown !== undefined) {
    return err(`dns.allow_transfer_keys: no [[dns.update_keys]] named "${unknown}"`)
  }
  return ok(keys)
}
