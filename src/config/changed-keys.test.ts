import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { changedKeys } from './changed-keys.ts'

describe('changedKeys', () => {
  const base = {
    log: { level: 'info', target: 'stdout' },
    http: { port: 8245, trusted_proxies: ['127.0.0.1/32'] },
    zones: [{ name: 'dyn.example' }],
  }
  const cases: [string, unknown, string[]][] = [
    ['nothing', base, []],
    ['a leaf in a table', { ...base, log: { ...base.log, level: 'debug' } }, ['log.level']],
    [
      'a list, named whole',
      { ...base, http: { ...base.http, trusted_proxies: ['10.0.0.0/8'] } },
      ['http.trusted_proxies'],
    ],
    ['an array of tables', { ...base, zones: [{ name: 'b.example' }] }, ['zones']],
    [
      'several, sorted',
      { ...base, http: { port: 1, trusted_proxies: [] }, log: { ...base.log, target: 'file' } },
      ['http.port', 'http.trusted_proxies', 'log.target'],
    ],
    ['a key that appears', { ...base, demo: { enabled: false } }, ['demo']],
  ]
  for (const [name, after, expected] of cases) {
    it(name, () => {
      assert.deepEqual(changedKeys(base, after), expected)
    })
  }
})
