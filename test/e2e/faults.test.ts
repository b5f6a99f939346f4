/**
 * Faults under a steady stream of DynDNS2 updates into a real BIND over RFC 2136: BIND frozen,
 * killed and started again; dynzone killed with SIGKILL and restarted; dynzone stopped with
 * SIGTERM while pushes are pending. Afterwards BIND holds, per host, the last update dynzone
 * acknowledged (`good`, or `dnserr`: saved, publishing), what it showed meanwhile only ever
 * moved forward, and its SOA serial never went back.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { DynzoneProcess } from '../helpers/dynzone-process.ts'
import { digShort } from '../helpers/tools.ts'
import {
  addressOf,
  assertNonDecreasing,
  HOSTS,
  prepareDynzone,
  RestartableBind,
  serveDynzone,
  untilBindServes,
  update,
  Watcher,
} from './faults-setup.ts'

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('faults: BIND and dynzone failing under a stream of updates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-faults-'))
  let bind: RestartableBind
  let server: DynzoneProcess | undefined
  let http = ''
  let token = ''
  /** Per host: the value BIND must end with (the last update that was acknowledged). */
  const expected = new Map<string, string[]>()

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

  /** Sends update `n` to host `n mod 3`; records it as expected when acknowledged. */
  async function send(n: number): Promise<string> {
    const host = HOSTS[n % HOSTS.length] ?? ''
    const answer = await update(http, token, `hostname=${host}&myip=${addressOf(n)}`)
    assert.ok(['good', 'dnserr'].includes(answer), `update ${String(n)} answered ${answer}`)
    expected.set(host, [addressOf(n)])
    return answer
  }

  it('BIND frozen, then killed and restarted: every acknowledged update lands, in order', async () => {
    const watcher = new Watcher(() => bind.port)
    watcher.start()
    const answers: string[] = []
    for (let n = 1; n <= 48; n++) {
      if (n === 12) bind.pause()
      if (n === 20) bind.resume()
      if (n === 28) await bind.kill()
      if (n === 36) await bind.restart()
      answers.push(await send(n))
      await pause(40)
    }
    // The faults were real: some updates could not be published within the deadline.
    assert.ok(answers.includes('dnserr'), answers.join(' '))
    await untilBindServes(bind.port, expected)
    await watcher.sample()
    await watcher.stop()
    assertNonDecreasing('SOA serial', watcher.serials)
    for (const host of HOSTS) assertNonDecreasing(`${host} A`, watcher.seen.get(host) ?? [])
    assert.ok(watcher.serials.length > 0)
  })

  it('kill -9 of dynzone with unpublished updates: the restart resyncs them, removals too', async () => {
    for (let n = 100; n < 106; n++) await send(n)
    await untilBindServes(bind.port, expected)
    const before = new Map(expected)
    await bind.kill()
    for (let n = 106; n < 112; n++) assert.equal(await send(n), 'dnserr')
    const offline = HOSTS[2] ?? ''
    assert.equal(await update(http, token, `hostname=${offline}&offline=YES`), 'dnserr')
    expected.set(offline, [])
    server?.child.kill('SIGKILL')
    await server?.exited
    await bind.restart()
    // BIND still holds the old state: there is something to repair.
    assert.deepEqual(await digShort('127.0.0.1', bind.port, offline), before.get(offline))
    ;({ server, http } = await serveDynzone(dir))
    await untilBindServes(bind.port, expected)
    await server.waitFor(/drift repaired/)
    assert.match(
      server.stdout() + server.stderr(),
      new RegExp(`"name":"${offline}","type":"A","kind":"extra"`),
    )
  })

  it('SIGTERM drains pending pushes before exiting', async () => {
    await bind.kill()
    const host = HOSTS[0] ?? ''
    assert.equal(await send(201), 'dnserr')
    const restarted = pause(1000).then(() => bind.restart())
    server?.child.kill('SIGTERM')
    assert.equal(await server?.exited, 0)
    await restarted
    // dynzone has exited: only its drain can have pushed the update.
    assert.deepEqual(await digShort('127.0.0.1', bind.port, host), expected.get(host))
    assert.doesNotMatch(server?.stdout() ?? '', /publisher not drained/)
  })

  it('what SIGTERM could not push stays in the store and the next start publishes it', async () => {
    ;({ server, http } = await serveDynzone(dir))
    await bind.kill()
    assert.equal(await send(302), 'dnserr')
    server.child.kill('SIGTERM')
    assert.equal(await server.exited, 0)
    assert.match(server.stdout(), /publisher not drained/)
    await bind.restart()
    const host = HOSTS[302 % HOSTS.length] ?? ''
    assert.notDeepEqual(await digShort('127.0.0.1', bind.port, host), expected.get(host))
    ;({ server, http } = await serveDynzone(dir))
    await untilBindServes(bind.port, expected)
  })
})
