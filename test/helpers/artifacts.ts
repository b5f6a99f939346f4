/**
 * What the whole-suite log audit reads (`test/audit/log-audit.test.ts`): every dynzone
 * process's output under `test-artifacts/logs/`, and every secret a test made or handed to
 * dynzone in `test-artifacts/secrets.txt`, one per line. The audit runs after the suite and
 * fails when any logged line holds any recorded secret.
 *
 * Secrets are gathered where they pass through the helpers (passwords on stdin, created
 * tokens, `--set`/environment secrets, config-file secrets, the generated pepper); a test
 * that makes a secret some other way calls `recordSecret` itself.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The artifacts folder at the repository root (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
/** Where the process logs go. */
export const LOG_DIR = join(ARTIFACTS, 'logs')
/** The recorded secrets, one per line. */
export const SECRETS_FILE = join(ARTIFACTS, 'secrets.txt')

// Anything shorter would match by accident (a password "x" is in every line).
const MIN_SECRET_LENGTH = 8
let counter = 0

/** A fresh log file path for one process of this test file. */
export function nextLogFile(): string {
  mkdirSync(LOG_DIR, { recursive: true })
  counter++
  return join(LOG_DIR, `${String(process.pid)}-${String(counter)}.log`)
}

/** Appends process output to `file`; never fails a test over it. */
export function appendLog(file: string, text: string): void {
  try {
    appendFileSync(file, text)
  } catch {
    // The audit then finds fewer lines, not a false failure.
  }
}

/** Records secrets the audit must never find in a log. */
export function recordSecret(...secrets: readonly string[]): void {
  const lines = secrets
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_SECRET_LENGTH && !s.includes('\n'))
  if (lines.length === 0) return
  mkdirSync(ARTIFACTS, { recursive: true })
  appendFileSync(SECRETS_FILE, lines.map((s) => s + '\n').join(''))
}

// Keys naming a secret value (not `key`: `https.key` is a path, and paths are logged).
const SECRET_KEY = /(secret|password|pepper|api_key|token)$/i
const TOML_SECRET = /^\s*(?:secret|password|pepper|api_key|api_token|token)\s*=\s*"([^"]+)"/gim
const JSON_SECRET = /"secret"\s*:\s*"([^"]+)"/g
const TEXT_TOKEN = /^token \d+ for [^\n]*:\n(\S+)\n/gm

/** Secrets in the arguments and environment given to dynzone (`--set security.pepper=…`). */
export function secretsInInput(args: readonly string[], env: Record<string, string>): string[] {
  const found: string[] = []
  for (const a of args) {
    const m = /^([\w.[\]-]+)=(.+)$/.exec(a)
    if (m !== null && SECRET_KEY.test(m[1] ?? '')) found.push(m[2] ?? '')
  }
  for (const [k, v] of Object.entries(env))
    if (/SECRET|PASSWORD|PEPPER|TOKEN|API_KEY/.test(k) && !k.endsWith('_FILE')) found.push(v)
  return found
}

/** Secrets in the config file (`--config` or `cwd`'s) and the pepper generated beside it. */
export function secretsInDir(cwd: string, args: readonly string[] = []): string[] {
  const found: string[] = []
  const config = args[args.indexOf('--config') + 1]
  const files = ['dynzone.toml', 'data/pepper']
  if (args.includes('--config') && config !== undefined) files.push(config)
  for (const file of files) {
    const path = resolve(cwd, file)
    if (!existsSync(path)) continue
    try {
      const text = readFileSync(path, 'utf8')
      if (file.endsWith('pepper')) found.push(text)
      else for (const m of text.matchAll(TOML_SECRET)) found.push(m[1] ?? '')
    } catch {
      // Unreadable: nothing to record.
    }
  }
  return found
}

/** Secrets a CLI command printed on purpose (a created token, shown once). */
export function secretsInOutput(stdout: string): string[] {
  return [...stdout.matchAll(JSON_SECRET), ...stdout.matchAll(TEXT_TOKEN)].map((m) => m[1] ?? '')
}
