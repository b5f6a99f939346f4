/** The real command-line tools tests use as oracles: curl and dig. */
import { execFile } from 'node:child_process'

/** Runs a program with a timeout; never rejects (the exit code is returned). */
export function run(
  file: string,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

/** `dig +short` against a server; returns the answer lines. */
export async function digShort(
  server: string,
  port: number,
  name: string,
  type = 'A',
  extra: readonly string[] = [],
): Promise<string[]> {
  const r = await run('dig', [
    `@${server}`,
    '-p',
    String(port),
    name,
    type,
    '+short',
    '+time=2',
    '+tries=1',
    ...extra,
  ])
  if (r.code !== 0) throw new Error(`dig failed (${String(r.code)}): ${r.stdout}${r.stderr}`)
  return r.stdout.split('\n').filter((l) => l.trim() !== '')
}

/** curl with status code appended on its own last line; returns status and body. */
export async function curl(
  args: readonly string[],
): Promise<{ status: number; body: string; headers: string }> {
  const r = await run('curl', ['-s', '-S', '-D', '-', '-w', '\n%{http_code}', ...args])
  if (r.code !== 0) throw new Error(`curl failed (${String(r.code)}): ${r.stderr}`)
  const lines = r.stdout.split('\n')
  const status = Number(lines.pop())
  const text = lines.join('\n')
  const split = text.indexOf('\r\n\r\n')
  return { status, headers: text.slice(0, split), body: text.slice(split + 4) }
}
