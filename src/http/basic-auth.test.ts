import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseBasicAuth } from './basic-auth.ts'

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')

describe('parseBasicAuth', () => {
  const table: [string, string | undefined, { username: string; password: string } | null][] = [
    ['absent', undefined, null],
    ['plain', `Basic ${b64('alice:secret')}`, { username: 'alice', password: 'secret' }],
    [
      'scheme in any case',
      `bAsIc ${b64('alice:secret')}`,
      { username: 'alice', password: 'secret' },
    ],
    ['extra spaces', `Basic   ${b64('alice:secret')}  `, { username: 'alice', password: 'secret' }],
    [
      'colons in the password',
      `Basic ${b64('alice:a:b:c')}`,
      { username: 'alice', password: 'a:b:c' },
    ],
    ['empty password', `Basic ${b64('alice:')}`, { username: 'alice', password: '' }],
    ['empty user name', `Basic ${b64(':tok')}`, { username: '', password: 'tok' }],
    [
      'a hostname as user name',
      `Basic ${b64('home.dyn.example:tok')}`,
      { username: 'home.dyn.example', password: 'tok' },
    ],
    ['UTF-8', `Basic ${b64('jörg:pässwörd')}`, { username: 'jörg', password: 'pässwörd' }],
    ['no colon', `Basic ${b64('alice')}`, null],
    ['another scheme', `Bearer ${b64('alice:secret')}`, null],
    ['scheme only', 'Basic', null],
    ['scheme and a space', 'Basic ', null],
    ['not base64', 'Basic !!!', null],
    ['two tokens', `Basic ${b64('a:b')} ${b64('c:d')}`, null],
    ['empty header', '', null],
  ]
  for (const [name, header, expected] of table) {
    it(name, () => {
      assert.deepEqual(parseBasicAuth(header), expected)
    })
  }
})
