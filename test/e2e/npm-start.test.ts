/**
 * `npm start` (the README's first line) stops on one signal: SIGTERM to the npm process alone
 * (a supervisor, `kill`), or SIGINT to its whole process group (Ctrl-C in a terminal). Every
 * process it started is gone afterwards and the ports are free; a child left running would
 * hold them and answer with a server nobody controls.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { freePort, portFree } from '../helpers/free-port.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Every descendant of `pid` now (from /proc), children before grandchildren. */
function descendants(pid: number): number[] {
  const found: number[] = []
  const queue = [pid]
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    let tasks: string[] = []
    try {
      tasks = readdirSync(`/proc/${String(next)}/task`)
    } catch {
      continue
    }
    for (const task of tasks) {
      let children = ''
      try {
        children = readFileSync(`/proc/${String(next)}/task/${task}/children`, 'utf8')
      } catch {
        continue
      }
      for (const child of children.split(' ').filter((c) => c !== '')) {
        found.push(Number(child))
        queue.push(Number(child))
      }
    }
  }
  return found
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Runs `npm start` on free ports with its state in `dir`; resolves once it serves. */
async function npmStart(dir: string) {
  const [httpPort, dnsPort] = [await freePort(), await freePort()]
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      DYNZONE_DATA_DIR: dir,
      DYNZONE_HTTP_PORT: String(httpPort),
      DYNZONE_DNS_PORT: String(dnsPort),
      DYNZONE_DEMO_ENABLED: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`npm start did not serve:\n${output}`))
    }, 60_000)
    const check = (d: Buffer): void => {
      output += d.toString()
      if (/dynzone: HTTP on/.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', check)
    child.stderr.on('data', check)
  })
  const pid = child.pid ?? 0
  return { pid, httpPort, dnsPort, exited, started: descendants(pid), output: () => output }
}

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-npm-start-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const stopsOn = (how: string, signal: (pid: number) => void): void => {
    it(`stops everything on ${how}`, async () => {
      const run = await npmStart(dir)
      try {
        assert.ok(run.started.length > 0, 'npm started no process')
        signal(run.pid)
        await run.exited
        for (let waited = 0; run.started.some(alive); waited += 100) {
          assert.ok(waited < 15_000, `left running: ${run.started.filter(alive).join(' ')}`)
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        assert.ok(await portFree(run.httpPort), 'the HTTP port is still held')
        assert.ok(await portFree(run.dnsPort), 'the DNS port is still held')
      } finally {
        for (const pid of [run.pid, ...run.started].filter(alive)) process.kill(pid, 'SIGKILL')
      }
    })
  }
  stopsOn('one SIGTERM to npm', (pid) => process.kill(pid, 'SIGTERM'))
  stopsOn('Ctrl-C (SIGINT to the process group)', (pid) => process.kill(-pid, 'SIGINT'))
})
