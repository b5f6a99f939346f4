/**
 * The RFC 2136 UPDATE server with TSIG, driven by the real clients: BIND's `nsupdate -k`
 * (UDP and TCP) and Knot's `knsupdate`, read back with `dig`. Unsigned, badly signed and
 * unknown-key updates are refused and change nothing; a key granted only `_acme-challenge`
 * TXT cannot touch A records; a private address in a public zone is refused as over HTTP
 * (one address policy for every writer). Signed AXFR (`dig -k`) over a zone big enough for several
 * messages, allowed by `allow_transfer_keys`, verifies in dig (RFC 8945 §5.3.1).
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBindSecondary } from '../helpers/bind-secondary.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { digShort, run } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `myhost.${ZONE}`
const ACME = `_acme-challenge.${HOST}`
/** Not under a special-use name: under the default policy it takes public addresses only. */
const PUBLIC_ZONE = 'dyn.example.de'
const PUBLIC_HOST = `pub.${PUBLIC_ZONE}`

describe('UPDATE server (RFC 2136 + TSIG) with nsupdate and knsupdate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-update-'))
  const fullKey = join(dir, 'full.key')
  const acmeKey = join(dir, 'acme.key')
  let dynzone: DynzoneProcess
  let port = 0
  let script = 0
  let config = ''

  /** Runs an update script with `program` and `args`; returns exit code and output. */
  async function update(program: string, args: readonly string[], lines: readonly string[]) {
    const file = join(dir, `script-${String(++script)}.txt`)
    writeFileSync(file, [`server 127.0.0.1 ${String(port)}`, ...lines, 'send', ''].join('\n'))
    const r = await run(program, [...args, file])
    return { code: r.code, output: r.stdout + r.stderr }
  }
  const dig = (name: string, type: string): Promise<string[]> =>
    digShort('127.0.0.1', port, name, type, ['+tcp'])
  const secret = (file: string): string =>
    /secret "([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1] ?? ''

  before(async () => {
    for (const [file, name] of [
      [fullKey, 'full-key'],
      [acmeKey, 'acme-key'],
    ] as const) {
      const r = await run('tsig-keygen', ['-a', 'hmac-sha256', name])
      assert.equal(r.code, 0, r.stderr)
      writeFileSync(file, r.stdout)
    }
    port = await freePort()
    config = join(dir, 'dynzone.toml')
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"
[http]
port = 0
[dns]
port = ${String(port)}
allow_transfer_keys = ["full-key"]
[[dns.update_keys]]
name = "full-key"
key_file = "${fullKey}"
grant = [
  { name = "${ZONE}", match = "subdomain" },
  { name = "${PUBLIC_ZONE}", match = "subdomain" },
]
[[dns.update_keys]]
name = "acme-key"
algorithm = "hmac-sha256"
secret_file = "${join(dir, 'acme.secret')}"
grant = [{ name = "_acme-challenge.*.${ZONE}", types = ["TXT"] }]
[[zones]]
name = "${ZONE}"
[[zones]]
name = "${PUBLIC_ZONE}"
`,
    )
    writeFileSync(join(dir, 'acme.secret'), secret(acmeKey) + '\n')
    // A config naming its zones gets no demo: the host the keys update is made here.
    for (const args of [
      ['user', 'add', 'owner'],
      ['host', 'add', HOST, '--user', 'owner'],
    ]) {
      const r = await runDynzone(['--config', config, ...args], dir)
      assert.equal(r.code, 0, r.stderr)
    }
    dynzone = startDynzone(['serve', '--config', config], dir)
    await dynzone.waitFor(/DNS server listening/)
  })

  after(async () => {
    await dynzone.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('nsupdate -k adds A, AAAA and TXT, and dig shows them', async () => {
    const r = await update(
      'nsupdate',
      ['-k', fullKey],
      [
        `update add ${HOST} 60 A 192.0.2.7`,
        `update add ${HOST} 60 AAAA 2001:db8::7`,
        `update add ${HOST} 60 TXT "hello world"`,
      ],
    )
    assert.equal(r.code, 0, r.output)
    assert.deepEqual(await dig(HOST, 'A'), ['192.0.2.7'])
    assert.deepEqual(await dig(HOST, 'AAAA'), ['2001:db8::7'])
    assert.deepEqual(await dig(HOST, 'TXT'), ['"hello world"'])
  })

  it('nsupdate -v (TCP) deletes, and prerequisites are checked', async () => {
    const failed = await update(
      'nsupdate',
      ['-v', '-k', fullKey],
      [`prereq nxrrset ${HOST} A`, `update add ${HOST} 60 A 192.0.2.99`],
    )
    assert.notEqual(failed.code, 0)
    assert.match(failed.output, /YXRRSET/)
    const r = await update(
      'nsupdate',
      ['-v', '-k', fullKey],
      [
        `prereq yxrrset ${HOST} A`,
        `update delete ${HOST} TXT`,
        `update delete ${HOST} AAAA 2001:db8::7`,
      ],
    )
    assert.equal(r.code, 0, r.output)
    assert.deepEqual(await dig(HOST, 'TXT'), [])
    assert.deepEqual(await dig(HOST, 'AAAA'), [])
    assert.deepEqual(await dig(HOST, 'A'), ['192.0.2.7'])
  })

  it('knsupdate replaces the A record and adds an AAAA', async () => {
    const r = await update(
      'knsupdate',
      ['-y', `hmac-sha256:full-key:${secret(fullKey)}`],
      [
        `zone ${ZONE}.`,
        `update delete ${HOST}. A`,
        `update add ${HOST}. 60 A 198.51.100.4`,
        `update add ${HOST}. 60 AAAA 2001:db8::44`,
      ],
    )
    assert.equal(r.code, 0, r.output)
    assert.deepEqual(await dig(HOST, 'A'), ['198.51.100.4'])
    assert.deepEqual(await dig(HOST, 'AAAA'), ['2001:db8::44'])
  })

  it('refuses unsigned, badly signed and unknown-key updates, changing nothing', async () => {
    const change = [`zone ${ZONE}`, `update add ${HOST} 60 A 203.0.113.66`]
    const unsigned = await update('nsupdate', [], change)
    assert.match(unsigned.output, /REFUSED/)
    const wrong = `hmac-sha256:full-key:${Buffer.alloc(32, 7).toString('base64')}`
    const badSig = await update('nsupdate', ['-y', wrong], change)
    assert.match(badSig.output, /NOTAUTH\(BADSIG\)/)
    const badKey = await update('nsupdate', ['-y', wrong.replace('full-key', 'nobody')], change)
    assert.match(badKey.output, /NOTAUTH\(BADKEY\)/)
    assert.deepEqual(await dig(HOST, 'A'), ['198.51.100.4'])
  })

  it('an _acme-challenge key sets TXT there and cannot touch A records', async () => {
    const txt = await update(
      'nsupdate',
      ['-k', acmeKey],
      [`update add ${ACME} 60 TXT "token-one"`, `update add ${ACME} 60 TXT "token-two"`],
    )
    assert.equal(txt.code, 0, txt.output)
    assert.deepEqual((await dig(ACME, 'TXT')).sort(), ['"token-one"', '"token-two"'])
    const a = await update('nsupdate', ['-k', acmeKey], [`update add ${HOST} 60 A 203.0.113.66`])
    assert.match(a.output, /REFUSED/)
    assert.deepEqual(await dig(HOST, 'A'), ['198.51.100.4'])
    const cleanup = await update(
      'nsupdate',
      ['-k', acmeKey],
      [`update delete ${ACME} TXT "token-one"`],
    )
    assert.equal(cleanup.code, 0, cleanup.output)
    assert.deepEqual(await dig(ACME, 'TXT'), ['"token-two"'])
  })

  it('logs every UPDATE it does not apply, once, with key, zone, owner name, type and reason', async () => {
    /** The `DNS UPDATE not applied` lines logged for `name` since `from` (JSON, one a line). */
    const notApplied = (from: number, name: string): Record<string, unknown>[] =>
      dynzone
        .stdout()
        .slice(from)
        .split('\n')
        .filter((l) => l.includes('DNS UPDATE not applied'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.owner === name)
    const cases = [
      // A wildcard owner: a name the acme key is not granted.
      {
        name: `*.${ZONE}`,
        type: 'A',
        rcode: 'REFUSED',
        line: `update add *.${ZONE} 60 A 192.0.2.9`,
      },
      {
        name: 'www.example.org',
        type: 'A',
        rcode: 'NOTZONE',
        line: 'update add www.example.org 60 A 192.0.2.9',
      },
      {
        name: HOST,
        type: 'MX',
        rcode: 'REFUSED',
        line: `update add ${HOST} 60 MX 10 mail.${ZONE}`,
      },
    ]
    for (const c of cases) {
      const from = dynzone.stdout().length
      const r = await update('nsupdate', ['-k', acmeKey], [`zone ${ZONE}`, c.line])
      assert.match(r.output, new RegExp(c.rcode), c.line)
      // The answer is sent after the line is logged; give the pipe a moment all the same.
      for (let i = 0; i < 50 && notApplied(from, c.name).length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      const lines = notApplied(from, c.name)
      assert.equal(lines.length, 1, `${c.line}: ${dynzone.stdout().slice(from)}`)
      const line = lines[0]
      assert.ok(line !== undefined)
      assert.equal(line.key, 'acme-key', c.line)
      assert.equal(line.zone, ZONE, c.line)
      assert.equal(line.type, c.type, c.line)
      assert.equal(line.rcodeName, c.rcode, c.line)
      assert.equal(typeof line.reason, 'string', c.line)
    }
    assert.deepEqual(await dig(`x.${ZONE}`, 'A'), [])
  })

  it('refuses a private address in a public zone, as an HTTP update would, changing nothing', async () => {
    for (const args of [
      ['user', 'add', 'pub', '--password-stdin'],
      ['host', 'add', PUBLIC_HOST, '--user', 'pub'],
    ]) {
      const r = await runDynzone(['--config', config, ...args], dir, { stdin: 'pub password\n' })
      assert.equal(r.code, 0, r.stderr)
    }
    const good = await update(
      'nsupdate',
      ['-k', fullKey],
      [`update add ${PUBLIC_HOST} 60 A 93.184.216.34`],
    )
    assert.equal(good.code, 0, good.output)
    for (const line of [
      `update add ${PUBLIC_HOST} 60 A 10.0.0.1`,
      `update add ${PUBLIC_HOST} 60 AAAA fd00::1`,
      `update add ${PUBLIC_HOST} 60 AAAA 64:ff9b::10.0.0.1`,
    ]) {
      const r = await update('nsupdate', ['-k', fullKey], [`delete ${PUBLIC_HOST} A`, line])
      assert.match(r.output, /REFUSED/, line)
    }
    assert.deepEqual(await dig(PUBLIC_HOST, 'A'), ['93.184.216.34'])
    assert.deepEqual(await dig(PUBLIC_HOST, 'AAAA'), [])
  })

  it('signs every message of an AXFR for a key in allow_transfer_keys', async () => {
    const values = Array.from(
      { length: 300 },
      (_, i) => `update add ${HOST} 60 TXT "${'v'.repeat(90)}${String(i)}"`,
    )
    const r = await update('nsupdate', ['-v', '-k', fullKey], values)
    assert.equal(r.code, 0, r.output)
    const signed = await run('dig', ['-k', fullKey, '@127.0.0.1', '-p', String(port), ZONE, 'AXFR'])
    assert.equal(signed.code, 0, signed.stdout + signed.stderr)
    assert.doesNotMatch(signed.stdout, /failed|tsig verify/i, signed.stdout)
    assert.match(signed.stdout, /XFR size: \d+ records \(messages [2-9]/)
    assert.equal((signed.stdout.match(/\tTXT\t/g) ?? []).length, 300)
    const other = await run('dig', ['-k', acmeKey, '@127.0.0.1', '-p', String(port), ZONE, 'AXFR'])
    assert.match(other.stdout, /Transfer failed/)
    const unsigned = await run('dig', ['@127.0.0.1', '-p', String(port), ZONE, 'AXFR'])
    assert.match(unsigned.stdout, /Transfer failed/)
    // BIND 9.18 refuses RRsets of more than 100 records (max-records-per-type) by default.
    const cleanup = await update('nsupdate', ['-k', fullKey], [`update delete ${HOST} TXT`])
    assert.equal(cleanup.code, 0, cleanup.output)
  })

  it('a BIND secondary with the key transfers the zone (signed SOA query and AXFR)', async () => {
    const key = { name: 'full-key', algorithm: 'hmac-sha256', secret: secret(fullKey) }
    const bind = await startBindSecondary(ZONE, port, key)
    try {
      const deadline = Date.now() + 30_000
      let text = ''
      while (Date.now() < deadline) {
        text = existsSync(bind.zoneFile) ? readFileSync(bind.zoneFile, 'utf8') : ''
        if (/\sSOA\s/.test(text)) break
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      assert.match(text, /\sSOA\s/, `no transfer:\n${bind.log()}`)
      assert.match(bind.log(), /transferred serial \d+: TSIG 'full-key'/)
      assert.doesNotMatch(bind.log(), /tsig verify failure|BADSIG/i)
    } finally {
      await bind.stop()
    }
  })
})
