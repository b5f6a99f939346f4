/**
 * The whole-suite log audit: run by `scripts/run-tests.mjs` after the main run (never with
 * it), it reads every dynzone process's output the suite logged and every secret the suite
 * recorded (see test/helpers/artifacts.ts) and fails when any log holds any secret, plain,
 * URL-encoded or inside a base64 Basic header. Failures name the file, line and form, and
 * show the secret masked.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { LOG_DIR, SECRETS_FILE } from '../helpers/artifacts.ts'
import { masked, secretScanner } from '../helpers/secret-scan.ts'

describe('log audit', () => {
  it('finds none of the secrets the suite used in any dynzone output', () => {
    assert.ok(
      existsSync(SECRETS_FILE) && existsSync(LOG_DIR),
      'nothing to audit: run the suite through scripts/run-tests.mjs first',
    )
    const secrets = [...new Set(readFileSync(SECRETS_FILE, 'utf8').split('\n'))].filter(
      (s) => s.length >= 8,
    )
    const logs = readdirSync(LOG_DIR).filter((f) => f.endsWith('.log'))
    assert.ok(secrets.length > 0, 'no secrets were recorded')
    assert.ok(logs.length > 0, 'no process output was logged')
    const scan = secretScanner(secrets)
    const leaks: string[] = []
    let bytes = 0
    for (const file of logs) {
      const text = readFileSync(join(LOG_DIR, file), 'utf8')
      bytes += text.length
      for (const hit of scan(text)) {
        leaks.push(
          `${file}:${String(hit.line)}: ${masked(secrets[hit.secret] ?? '')} (${hit.form})`,
        )
      }
    }
    console.log(
      `log audit: ${String(secrets.length)} secrets, ${String(logs.length)} logs, ${String(Math.round(bytes / 1024))} KiB, ${String(leaks.length)} leaks`,
    )
    assert.deepEqual(leaks.slice(0, 50), [], `${String(leaks.length)} secret(s) in the logs`)
  })
})
