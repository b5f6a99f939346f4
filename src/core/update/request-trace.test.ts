/**
 * The router inspector's traces, built in core for every door: secrets out by value and by
 * name (a credential in the path, in an odd parameter, a user name typed as a password),
 * what each family took, the answer and the reason of a refusal.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Secret } from '../auth/secret.ts'
import type { Principal } from '../auth/auth.ts'
import { redactWire, REDACTED } from './request-redact.ts'
import { tracesOf } from './request-trace.ts'
import type { UpdateIntent } from './update-intent.ts'

const SECRET = 'Sup3r-Secret/Key+42'
const wire = (path: string, params: Record<string, string>) => ({
  method: 'GET',
  path,
  params: new Map(Object.entries(params)),
})
const basic = { kind: 'basic', username: 'alice', secret: new Secret(SECRET) } as const
const token = { kind: 'token', secret: new Secret(SECRET) } as const
const alice = { userId: 1, userName: 'alice', isAdmin: false } as Principal

describe('request redaction', () => {
  const cases: [
    string,
    ReturnType<typeof wire>,
    UpdateIntent['credentials'],
    string | undefined,
  ][] = [
    [
      'password parameter',
      wire('/nic/update', { password: SECRET, hostname: 'h' }),
      basic,
      'alice',
    ],
    ['secret in an unnamed parameter', wire('/x', { q: `a${SECRET}b` }), basic, 'alice'],
    ['sftdyn key path', wire(`/${SECRET}`, {}), token, undefined],
    ['DuckDNS path token', wire(`/update/home/${SECRET}`, {}), token, undefined],
    ['key cut by its own ? and &', wire('/Sup3r-Secret', { 'Key+42': 'x' }), token, undefined],
    ['percent-encoded', wire('/u', { p: encodeURIComponent(SECRET) }), token, undefined],
    [
      'named secret, not the credential',
      wire('/u', { apikey: 'other-secret-value' }),
      null,
      undefined,
    ],
    ['user name that is no user', wire('/u', { username: SECRET }), null, undefined],
  ]
  for (const [name, w, credentials, user] of cases) {
    it(`removes a ${name}`, () => {
      const out = redactWire(w, credentials, user)
      const text = JSON.stringify(out)
      assert.ok(!text.includes(SECRET), text)
      assert.ok(!text.includes('Sup3r-Secret'), text)
      assert.ok(!text.includes('Key+42'), text)
      assert.ok(!text.includes(encodeURIComponent(SECRET)), text)
      assert.ok(!text.includes('other-secret-value'), text)
      assert.ok(text.includes(REDACTED), text)
    })
  }

  it('keeps what is no secret: host names, addresses, the authenticated user name', () => {
    const out = redactWire(
      wire('/nic/update', { hostname: 'home.dyn.example', myip: '192.0.2.1', username: 'alice' }),
      basic,
      'alice',
    )
    assert.deepEqual(out, {
      path: '/nic/update',
      params: { hostname: 'home.dyn.example', myip: '192.0.2.1', username: 'alice' },
    })
  })
})

describe('request traces', () => {
  const intent: UpdateIntent = {
    dialect: 'dyndns2',
    credentials: basic,
    hostnames: ['home.dyn.example'],
    ipv4: { kind: 'auto' },
    ipv6: { kind: 'set', address: { family: 6, text: '2001:db8::7' } },
    clientIp: { family: 4, text: '198.51.100.7' },
    wire: wire('/nic/update', { hostname: 'home.dyn.example', pass: SECRET }),
  }

  it('says what each family took and the answer', () => {
    const [t] = tracesOf(
      intent,
      {
        kind: 'hosts',
        outcomes: [
          {
            hostname: 'home.dyn.example',
            status: 'good',
            ipv4: '198.51.100.7',
            ipv6: '2001:db8::7',
          },
        ],
      },
      alice,
      '2030-01-01T00:00:00.000Z',
    )
    assert.ok(t !== undefined)
    assert.deepEqual(t.host, { fqdn: 'home.dyn.example' })
    assert.equal(t.taken.ipv4, "198.51.100.7 (the request's source address)")
    assert.equal(t.taken.ipv6, '2001:db8::7')
    assert.equal(t.reply, 'good 198.51.100.7,2001:db8::7')
    assert.equal(t.credentials, 'basic as alice')
    assert.equal(t.params.pass, REDACTED)
    assert.equal(t.reason, '')
  })

  it('gives a refusal its reason, for every host named', () => {
    const traces = tracesOf(
      { ...intent, hostnames: ['a.dyn.example', 'b.dyn.example'] },
      { kind: 'rejected', code: 'badauth', message: 'bad credentials' },
      undefined,
      '2030-01-01T00:00:00.000Z',
    )
    assert.deepEqual(
      traces.map((t) => [t.host, t.result, t.reason, t.credentials]),
      [
        [{ fqdn: 'a.dyn.example' }, 'badauth', 'bad credentials', 'basic'],
        [{ fqdn: 'b.dyn.example' }, 'badauth', 'bad credentials', 'basic'],
      ],
    )
  })

  it('names the credential’s own host when the request named none', () => {
    const traces = tracesOf(
      { ...intent, hostnames: [] },
      { kind: 'rejected', code: 'badip', message: 'private address' },
      { ...alice, hostId: 9 },
      '2030-01-01T00:00:00.000Z',
    )
    assert.deepEqual(traces[0]?.host, { id: 9 })
  })
})
