/**
 * End to end through a real BIND: a zone on `backend = "rfc2136"`, a DynDNS2 update with curl,
 * and `dig @named` shows the new address (published by a TSIG-signed RFC 2136 UPDATE).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBind, type BindServer } from '../helpers/bind.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const KEY = {
  name: 'dynzone',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 5).toString('base64'),
}

describe('dynzone publishing into BIND over RFC 2136', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-rfc2136-'))
  let bind: BindServer
  let server: DynzoneProcess | undefined
  let token = ''
  let http = ''

  before(async () => {
    bind = await startBind([KEY], [{ name: ZONE, keys: [KEY.name] }])
    writeFileSync(
      join(dir, 'dynzone.key'),
      `key "${KEY.name}" { algorithm hmac-sha256; secret "${KEY.secret}"; };\n`,
    )
    writeFileSync(
      join(dir, 'dynzone.toml'),
      [
        `data_dir = "${join(dir, 'data')}"`,
        '[[zones]]',
        `name = "${ZONE}"`,
        'backend = "rfc2136"',
        '[zones.rfc2136]',
        'server = "127.0.0.1"',
        `port = ${bind.port}`,
        `key_file = "${join(dir, 'dynzone.key')}"`,
        '',
      ].join('\n'),
    )
    const user = await runDynzone(['user', 'add', 'alice', '--password-stdin'], dir, {
      stdin: 'correct horse battery\n',
    })
    assert.equal(user.code, 0, user.stderr)
    const host = await runDynzone(['host', 'add', `home.${ZONE}`, '--user', 'alice'], dir)
    assert.equal(host.code, 0, host.stderr)
    const created = await runDynzone(
      ['token', 'create', '--user', 'alice', '--host', `home.${ZONE}`],
      dir,
    )
    assert.equal(created.code, 0, created.stderr)
    token = /\b[a-z2-7]{32}\b/.exec(created.stdout)?.[0] ?? ''
    assert.notEqual(token, '', created.stdout)
    server = startDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
    const listening = await server.waitFor(/HTTP on (\S+?:\d+)/)
    http = `http://${listening[1] ?? ''}`
  })
  after(async () => {
    await server?.stop()
    await bind.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers good to a DynDNS2 update and BIND serves the address', async () => {
    const r = await curl([
      '-u',
      `alice:${token}`,
      `${http}/nic/update?hostname=home.${ZONE}&myip=203.0.113.77`,
    ])
    assert.equal(r.body, 'good 203.0.113.77')
    assert.deepEqual(await digShort('127.0.0.1', bind.port, `home.${ZONE}`), ['203.0.113.77'])
  })

  it('answers nochg to the same update and BIND still serves it', async () => {
    const r = await curl([
      '-u',
      `alice:${token}`,
      `${http}/nic/update?hostname=home.${ZONE}&myip=203.0.113.77`,
    ])
    assert.equal(r.body, 'nochg 203.0.113.77')
    assert.deepEqual(await digShort('127.0.0.1', bind.port, `home.${ZONE}`), ['203.0.113.77'])
  })
})
