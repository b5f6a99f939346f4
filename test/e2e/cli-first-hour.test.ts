/**
 * The first hour of an operator, as real processes: a config file used from another folder
 * opens the database next to it, `init` writes no demo, zones dropped from the config are
 * shown as unserved and get no new hosts, and `zone forget` removes one.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runDynzone } from '../helpers/dynzone-process.ts'

const ZONE = 'dyn.example.com'

describe('a config file used from another folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'dynzone-first-hour-'))
  after(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('opens the database next to the file, whatever the working directory', async () => {
    const etc = join(root, 'etc')
    const elsewhere = join(root, 'elsewhere')
    mkdirSync(etc)
    mkdirSync(elsewhere)
    const config = join(etc, 'dynzone.toml')
    writeFileSync(config, `data_dir = "./data"\n[[zones]]\nname = "${ZONE}"\n`)
    const added = await runDynzone(['-c', 'dynzone.toml', 'user', 'add', 'alice'], etc)
    assert.equal(added.code, 0, added.stderr)
    const listed = await runDynzone(['-c', config, 'user', 'list', '--json'], elsewhere)
    assert.equal(listed.code, 0, listed.stderr)
    const users = JSON.parse(listed.stdout) as { name: string }[]
    assert.deepEqual(
      users.map((u) => u.name),
      ['alice'],
    )
    assert.ok(existsSync(join(etc, 'data', 'dynzone.sqlite')))
    assert.ok(!existsSync(join(elsewhere, 'data')), 'a second database was created')
  })
})
