/**
 * The test runner (scripts/run-tests.mjs) gives every test file a time budget: a hung test
 * fails the run instead of hanging it (CI would otherwise wait for its own job timeout).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURE = 'test/runner/hang-fixture.test.ts'

function runner(env: Record<string, string>): ReturnType<typeof spawnSync> {
  // Not as a child of this test's runner: a nested `node --test` would report to it.
  const { NODE_TEST_CONTEXT: _ignored, ...parent } = process.env
  return spawnSync(process.execPath, ['scripts/run-tests.mjs', FIXTURE], {
    cwd: ROOT,
    env: { ...parent, TEST_CONCURRENCY: '1', ...env },
    encoding: 'utf8',
    // Far above the budgets below: reaching this means the runner has no timeout.
    timeout: 120_000,
  })
}

describe('test runner timeout', () => {
  it('fails a test file that hangs, once its budget is spent', () => {
    const started = Date.now()
    const r = runner({ DYNZONE_TEST_HANG: '1', TEST_TIMEOUT_MS: '3000' })
    assert.equal(r.signal, null, `the runner hung; output:\n${String(r.stdout)}`)
    assert.notEqual(r.status, 0)
    assert.match(String(r.stdout), /timed out after 3000ms/)
    assert.ok(Date.now() - started < 100_000)
  })

  it('passes the same file when it does not hang', () => {
    // A budget a busy machine's tsx start-up fits in.
    const r = runner({ TEST_TIMEOUT_MS: '30000' })
    assert.equal(r.status, 0, String(r.stdout))
  })
})
