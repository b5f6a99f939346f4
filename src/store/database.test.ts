import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigTree } from '../config/schema.ts'
import { Secret } from '../core/auth/secret.ts'
import { describeDatabase, type DatabaseSettings } from './database.ts'
import { serverTarget } from './sql/server-target.ts'

const FIELDS: DatabaseSettings = {
  backend: 'postgres',
  path: '',
  url: null,
  host: 'db.example',
  port: 0,
  name: 'dz',
  user: 'app',
  password: new Secret('Pw-Fields-1'),
  pool_size: 4,
}

void describe('server database settings', () => {
  void it('takes the fields, with the backend default port for 0', () => {
    assert.deepEqual(serverTarget(FIELDS, 5432), {
      host: 'db.example',
      port: 5432,
      database: 'dz',
      user: 'app',
      password: 'Pw-Fields-1',
      poolSize: 4,
    })
  })

  void it('takes the URL over the fields; database.password overrides the URL one', () => {
    const url = new Secret('mariadb://u%40x:Pw-Url-2@[::1]:3307/prod%20db')
    const withUrl = { ...FIELDS, backend: 'mariadb' as const, url, password: null }
    const target = serverTarget(withUrl, 3306)
    assert.deepEqual(
      [target.host, target.port, target.database, target.user, target.password],
      ['::1', 3307, 'prod db', 'u@x', 'Pw-Url-2'],
    )
    assert.equal(serverTarget({ ...withUrl, password: new Secret('P3') }, 3306).password, 'P3')
  })

  void it('describes a database without its password', () => {
    const url = new Secret('postgres://app:Pw-Url-3@db.example/dz')
    const described = [describeDatabase(FIELDS), describeDatabase({ ...FIELDS, url })]
    assert.deepEqual(described, [
      'postgres://app@db.example:5432/dz',
      'postgres://app@db.example:5432/dz',
    ])
    assert.equal(
      describeDatabase({ ...FIELDS, backend: 'sqlite', path: '/d/x.sqlite' }),
      '/d/x.sqlite',
    )
  })
})

void describe('[database] config', () => {
  const problems = (database: Record<string, unknown>): string[] => {
    const parsed = parseConfigTree({ database })
    return parsed.ok ? [] : parsed.error.map((i) => `${i.path.join('.')}: ${i.message}`)
  }

  void it('accepts each backend with its own URL kind, or fields', () => {
    assert.deepEqual(problems({ backend: 'postgres', url: 'postgresql://a@h/dz' }), [])
    assert.deepEqual(problems({ backend: 'mariadb', url: 'mysql://a@h:3306/dz' }), [])
    assert.deepEqual(problems({ backend: 'mariadb', host: 'db', port: 3306, pool_size: 20 }), [])
  })

  void it('names the key of each mistake and never shows the URL', () => {
    assert.deepEqual(problems({ backend: 'oracle' }).length, 1)
    assert.match(problems({ backend: 'oracle' })[0] ?? '', /^database\.backend: /)
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ backend: 'sqlite', url: 'postgres://a:Pw-Bad-4@h/dz' }, /SQLite uses path/],
      [{ backend: 'postgres', url: 'mysql://a:Pw-Bad-4@h/dz' }, /postgres:\/\/ or postgresql:\/\//],
      [{ backend: 'postgres', url: 'not a url Pw-Bad-4' }, /expected a URL such as/],
      [{ backend: 'mariadb', url: 'mariadb://a:Pw-Bad-4@h' }, /names no database/],
    ]
    for (const [database, expected] of cases) {
      const [problem, ...more] = problems(database)
      assert.deepEqual(more, [])
      assert.match(problem ?? '', /^database\.url: /)
      assert.match(problem ?? '', expected)
      assert.doesNotMatch(problem ?? '', /Pw-Bad-4/)
    }
    assert.match(problems({ backend: 'postgres', pool_size: 0 })[0] ?? '', /^database\.pool_size: /)
  })
})
