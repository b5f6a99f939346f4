/**
 * dynzone as operators install it (README, Deployment: Installing): `npm pack`, then the
 * README's `npm install -g` line, run as written (the prefix, a temporary folder, comes from
 * the environment), and that installed `dynzone` — the compiled program with its runtime
 * dependencies, no tsx, no TypeScript — runs `init`, `user add`, `host add`, `token create`
 * (a config naming its zones gets no demo), `serve` on free ports with a DNS worker process,
 * a DynDNS2 update with curl that dig then reads (over UDP: from the worker), the web login
 * page and its stylesheet, and stops on one SIGTERM with exit code 0, its ports free again.
 * The Dockerfile builds with the same lines.
 *
 * One install per run. It reads the dependencies from npm's cache where it can
 * (`prefer-offline`; the registry otherwise) and compiles better-sqlite3 where no prebuilt
 * binary can be downloaded: that takes minutes on a busy machine.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runDynzone, startDynzone } from '../helpers/dynzone-process.ts'
import { freePort, portFree } from '../helpers/free-port.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
// Each of the two npm commands; both, and the whole file, fit the test runner's 20 min per
// file (scripts/run-tests.mjs), so a hung npm names itself here first.
const INSTALL_TIMEOUT_MS = 8 * 60_000

/** The README's install lines: `npm ci && npm pack`, then the global install. */
function readmeCommands(): { pack: string; install: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const block = /- \*\*Installing\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  const lines = block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  assert.equal(lines.length, 2, `README's install block: ${block}`)
  return { pack: lines[0] ?? '', install: lines[1] ?? '' }
}

/** Runs `sh -c line` in `cwd`; resolves with the exit code and all output. */
function sh(
  line: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', line], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe('installed with npm pack and npm install -g', { timeout: INSTALL_TIMEOUT_MS * 2 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-install-'))
  const prefix = join(dir, 'prefix')
  const work = join(dir, 'work')
  const dynzone = [join(prefix, 'bin', 'dynzone')]
  const installed = join(prefix, 'lib', 'node_modules', 'dynzone')
  const commands = readmeCommands()

  before(
    async () => {
      mkdirSync(work)
      // `npm ci` is this checkout's own install, already done; `npm pack` builds dist/.
      assert.equal(commands.pack, 'npm ci && npm pack')
      const packed = await sh('npm pack', ROOT, { npm_config_pack_destination: dir })
      assert.equal(packed.code, 0, packed.output)
      const install = await sh(commands.install, dir, {
        npm_config_prefix: prefix,
        npm_config_prefer_offline: 'true',
      })
      assert.equal(install.code, 0, install.output)
    },
    { timeout: INSTALL_TIMEOUT_MS * 2 },
  )
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('installs the compiled program, its assets and built native modules, no dev tools', () => {
    assert.match(commands.install, /^npm install -g .*\.\/dynzone-\*\.tgz$/)
    assert.ok(existsSync(dynzone[0] ?? ''), 'no bin/dynzone in the prefix')
    assert.ok(existsSync(join(installed, 'dist', 'web', 'assets', 'web.css')))
    assert.ok(existsSync(join(installed, 'dist', 'web', 'assets', 'web.js')))
    const modules = join(installed, 'node_modules')
    assert.ok(
      existsSync(join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')),
    )
    for (const dev of ['tsx', 'typescript', 'eslint'])
      assert.ok(!existsSync(join(modules, dev)), `${dev} was installed`)
  })

  it('the Dockerfile builds with the README lines', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    assert.match(dockerfile, new RegExp(`^RUN ${escape(commands.pack)}$`, 'm'))
    assert.match(dockerfile, new RegExp(`^RUN ${escape(commands.install)}$`, 'm'))
    assert.match(dockerfile, /^ENTRYPOINT \["dynzone"\]$/m)
  })

  it('init, a user, host and token, serve, an update read back with dig, the login page, and one SIGTERM', async () => {
    const init = await runDynzone(['init', 'dynzone.toml'], work, { program: dynzone })
    assert.equal(init.code, 0, init.stderr)
    // The operator's first steps (a config naming its zones gets no demo): README, Deployment.
    const cli = async (args: string[], stdin?: string) => {
      const r = await runDynzone(['--config', 'dynzone.toml', ...args], work, {
        program: dynzone,
        ...(stdin === undefined ? {} : { stdin }),
      })
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    await cli(['user', 'add', 'alice', '--admin', '--password-stdin'], 'alice first password\n')
    await cli(['host', 'add', HOST, '--user', 'alice'])
    const { secret } = JSON.parse(
      await cli(['token', 'create', '--user', 'alice', '--host', HOST, '--json']),
    ) as { secret: string }
    const [httpPort, dnsPort] = [await freePort(), await freePort()]
    const server = startDynzone(
      [
        '--config',
        'dynzone.toml',
        'serve',
        '--http-port',
        String(httpPort),
        '--dns-port',
        String(dnsPort),
        // A DNS worker answers dig's UDP query: its entry (dist/dns-worker-main.js) ships.
        '--set',
        'dns.workers=1',
      ],
      work,
      {},
      dynzone,
    )
    try {
      await server.waitFor(/HTTP on 127\.0\.0\.1:\d+, DNS on/)
      const base = `http://127.0.0.1:${String(httpPort)}`
      const url = `${base}/nic/update?hostname=${HOST}&myip=203.0.113.10`
      const r = await curl(['-u', `alice:${secret}`, url])
      assert.equal(r.body, 'good 203.0.113.10')
      assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST), ['203.0.113.10'])
      const login = await curl([`http://127.0.0.1:${String(httpPort)}/login`])
      assert.equal(login.status, 200)
      assert.match(login.body, /<form[^>]+action="\/login"/)
      const css = await curl([`http://127.0.0.1:${String(httpPort)}/static/web.css`])
      assert.equal(css.status, 200)
      assert.equal(css.body, readFileSync(join(ROOT, 'src', 'web', 'assets', 'web.css'), 'utf8'))
    } finally {
      const started = performance.now()
      server.child.kill('SIGTERM')
      assert.equal(await server.exited, 0, server.stderr())
      // One SIGTERM is enough: nothing pends here, so no drain should take long.
      assert.ok(performance.now() - started < 15_000, 'one SIGTERM did not stop it promptly')
    }
    assert.ok(await portFree(httpPort), 'the HTTP port is still held after the exit')
    assert.ok(await portFree(dnsPort), 'the DNS port is still held after the exit')
  })
})

/** In the zone `dynzone init` writes. */
const HOST = 'home.dyn.example.test'

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
