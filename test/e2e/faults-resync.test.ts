/**
 * Drift made behind dynzone's back with `nsupdate`, repaired by `dynzone zone resync` (the
 * CLI files the request, the running server does it and reports back); and the start-up
 * check refusing to serve with a key BIND does not accept.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { digShort } from '../helpers/tools.ts'
import {
  HOSTS,
  KEY,
  prepareDynzone,
  RestartableBind,
  serveDynzone,
  update,
  ZONE,
} from './faults-setup.ts'

/** Runs nsupdate with our TSIG key and `script`; rejects on failure. */
function nsupdate(port: number, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'nsupdate',
      ['-y', `${KEY.algorithm}:${KEY.name}:${KEY.secret}`],
      { timeout: 10_000 },
      (error, _out, stderr) => {
        if (error === null) resolve()
        else reject(new Error(`nsupdate failed: ${stderr}`))
      },
    )
    child.stdin?.end(`server 127.0.0.1 ${String(port)}\nzone ${ZONE}\n${script}\nsend\n`)
  })
}

describe('zone resync and start-up checks against a real BIND', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-resync-'))
  let bind: RestartableBind
  let server: DynzoneProcess | undefined
  let http = ''
  let token = ''

  before(async () => {
    bind = await RestartableBind.start()
    token = await prepareDynzone(dir, bind.port)
    ;({ server, http } = await serveDynzone(dir))
  })
  after(async () => {
    await server?.stop()
    await bind.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('repairs drift on `dynzone zone resync` and leaves unmanaged names alone', async () => {
    const [h1, h2] = HOSTS
    assert.equal(await update(http, token, `hostname=${h1 ?? ''}&myip=203.0.113.1`), 'good')
    await nsupdate(
      bind.port,
      [
        `update delete ${h1 ?? ''} A`,
        `update add ${h1 ?? ''} 60 A 192.0.2.250`,
        `update add ${h2 ?? ''} 60 AAAA 2001:db8::bad`,
        `update add manual.${ZONE} 60 A 192.0.2.77`,
      ].join('\n'),
    )
    assert.deepEqual(await digShort('127.0.0.1', bind.port, h1 ?? ''), ['192.0.2.250'])
    const r = await runDynzone(['zone', 'resync', ZONE, '--timeout', '20'], dir)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /dyn\.example\.test: repaired 2 RRsets at serial \d+:/)
    assert.match(r.stdout, /h1\.dyn\.example\.test A \(different\)/)
    assert.match(r.stdout, /h2\.dyn\.example\.test AAAA \(extra\)/)
    assert.deepEqual(await digShort('127.0.0.1', bind.port, h1 ?? ''), ['203.0.113.1'])
    assert.deepEqual(await digShort('127.0.0.1', bind.port, h2 ?? '', 'AAAA'), [])
    assert.deepEqual(await digShort('127.0.0.1', bind.port, `manual.${ZONE}`), ['192.0.2.77'])
    assert.deepEqual(await digShort('127.0.0.1', bind.port, `ns1.${ZONE}`), ['192.0.2.53'])
    const list = await runDynzone(['zone', 'list', '--json'], dir)
    assert.equal(list.code, 0, list.stderr)
    type Row = { name: string; backend: string; resync: { report: string } }
    const row = (JSON.parse(list.stdout) as Row[]).at(0)
    assert.equal(row?.name, ZONE)
    assert.equal(row.backend, 'rfc2136')
    assert.match(row.resync.report, /^repaired 2 RRsets/)
    // A second resync finds nothing.
    const again = await runDynzone(['zone', 'resync'], dir)
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /dyn\.example\.test: in sync at serial \d+/)
  })

  it('refuses an unknown zone, and reports when no server answers', async () => {
    const unknown = await runDynzone(['zone', 'resync', 'nope.example.test'], dir)
    assert.equal(unknown.code, 66)
    assert.match(unknown.stderr, /zone nope\.example\.test is not served/)
    await server?.stop()
    server = undefined
    const alone = await runDynzone(['zone', 'resync', '--timeout', '2'], dir)
    assert.equal(alone.code, 69)
    assert.match(alone.stderr, /no running server answered the resync of dyn\.example\.test/)
  })

  it('does not start when BIND refuses the TSIG key, and says why', async () => {
    const keyFile = join(dir, 'dynzone.key')
    const good = readFileSync(keyFile, 'utf8')
    writeFileSync(keyFile, good.replace(KEY.secret, Buffer.alloc(32, 1).toString('base64')))
    try {
      const r = await runDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
      assert.equal(r.code, 69, r.stdout + r.stderr)
      assert.match(
        r.stderr,
        /^dynzone: zone dyn\.example\.test: rfc2136 backend: 127\.0\.0\.1:\d+: the server rejected our key "dynzone": BADSIG$/m,
      )
    } finally {
      writeFileSync(keyFile, good)
    }
  })

  it('does not start when BIND is down, and says where it tried', async () => {
    await bind.kill()
    const r = await runDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
    assert.equal(r.code, 69, r.stdout + r.stderr)
    assert.match(
      r.stderr,
      new RegExp(
        `^dynzone: zone dyn\\.example\\.test: rfc2136 backend: 127\\.0\\.0\\.1:${String(bind.port)}: .*ECONNREFUSED`,
        'm',
      ),
    )
    assert.doesNotMatch(r.stderr, /HTTP on/)
    await bind.restart()
  })
})
