/**
 * The server pepper: from the config (`security.pepper` / `pepper_file`), else generated once
 * into `<data_dir>/pepper` with mode 0600. Losing it invalidates every token, so it lives
 * beside the database and is backed up with it.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { err, ok, type Result } from '../core/result.ts'
import { Secret } from '../core/auth/secret.ts'

/** Returns the configured pepper or the generated one (creating it on first start). */
export function loadPepper(
  configured: Secret | null,
  dataDir: string,
): Result<{ pepper: Secret; warning?: string }, string> {
  if (configured !== null && configured.reveal() !== '') return ok({ pepper: configured })
  const path = join(dataDir, 'pepper')
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    try {
      const value = readFileSync(path, 'utf8').trim()
      if (value.length < 32) return err(`${path}: pepper file is shorter than 32 characters`)
      const mode = statSync(path).mode & 0o077
      return ok(
        mode === 0
          ? { pepper: new Secret(value) }
          : {
              pepper: new Secret(value),
              warning: `${path} is readable by group or others; chmod 600 it`,
            },
      )
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    const value = randomBytes(32).toString('hex')
    writeFileSync(path, value + '\n', { mode: 0o600, flag: 'wx' })
    chmodSync(path, 0o600)
    return ok({ pepper: new Secret(value) })
  } catch (e) {
    return err(`${path}: ${(e as Error).message}`)
  }
}
