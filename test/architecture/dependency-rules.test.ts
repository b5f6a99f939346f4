/**
 * The layer rules and the cycle check of .dependency-cruiser.cjs can fail: a small tree of
 * fixture files, each with one import, is cruised with the repository's rules, and every
 * forbidden import is reported by the rule that forbids it while every allowed one passes.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  cruise,
  type ICruiseOptions,
  type ICruiseResult,
  type IForbiddenRuleType,
} from 'dependency-cruiser'

const require = createRequire(import.meta.url)
const config = require('../../.dependency-cruiser.cjs') as {
  forbidden: IForbiddenRuleType[]
  options: ICruiseOptions & { tsConfig?: unknown }
}
// The fixtures have no tsconfig of their own; every other option is the repository's.
const { tsConfig: _tsConfig, ...options } = config.options

/** One import per fixture file: `from` imports `to`; `rule` is the rule expected to report it. */
interface Case {
  readonly from: string
  readonly to: string
  readonly typeOnly?: boolean
  readonly rule: string | null
}

const CASES: readonly Case[] = [
  { from: 'src/dialects/a/reader.ts', to: 'src/core/names.ts', rule: null },
  { from: 'src/dialects/b/reader.ts', to: 'src/config/fields.ts', rule: null },
  { from: 'src/dialects/c/reader.ts', to: 'src/config/schema.ts', rule: 'layer-dialects' },
  { from: 'src/dialects/d/reader.ts', to: 'src/store/update-store.ts', rule: 'layer-dialects' },
  { from: 'src/dialects/e/reader.ts', to: 'src/dns/query.ts', rule: 'layer-dialects' },
  {
    from: 'src/authoritative/answer/a.ts',
    to: 'src/store/database.ts',
    rule: 'layer-authoritative',
  },
  {
    from: 'src/authoritative/answer/b.ts',
    to: 'src/jobs/zone-snapshot.ts',
    rule: 'layer-authoritative',
  },
  {
    from: 'src/authoritative/xfr/c.ts',
    to: 'src/backends/backend.ts',
    rule: 'layer-authoritative',
  },
  { from: 'src/authoritative/answer/d.ts', to: 'src/dns/query.ts', rule: null },
  // The DNS workers too: what wires the store, the jobs and the backends lives in start/.
  {
    from: 'src/authoritative/workers/protocol.ts',
    to: 'src/store/database.ts',
    typeOnly: true,
    rule: 'layer-authoritative',
  },
  {
    from: 'src/authoritative/workers/replica-feed.ts',
    to: 'src/backends/backend.ts',
    typeOnly: true,
    rule: 'layer-authoritative',
  },
  // Type-only imports count.
  {
    from: 'src/backends/builtin/index-user.ts',
    to: 'src/authoritative/index/zone-index.ts',
    typeOnly: true,
    rule: 'layer-backends',
  },
  { from: 'src/api/a.ts', to: 'src/store/host-admin-store.ts', rule: 'layer-api' },
  { from: 'src/web/a.ts', to: 'src/store/account-store.ts', typeOnly: true, rule: 'layer-web' },
  { from: 'src/cli/a.ts', to: 'src/store/migrate.ts', rule: 'layer-cli' },
  { from: 'src/api/b.ts', to: 'kysely', rule: 'no-database-api' },
  { from: 'src/web/b.ts', to: 'pg', rule: 'no-database-web' },
  { from: 'src/cli/b.ts', to: 'better-sqlite3', rule: 'no-database-cli' },
  { from: 'src/store/a.ts', to: 'kysely', rule: null },
  { from: 'src/core/a.ts', to: 'src/dns/query.ts', rule: 'layer-core' },
  { from: 'src/newpart/a.ts', to: 'src/core/names.ts', rule: 'layer-unlisted-folder' },
  {
    from: 'src/start/a.ts',
    to: 'src/dns-worker-main.ts',
    rule: 'no-composition-root-import',
  },
  { from: 'test/helpers/a.ts', to: 'src/main.ts', rule: 'no-composition-root-import' },
  // Tests wire real parts together: they are not held to their folder's layer.
  { from: 'src/api/hosts.test.ts', to: 'src/store/update-store.ts', rule: null },
  // The admin doors have no exception left.
  { from: 'src/web/session.ts', to: 'src/store/schema.ts', rule: 'layer-web' },
  { from: 'src/cli/db.ts', to: 'kysely', rule: 'no-database-cli' },
]

let root = ''
let result: ICruiseResult

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}

function specifier(from: string, to: string): string {
  if (!to.startsWith('src/')) return to
  const path = relative(dirname(from), to)
  return path.startsWith('.') ? path : `./${path}`
}

function reported(from: string): string[] {
  return result.summary.violations.filter((v) => v.from === from).map((v) => v.rule.name)
}

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dynzone-deps-'))
    const targets = new Set<string>()
    for (const c of CASES) {
      const keyword = c.typeOnly === true ? 'import type { T }' : 'import { T }'
      write(c.from, `${keyword} from '${specifier(c.from, c.to)}'\nexport const used: T = 1\n`)
      targets.add(c.to)
    }
    for (const to of targets) {
      if (to.startsWith('src/')) write(to, 'export type T = number\nexport const T = 1\n')
      else write(`node_modules/${to}/index.js`, 'module.exports.T = 1\n')
    }
    // A cycle held together by a type-only import.
    write('src/core/cycle-a.ts', "import type { B } from './cycle-b.ts'\nexport type A = B[]\n")
    write(
      'src/core/cycle-b.ts',
      "import { a } from './cycle-c.ts'\nexport type B = number\nexport const b = a\n",
    )
    write('src/core/cycle-c.ts', "import type { A } from './cycle-a.ts'\nexport const a: A = []\n")
    const cruised = await cruise(['src', 'test'], {
      ...options,
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    })
    assert.equal(typeof cruised.output, 'object')
    result = cruised.output as ICruiseResult
  })

  after(() => {
    rmSync(root, { recursive: true, force: true })
  })

  for (const c of CASES) {
    const expected = c.rule === null ? 'passes' : `fails ${c.rule}`
    it(`${c.from} → ${c.to} ${expected}`, () => {
      assert.deepEqual(reported(c.from), c.rule === null ? [] : [c.rule])
    })
  }

  it('reports a cycle even when one of its imports is type-only', () => {
    const cycles = result.summary.violations.filter((v) => v.rule.name === 'no-circular')
    assert.ok(
      cycles.some((v) => v.from === 'src/core/cycle-a.ts'),
      JSON.stringify(cycles),
    )
  })
})
