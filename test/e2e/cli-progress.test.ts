/**
 * Progress of long CLI work, in-process with the stream stderr would be: on a terminal
 * `dynzone import` and `dynzone db copy` draw a bar (cli-progress) and clear it before their
 * summary; on a pipe they draw nothing at all, and the summary is the same either way.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, describe, it } from 'node:test'
import type { ProgressStream } from '../../src/cli/progress.ts'
import { runInProcess } from '../helpers/dynzone-cli.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'demo.enabled=false']

function stderrLike(tty: boolean): { stream: ProgressStream; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns: 120 })
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  return { stream, text: () => text }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('progress of long CLI work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-progress-'))
  const copyDir = mkdtempSync(join(tmpdir(), 'dynzone-progress-copy-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(copyDir, { recursive: true, force: true })
  })
  const rows = ['hostname,token']
  for (let i = 0; i < 600; i++)
    rows.push(`bulk${String(i)}.${ZONE},bulk-secret-${String(i)}-0123456789`)
  writeFileSync(join(dir, 'bulk.csv'), rows.join('\n'))
  const importArgs = ['import', 'bulk.csv', '--format', 'dyndns53', '--user', 'alice', ...ARGS]
  const summary = /^imported: 0 users, 0 groups, 600 hosts, 0 records, 600 tokens\n$/

  it('import: a bar on a terminal, cleared before the summary', async () => {
    assert.equal((await runInProcess(['user', 'add', 'alice', ...ARGS], dir)).code, 0)
    const tty = stderrLike(true)
    const r = await runInProcess([...importArgs, '--dry-run'], dir, { progress: tty.stream })
    await tick()
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.match(r.stdout, /^dry run, nothing changed; would import: .* 600 hosts/)
    assert.match(tty.text(), /import \[[█░]{30}\] 83% 1000\/1200 rows/)
    assert.match(tty.text(), /import \[█{30}\] 100% 1200\/1200 rows/)
  })

  it('import: nothing but the summary when stderr is not a terminal', async () => {
    const pipe = stderrLike(false)
    const r = await runInProcess(importArgs, dir, { progress: pipe.stream })
    await tick()
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, summary)
    assert.equal(r.stderr, '')
    assert.equal(pipe.text(), '')
  })

  it('db copy: a bar on a terminal, the same summary on a pipe', async () => {
    const from = join(dir, 'data', 'dynzone.sqlite')
    const tty = stderrLike(true)
    const r = await runInProcess(['db', 'copy', '--from', from, ...ARGS], copyDir, {
      progress: tty.stream,
    })
    await tick()
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^copied (\d+) rows from .*dynzone\.sqlite to /)
    assert.match(r.stdout, /^ {2}hosts +600$/m)
    const total = /^copied (\d+) rows/.exec(r.stdout)?.[1] ?? ''
    assert.match(tty.text(), new RegExp(`copy \\[█{30}\\] 100% ${total}/${total} rows`))

    const pipe = stderrLike(false)
    const again = await runInProcess(['db', 'copy', '--from', from, '--force', ...ARGS], copyDir, {
      progress: pipe.stream,
    })
    await tick()
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.stdout, r.stdout)
    assert.equal(pipe.text(), '')
  })
})
