/**
 * docs/deployment.md keeps its promises: every TOML snippet in it loads through the real
 * config loader (secret `*_file` paths are served by a stand-in reader, since the files exist
 * only on the operator's machine), and the keys the multi-instance and hidden-primary
 * snippets rely on are the ones the end-to-end tests set.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config/load.ts'

const guide = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8')
const snippets = [...guide.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')

/** What a secret file would hold, by its name. */
function secretFile(path: string): string {
  if (path.includes('db-url')) return 'postgres://dynzone:pw@db.example.com:5432/dynzone\n'
  return 'c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2gtZm9yLWEta2V5\n'
}

void describe('docs/deployment.md', () => {
  it('has the three topologies, backups and upgrades', () => {
    const sections = guide.split('\n').filter((l) => l.startsWith('## '))
    assert.deepEqual(sections, [
      '## 1. One machine, SQLite',
      '## 2. Several instances behind a load balancer, on PostgreSQL',
      '## 3. Hidden primary with secondaries',
      '## Backups and restore',
      '## Upgrades',
    ])
  })

  it('says how to create the first admin and where to sign in', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    for (const doc of [guide, readme]) {
      assert.match(doc, /user add \S+ --admin --password-stdin/)
      assert.match(doc, /\/login/)
    }
  })

  it('every TOML snippet loads', () => {
    assert.ok(snippets.length >= 3)
    for (const toml of snippets) {
      const loaded = loadConfig({
        flags: { config: '/etc/dynzone/dynzone.toml' },
        env: {},
        cwd: '/',
        readFile: (path) => (path === '/etc/dynzone/dynzone.toml' ? toml : secretFile(path)),
      })
      assert.ok(loaded.ok, `${toml}\n${loaded.ok ? '' : loaded.error.message}`)
    }
  })

  it('the several-instances snippet sets a lease, a server database and trusted proxies', () => {
    const toml = snippets.find((s) => s.includes('[cluster]')) ?? ''
    const loaded = loadConfig({
      flags: { config: '/etc/dynzone/dynzone.toml' },
      env: {},
      cwd: '/',
      readFile: (path) => (path === '/etc/dynzone/dynzone.toml' ? toml : secretFile(path)),
    })
    assert.ok(loaded.ok)
    const { config } = loaded.value
    assert.equal(config.database.backend, 'postgres')
    assert.equal(config.cluster.instance_id, 'dyn-a')
    assert.deepEqual(config.http.trusted_proxies, ['10.0.0.0/24'])
    assert.equal(config.zones[0]?.backend, 'rfc2136')
  })
})
