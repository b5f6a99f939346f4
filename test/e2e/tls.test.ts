/**
 * HTTPS beside HTTP: a certificate made here with openssl, `curl --cacert`, TLS 1.2 as the
 * floor, and certificate rotation on SIGHUP and on file change seen by the next connection,
 * while a broken new pair is refused and the old certificate kept.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { connect, type SecureVersion } from 'node:tls'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, run } from '../helpers/tools.ts'

async function makeCert(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`)
  const key = join(dir, `${name}.key`)
  const r = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    key,
    '-out',
    cert,
  ])
  assert.equal(r.code, 0, r.stderr)
  return { cert, key }
}

/** The CN the server presents to a new connection, or the handshake error. */
function handshake(port: number, maxVersion: SecureVersion = 'TLSv1.3'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      maxVersion,
      // Let the client offer old protocols, so a refusal is the server's.
      ciphers: 'DEFAULT@SECLEVEL=0',
    })
    socket.once('secureConnect', () => {
      const cn = socket.getPeerCertificate().subject.CN
      socket.end()
      resolve(`CN=${String(cn)}`)
    })
    socket.once('error', (e: Error) => {
      resolve(`error: ${e.message}`)
    })
  })
}

/** `openssl s_client` offering only `alpn`; stdin closed, so it ends after the handshake. */
function sClient(port: number, alpn: string): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      ['s_client', '-alpn', alpn, '-connect', `127.0.0.1:${String(port)}`],
      { timeout: 10_000 },
      (_error, stdout, stderr) => {
        resolve(stdout + stderr)
      },
    )
    child.stdin?.end()
  })
}

describe('HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-tls-'))
  let server: DynzoneProcess
  let httpsPort = 0
  let httpPort = 0
  let live = { cert: '', key: '' }
  let first = { cert: '', key: '' }
  let second = { cert: '', key: '' }

  before(async () => {
    first = await makeCert(dir, 'dynzone-one')
    second = await makeCert(dir, 'dynzone-two')
    live = { cert: join(dir, 'fullchain.pem'), key: join(dir, 'privkey.pem') }
    copyFileSync(first.cert, live.cert)
    copyFileSync(first.key, live.key)
    server = startDynzone(
      [
        'serve',
        '--set',
        'http.port=0',
        '--set',
        'dns.port=0',
        '--set',
        'https.enabled=true',
        '--set',
        'https.port=0',
        '--set',
        `https.cert=${live.cert}`,
        '--set',
        `https.key=${live.key}`,
        '--log-level',
        'debug',
      ],
      dir,
    )
    const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+), HTTPS on 127\.0\.0\.1:(\d+)/)
    httpPort = Number(m[1])
    httpsPort = Number(m[2])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the update API over HTTPS with the configured certificate, and HTTP beside it', async () => {
    const secure = await curl([
      '--cacert',
      first.cert,
      `https://127.0.0.1:${String(httpsPort)}/checkip`,
    ])
    assert.equal(secure.status, 200)
    assert.equal(secure.body, '127.0.0.1')
    const wrongCa = await run('curl', [
      '-sS',
      '--cacert',
      second.cert,
      `https://127.0.0.1:${String(httpsPort)}/checkip`,
    ])
    assert.notEqual(wrongCa.code, 0)
    assert.equal((await curl([`http://127.0.0.1:${String(httpPort)}/checkip`])).body, '127.0.0.1')
  })

  it('serves clients that offer only ALPN http/1.0, and those that offer no ALPN', async () => {
    const url = `https://127.0.0.1:${String(httpsPort)}/checkip`
    for (const flag of ['--http1.0', '--http1.1', '--no-alpn']) {
      const r = await curl(['--cacert', first.cert, flag, url])
      assert.equal(`${flag} ${String(r.status)} ${r.body}`, `${flag} 200 127.0.0.1`)
    }
    assert.match(await sClient(httpsPort, 'http/1.0'), /ALPN protocol: http\/1\.0/)
  })

  it('logs a refused handshake at debug level with the reason', async () => {
    assert.doesNotMatch(await sClient(httpsPort, 'h2'), /ALPN protocol: h2/)
    const line = await server.waitFor(/^.*NO_APPLICATION_PROTOCOL.*TLS handshake refused.*$/m)
    const logged = JSON.parse(line[0]) as Record<string, unknown>
    assert.equal(logged.level, 20)
    assert.equal(logged.client, '127.0.0.1')
    assert.equal(logged.code, 'ERR_SSL_NO_APPLICATION_PROTOCOL')
    assert.match(String(logged.reason), /no application protocol/)
  })

  it('refuses TLS 1.1 and accepts TLS 1.2', async () => {
    assert.equal(await handshake(httpsPort, 'TLSv1.2'), 'CN=dynzone-one')
    assert.match(
      await handshake(httpsPort, 'TLSv1.1'),
      /^error: .*(protocol version|unsupported protocol|no protocols available)/i,
    )
  })

  it('rotates the certificate on SIGHUP without a restart', async () => {
    copyFileSync(second.cert, live.cert)
    copyFileSync(second.key, live.key)
    server.child.kill('SIGHUP')
    await server.waitFor(/"reason":"SIGHUP".*certificate reloaded/)
    assert.equal(await handshake(httpsPort), 'CN=dynzone-two')
  })

  it('keeps the current certificate when the new files are broken', async () => {
    writeFileSync(live.cert, '-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n')
    server.child.kill('SIGHUP')
    await server.waitFor(/certificate reload refused; keeping the current one/)
    assert.equal(await handshake(httpsPort), 'CN=dynzone-two')
  })

  it('picks up renewed files by itself (certbot/acme.sh renewals)', async () => {
    copyFileSync(first.cert, live.cert)
    copyFileSync(first.key, live.key)
    const until = Date.now() + 15_000
    let cn = ''
    while (Date.now() < until && cn !== 'CN=dynzone-one') {
      await new Promise((r) => setTimeout(r, 250))
      cn = await handshake(httpsPort)
    }
    assert.equal(cn, 'CN=dynzone-one')
  })

  it('fails to start with the reason when the certificate is missing', async () => {
    const other = mkdtempSync(join(tmpdir(), 'dynzone-tls-missing-'))
    try {
      const r = await runDynzone(
        [
          'serve',
          '--set',
          'http.port=0',
          '--set',
          'dns.port=0',
          '--set',
          'https.enabled=true',
          '--set',
          'https.cert=/nonexistent/fullchain.pem',
          '--set',
          `https.key=${live.key}`,
        ],
        other,
      )
      assert.equal(r.code, 69)
      assert.match(r.stderr, /https: cannot read \/nonexistent\/fullchain\.pem: ENOENT/)
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })
})
