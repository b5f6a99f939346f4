/**
 * Log targets as an operator uses them: a size-rotated file with per-request lines (route
 * patterns, never URLs or secrets), syslog over UDP through util-linux `logger`, each line with
 * its severity, stdout with nothing but JSON lines (the banner is on stderr) and SIGHUP naming
 * the exact keys that need a restart, and the pretty format for a terminal.
 */
import { createSocket } from 'node:dgram'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runDynzone, startDynzone } from '../helpers/dynzone-process.ts'
import { curl } from '../helpers/tools.ts'

const PORTS = ['--set', 'http.port=0', '--set', 'dns.port=0']
// Start-up on a busy CI machine.
const SLOW = 120_000

describe('log targets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-logs-'))
  mkdirSync(join(dir, 'file'))
  mkdirSync(join(dir, 'syslog'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes a rotated log file with request lines and no secrets', async () => {
    const logs = join(dir, 'logs')
    const server = startDynzone(
      [
        'serve',
        ...PORTS,
        '--set',
        'log.target=file',
        '--set',
        `log.file=${join(logs, 'dynzone.log')}`,
        '--set',
        'log.file_max_size=2k',
        '--set',
        'log.file_keep=3',
        '--set',
        'log.requests=true',
      ],
      join(dir, 'file'),
    )
    let token = ''
    try {
      const m = await server.waitFor(/Update it:\s+curl -u demo:(\S+) '(http:\/\/[^/]+)([^']+)'/)
      token = m[1] ?? ''
      for (let i = 0; i < 40; i++) {
        const r = await curl([
          `${m[2] ?? ''}/nic/update?hostname=myhost.dyn.example.test&myip=203.0.113.${String(i + 1)}&username=demo&password=${token}`,
        ])
        assert.equal(r.body, `good 203.0.113.${String(i + 1)}`)
      }
    } finally {
      await server.stop()
    }
    assert.equal(await server.exited, 0)
    const files = readdirSync(logs).filter((f) => f.startsWith('dynzone.'))
    assert.ok(files.length >= 2, `expected rotation, got ${files.join(', ')}`)
    assert.ok(files.length <= 4, `expected at most keep+1 files, got ${files.join(', ')}`)
    const text = files.map((f) => readFileSync(join(logs, f), 'utf8')).join('')
    assert.match(text, /"method":"GET","route":"\/nic\/update","status":200/)
    assert.match(text, /"msg":"update"/)
    assert.ok(token.length === 32 && !text.includes(token), 'the token must not reach the log file')
    assert.ok(!text.includes('password='), 'request URLs must not be logged')
    assert.equal(
      server.stdout().includes('"msg":"update"'),
      false,
      'logs go to the file, not stdout',
    )
  })

  it('sends syslog over UDP with the severity of each line', async () => {
    const socket = createSocket('udp4')
    const received: string[] = []
    socket.on('message', (msg) => received.push(msg.toString()))
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    const port = socket.address().port
    const server = startDynzone(
      [
        'serve',
        ...PORTS,
        '--set',
        'log.target=syslog',
        '--set',
        `log.syslog_server=127.0.0.1:${String(port)}`,
      ],
      join(dir, 'syslog'),
    )
    try {
      await server.waitFor(/HTTP on/)
      const until = Date.now() + 10_000
      while (Date.now() < until && !received.some((m) => m.includes('"msg":"started"'))) {
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      await server.stop()
      socket.close()
    }
    const started = received.find((m) => m.includes('"msg":"started"'))
    assert.ok(started !== undefined, `no "started" line among ${String(received.length)} datagrams`)
    assert.match(started, /^<30>1 \S+ \S+ dynzone /) // facility daemon (3), severity info (6)
  })

  it('keeps stdout to JSON lines (the banner on stderr) and names changed keys on SIGHUP', async () => {
    const home = join(dir, 'stdout')
    mkdirSync(home)
    const config = join(home, 'dynzone.toml')
    writeFileSync(config, '[http]\ntrusted_proxies = ["127.0.0.1/32"]\n')
    const server = startDynzone(['--config', config, 'serve', ...PORTS], home)
    try {
      await server.waitFor(/Update it:\s+curl -u demo:\S+/, SLOW)
      await server.waitFor(/dynzone: HTTP on /, SLOW)
      writeFileSync(config, '[http]\ntrusted_proxies = ["10.0.0.0/8"]\n[log]\nlevel = "debug"\n')
      server.child.kill('SIGHUP')
      await server.waitFor(/configuration reloaded/, SLOW)
    } finally {
      await server.stop()
    }
    const lines = server
      .stdout()
      .split('\n')
      .filter((l) => l !== '')
    assert.ok(lines.length > 0)
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`)
    assert.match(
      server.stderr(),
      /Update it:\s+curl -u demo:.*\nLook it up: dig .*\nWeb UI: .*\ndynzone: HTTP on /,
    )
    const reload = lines
      .map((l) => JSON.parse(l) as { msg: string; changed?: string[]; restartNeededFor?: string[] })
      .find((l) => l.msg.startsWith('configuration reloaded'))
    assert.deepEqual(
      [reload?.changed, reload?.restartNeededFor, reload?.msg],
      [
        ['http.trusted_proxies', 'log.level'],
        ['http.trusted_proxies'],
        'configuration reloaded; restart to apply http.trusted_proxies',
      ],
    )
  })

  it('writes time LEVEL msg key=value lines with log.format = "pretty"', async () => {
    const home = join(dir, 'pretty')
    mkdirSync(home)
    const server = startDynzone(['serve', ...PORTS, '--set', 'log.format=pretty'], home)
    try {
      await server.waitFor(/dynzone: HTTP on /, SLOW)
    } finally {
      await server.stop()
    }
    const lines = server
      .stdout()
      .split('\n')
      .filter((l) => l !== '')
    const started = lines.find((l) => / started /.test(l))
    assert.match(
      started ?? '',
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}started http=\d+ dns=\d+ zones=\["dyn\.example\.test"\]$/,
    )
    assert.ok(!lines.some((l) => l.startsWith('{')), 'no JSON lines')
    const refused = await runDynzone(
      ['serve', ...PORTS, '--set', 'log.format=pretty', '--set', 'log.target=syslog'],
      home,
    )
    assert.equal(refused.code, 78)
    assert.match(refused.stderr, /log\.format: "pretty" is for target = "stdout"/)
  })
})
