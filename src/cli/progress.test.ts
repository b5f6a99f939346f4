import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import { progressBar, type ProgressStream } from './progress.ts'

/** A stream that says it is (or is not) a terminal, and keeps what was written to it. */
function stream(tty: boolean): { s: ProgressStream; text: () => string } {
  const s = Object.assign(new PassThrough(), { isTTY: tty, columns: 100 })
  let text = ''
  s.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  return { s, text: () => text }
}

describe('progressBar', () => {
  it('draws a bar on a terminal and clears it at the end', async () => {
    const t = stream(true)
    const bar = progressBar(t.s, 'import', 'rows')
    bar.update(500, 2000)
    bar.update(2000, 2000)
    bar.stop()
    await new Promise((resolve) => setImmediate(resolve))
    assert.match(t.text(), /import \[[█░]{30}\] 25% 500\/2000 rows/)
    assert.match(t.text(), /import \[█{30}\] 100% 2000\/2000 rows/)
    // Cleared on completion: the cursor shown again and the line erased last.
    assert.ok(t.text().includes('\u001b[?25h'))
    assert.ok(t.text().endsWith('\u001b[2K'), JSON.stringify(t.text().slice(-20)))
  })

  it('writes nothing when the stream is not a terminal, or there is none', async () => {
    const t = stream(false)
    for (const bar of [progressBar(t.s, 'import', 'rows'), progressBar(undefined, 'x', 'y')]) {
      bar.update(1, 2)
      bar.update(2, 2)
      bar.stop()
    }
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(t.text(), '')
  })
})
