/**
 * Running dynzone for real: `dynzone init` writes a config that loads, the systemd unit
 * passes `systemd-analyze verify`, SIGHUP reloads a good config and refuses a bad one while
 * serving on, and /metrics and /readyz tell an operator what is going on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runDynzone, startDynzone } from '../helpers/dynzone-process.ts'
import { curl, run } from '../helpers/tools.ts'

const UNIT = fileURLToPath(new URL('../../deploy/systemd/dynzone.service', import.meta.url))
const BIN = fileURLToPath(new URL('../../bin/dynzone.js', import.meta.url))

describe('operations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-ops-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('init writes a sample config that loads, and never overwrites silently', async () => {
    const first = await runDynzone(['init'], dir)
    assert.equal(first.code, 0, first.stderr)
    const path = join(dir, 'dynzone.toml')
    assert.match(readFileSync(path, 'utf8'), /^\[http\]$/m)
    const loads = await runDynzone(['--config', path, 'user', 'list', '--json'], dir)
    assert.equal(loads.code, 0, loads.stderr)
    assert.equal(loads.stdout.trim(), '[]')
    const again = await runDynzone(['init'], dir)
    assert.equal(again.code, 73)
    assert.match(again.stderr, /exists; use --force/)
    assert.equal((await runDynzone(['init', '--force'], dir)).code, 0)
    // The recipe's /etc/dynzone does not exist yet on a fresh machine: init makes the folder.
    const nested = join(dir, 'etc', 'dynzone', 'dynzone.toml')
    const made = await runDynzone(['init', nested], dir)
    assert.equal(made.code, 0, made.stderr)
    assert.match(readFileSync(nested, 'utf8'), /^\[http\]$/m)
  })

  it('ships a systemd unit that systemd-analyze accepts without a warning', async () => {
    const unitDir = mkdtempSync(join(tmpdir(), 'dynzone-unit-'))
    try {
      // verify checks that ExecStart exists: point it at this checkout's entry point.
      const unit = readFileSync(UNIT, 'utf8').replace(
        '/usr/bin/dynzone',
        `${process.execPath} ${BIN}`,
      )
      assert.match(unit, /^ProtectSystem=strict$/m)
      assert.match(unit, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m)
      writeFileSync(join(unitDir, 'dynzone.service'), unit)
      const r = await run('systemd-analyze', ['verify', join(unitDir, 'dynzone.service')])
      assert.equal(r.code, 0)
      assert.equal(r.stderr + r.stdout, '')
    } finally {
      rmSync(unitDir, { recursive: true, force: true })
    }
  })

  it('reloads on SIGHUP: a bad file is refused, a good one applied, and serving goes on', async () => {
    const config = join(dir, 'reload.toml')
    writeFileSync(config, '[log]\nlevel = "info"\n')
    const server = startDynzone(
      ['--config', config, 'serve', '--set', 'http.port=0', '--set', 'dns.port=0'],
      dir,
    )
    try {
      const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+)/)
      const base = `http://127.0.0.1:${m[1] ?? ''}`
      writeFileSync(config, '[log]\nlevel = "loud"\n')
      server.child.kill('SIGHUP')
      await server.waitFor(/log\.level: expected one of.*reload refused: invalid configuration/)
      assert.equal((await curl([`${base}/healthz`])).body, 'alive\n')
      writeFileSync(config, '[log]\nlevel = "debug"\n[update]\nmax_hosts = 5\n')
      server.child.kill('SIGHUP')
      await server.waitFor(
        /"changed":\["log\.level","update\.max_hosts"\],"restartNeededFor":\["update\.max_hosts"\].*configuration reloaded; restart to apply update\.max_hosts"/,
      )
      assert.equal((await curl([`${base}/healthz`])).body, 'alive\n')
    } finally {
      await server.stop()
    }
    assert.equal(await server.exited, 0)
  })

  it('exposes Prometheus metrics to loopback and readiness to everyone', async () => {
    const fresh = mkdtempSync(join(dir, 'metrics-'))
    const server = startDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], fresh)
    try {
      const m = await server.waitFor(
        /Update it:\s+curl -u (\S+) '(http:\/\/127\.0\.0\.1:\d+)([^']+)'/,
      )
      const base = m[2] ?? ''
      assert.equal(
        (await curl(['-u', m[1] ?? '', `${base}${m[3] ?? ''}`])).body,
        'good 203.0.113.10',
      )
      const dns = await server.waitFor(/Look it up: dig @(\S+) -p (\d+) (\S+) A \+short/)
      await run('dig', [
        '@127.0.0.1',
        '-p',
        dns[2] ?? '',
        'nothere.dyn.example.test',
        'A',
        '+time=2',
        '+tries=1',
      ])
      await run('dig', [
        '@127.0.0.1',
        '-p',
        dns[2] ?? '',
        'dyn.example.test',
        'SOA',
        '+tcp',
        '+time=2',
        '+tries=1',
      ])
      const metrics = await curl([`${base}/metrics`])
      assert.match(
        metrics.body,
        /^dynzone_dns_queries_total\{transport="udp",rcode="NXDOMAIN"\} 1$/m,
      )
      assert.match(
        metrics.body,
        /^dynzone_dns_queries_total\{transport="tcp",rcode="NOERROR"\} 1$/m,
      )
      assert.equal(metrics.status, 200)
      assert.match(metrics.headers, /content-type: text\/plain; version=0\.0\.4/i)
      assert.match(
        metrics.body,
        /^dynzone_published_changes_total\{zone="dyn\.example\.test",backend="builtin"\} 1$/m,
      )
      assert.match(metrics.body, /^dynzone_updates_total\{dialect="dyndns2",result="good"\} 1$/m)
      assert.match(metrics.body, /^dynzone_update_duration_seconds_count\{dialect="dyndns2"\} 1$/m)
      assert.match(metrics.body, /^dynzone_publish_queue_depth\{zone="dyn\.example\.test"\} 0$/m)
      assert.match(metrics.body, /^dynzone_process_resident_memory_bytes \d+/m)
      assert.ok(!metrics.body.includes('myhost'), 'no hostnames in metric labels')
      const ready = await curl([`${base}/readyz`])
      assert.equal(ready.status, 200)
      assert.deepEqual(JSON.parse(ready.body), { ready: true, problems: [] })
    } finally {
      await server.stop()
    }
    assert.equal(await server.exited, 0)
    const closed = startDynzone(
      [
        'serve',
        '--set',
        'http.port=0',
        '--set',
        'dns.port=0',
        '--set',
        'metrics.allow=["10.0.0.0/8"]',
      ],
      dir,
    )
    try {
      const m = await closed.waitFor(/HTTP on 127\.0\.0\.1:(\d+)/)
      const r = await curl([`http://127.0.0.1:${m[1] ?? ''}/metrics`])
      assert.equal(r.status, 403)
    } finally {
      await closed.stop()
    }
  })
})
