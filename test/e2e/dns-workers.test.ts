/**
 * `dns.workers = 2` end to end with a real `dynzone serve`: both worker processes answer
 * (per-worker counters on /metrics after a burst of queries), a curl update is seen by `dig`
 * and by a burst of queries right after `good`, many times in a row (a worker that lags
 * fails it), NXDOMAIN and SOA answered from the replicas and TCP by the main process, UPDATE
 * (nsupdate with TSIG) and a signed query handed to the main process, and a worker killed
 * with SIGKILL is restarted and answers, while an update published meanwhile is not held up;
 * LAN addresses (split horizon) reach every worker, one restarted later too.
 */
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { RRType } from '../../src/dns/constants.ts'
import { decodeMessage } from '../../src/dns/decode-message.ts'
import { encodeQuery } from '../../src/dns/encode-query.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort, run } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
const SECRET = 'ZHlub25lLXdvcmtlcnMtdGVzdC1rZXktMzItYnl0ZXMhIQ=='
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

/** Sends `count` A queries for `name`, `parallel` at a time; returns every answer's values. */
async function burst(port: number, name: string, count: number, parallel = 20) {
  const socket = createSocket('udp4')
  const waiting = new Map<number, (values: string[] | null) => void>()
  socket.on('message', (msg) => {
    const m = decodeMessage(msg)
    if (!m.ok) return
    const values = m.value.answers.filter((a) => a.type === RRType.A).map((a) => a.data)
    waiting.get(m.value.header.id)?.(values)
  })
  const one = (id: number): Promise<string[] | null> => {
    const q = encodeQuery(name, RRType.A, { id, edns: false })
    assert.ok(q.ok)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(null)
      }, 2000)
      waiting.set(id, (values) => {
        clearTimeout(timer)
        waiting.delete(id)
        resolve(values)
      })
      socket.send(q.value, port, '127.0.0.1')
    })
  }
  const answers: (string[] | null)[] = []
  for (let i = 0; i < count; i += parallel) {
    const ids = Array.from({ length: Math.min(parallel, count - i) }, (_, k) => i + k + 1)
    answers.push(...(await Promise.all(ids.map(one))))
  }
  socket.close()
  return answers
}

describe('dns.workers = 2 end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-workers-'))
  const config = join(dir, 'dynzone.toml')
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  let token = ''
  let address = 0

  const ok = async (...args: string[]): Promise<string> => {
    const r = await runDynzone(['--config', config, ...args, ...ARGS], dir, {
      stdin: 'alice-password\n',
    })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const update = async (): Promise<string> => {
    const ip = `198.51.100.${String(++address)}`
    const r = await curl(['-u', `alice:${token}`, `${http}/nic/update?hostname=${HOST}&myip=${ip}`])
    assert.equal(r.body.trim(), `good ${ip}`)
    return ip
  }
  /** The workers answering now, by slot, from the log lines of the main process. */
  const workerPids = (): Map<number, number> => {
    const pids = new Map<number, number>()
    for (const line of server.stdout().split('\n')) {
      if (!line.includes('DNS worker answering')) continue
      const { worker, pid } = JSON.parse(line) as { worker: number; pid: number }
      pids.set(worker, pid)
    }
    return pids
  }
  /** SIGKILLs worker `slot`; returns a wait for its replacement to answer. */
  const killWorker = (slot: number): (() => Promise<void>) => {
    const victim = workerPids().get(slot)
    assert.ok(victim !== undefined)
    process.kill(victim, 'SIGKILL')
    return () => restarted(slot, victim)
  }
  const restarted = async (slot: number, victim: number): Promise<void> => {
    for (let waited = 0; workerPids().get(slot) === victim; waited += 100) {
      assert.ok(waited < 30_000, `worker ${String(slot)} was not restarted`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const workerAnswers = async (): Promise<Map<string, number>> => {
    const r = await curl([`${http}/metrics`])
    const counts = new Map<string, number>()
    for (const m of r.body.matchAll(
      /^dynzone_dns_worker_answers_total\{worker="(\d+)"\} (\d+)/gm,
    )) {
      counts.set(m[1] ?? '', Number(m[2]))
    }
    return counts
  }

  before(async () => {
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"
[dns]
workers = 2
[[dns.update_keys]]
name = "txt-key"
secret = "${SECRET}"
grant = [{ name = "${HOST}", types = ["TXT"] }]
[[zones]]
name = "${ZONE}"
`,
    )
    await ok('user', 'add', 'alice', '--password-stdin')
    await ok('host', 'add', HOST, '--user', 'alice')
    const created = await ok('token', 'create', '--user', 'alice', '--json')
    token = (JSON.parse(created) as { secret: string }).secret
    server = startDynzone(['serve', '--config', config, ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/, 60_000)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('starts two worker processes besides the main one, and both answer', async () => {
    const pids = workerPids()
    assert.deepEqual([...pids.keys()].sort(), [1, 2])
    assert.ok(![...pids.values()].includes(server.child.pid ?? -1))
    const ip = await update()
    const answers = await burst(dnsPort, HOST, 2000)
    assert.deepEqual(answers.filter((a) => a?.[0] !== ip).length, 0, 'every query answered')
    // Counts are reported every second.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const counts = await workerAnswers()
    const [one = 0, two = 0] = [counts.get('1'), counts.get('2')]
    assert.ok(one > 0 && two > 0, `both workers answered: ${String(one)} and ${String(two)}`)
    assert.ok(one + two >= 2000, `${String(one + two)} answers counted`)
  })

  it('shows every curl update at once, to dig and to a burst over both workers', async () => {
    for (let i = 0; i < 15; i++) {
      const ip = await update()
      assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST), [ip])
      const answers = await burst(dnsPort, HOST, 40)
      const stale = answers.filter((a) => a?.[0] !== ip)
      assert.equal(stale.length, 0, `round ${String(i)}: ${JSON.stringify(stale.slice(0, 3))}`)
    }
  })

  it('answers NXDOMAIN and SOA from the replicas, and TCP from the main process', async () => {
    const nx = await run('dig', ['@127.0.0.1', '-p', String(dnsPort), `nope.${ZONE}`, 'A'])
    assert.match(nx.stdout, /status: NXDOMAIN/)
    assert.match(nx.stdout, new RegExp(`AUTHORITY SECTION:\\n${ZONE}\\.\\s+\\d+\\s+IN\\s+SOA`))
    const soa = await digShort('127.0.0.1', dnsPort, ZONE, 'SOA')
    assert.equal(soa.length, 1)
    assert.match(soa[0] ?? '', /^\S+ \S+ \d+ 3600 /)
    const ip = await update()
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST, 'A', ['+tcp']), [ip])
    const now = await digShort('127.0.0.1', dnsPort, ZONE, 'SOA')
    assert.notDeepEqual(now, soa, 'the serial moved')
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, ZONE, 'SOA', ['+tcp']), now)
  })

  it('hands UPDATE (nsupdate -y) and signed queries to the main process', async () => {
    const script = join(dir, 'update.txt')
    writeFileSync(
      script,
      `server 127.0.0.1 ${String(dnsPort)}\nupdate add ${HOST} 60 TXT "from nsupdate"\nsend\n`,
    )
    const r = await run('nsupdate', ['-y', `hmac-sha256:txt-key:${SECRET}`, script])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST, 'TXT'), ['"from nsupdate"'])
    const signed = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(dnsPort),
      '-y',
      `hmac-sha256:txt-key:${SECRET}`,
      ZONE,
      'SOA',
    ])
    assert.match(signed.stdout, /status: NOERROR/)
    assert.match(signed.stdout, /TSIG PSEUDOSECTION:\ntxt-key\.\s+0\s+ANY\s+TSIG/)
    assert.doesNotMatch(signed.stdout + signed.stderr, /verify failure|expected a TSIG/i)
  })

  it('restarts a worker killed with SIGKILL; updates meanwhile are not held up', async () => {
    const before = workerPids()
    const started = performance.now()
    const replaced = killWorker(1)
    const ip = await update()
    assert.ok(performance.now() - started < 2500, 'the dead worker did not block the publish')
    await replaced()
    assert.equal(workerPids().get(2), before.get(2))
    const answers = await burst(dnsPort, HOST, 400)
    assert.equal(answers.filter((a) => a?.[0] !== ip).length, 0)
    const next = await update()
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST), [next])
  })

  it('answers split-horizon LAN addresses from every worker, a restarted one too', async () => {
    await ok('host', 'modify', HOST, '--lan-ipv4', '192.168.1.10')
    const wan = await curl([
      '-u',
      `alice:${token}`,
      `${http}/nic/update?hostname=${HOST}&myip=127.0.0.1`,
    ])
    assert.equal(wan.body.trim(), 'good 127.0.0.1')
    // The LAN feed polls the store every second.
    for (let waited = 0; ; waited += 200) {
      if ((await digShort('127.0.0.1', dnsPort, HOST)).includes('192.168.1.10')) break
      assert.ok(waited < 10_000, 'the LAN address never showed')
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const lan = (answers: (string[] | null)[]): number =>
      answers.filter((a) => a?.[0] === '192.168.1.10').length
    assert.equal(lan(await burst(dnsPort, HOST, 200)), 200)
    // A worker started after the change gets the LAN addresses when it subscribes.
    await killWorker(2)()
    assert.equal(lan(await burst(dnsPort, HOST, 400)), 400)
  })
})
