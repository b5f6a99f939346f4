/**
 * What the update routes hand each dialect, in-process through `inject()` (the app over
 * fakes: test/fakes/http-app.ts): query and form parameters, decoded paths and raw sftdyn
 * keys, Basic credentials from the Authorization header, and the client address through the
 * trusted proxy, the same in the intent, the log line, service routes and the audit trail.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { InjectOptions } from 'fastify'
import { creds } from '../../test/fakes/dialect-requests.ts'
import {
  basic,
  CLIENT,
  FORM,
  HOST,
  PROXY,
  TOKEN,
  updateApp,
  ZONE,
} from '../../test/fakes/http-app.ts'

void describe('what the update routes hand the dialect', () => {
  void it('hands the dialect the request as sent: parameters, decoded paths, raw keys', async () => {
    const { updates, send } = updateApp()
    const hostnames = async (o: InjectOptions): Promise<readonly string[] | undefined> => {
      await send(o)
      return updates.intents.at(-1)?.hostnames
    }
    // A repeated query parameter: its first value.
    assert.deepEqual(await hostnames({ url: `/nic/update?hostname=${HOST}&hostname=x.${ZONE}` }), [
      HOST,
    ])
    // The query wins over a form field of the same name.
    assert.deepEqual(
      await hostnames({
        method: 'POST',
        url: `/nic/update?hostname=${HOST}`,
        headers: FORM,
        payload: `hostname=x.${ZONE}`,
      }),
      [HOST],
    )
    const django = (path: string) =>
      hostnames({ method: 'POST', url: `/update/${path}/`, headers: FORM, payload: 'key=k' })
    assert.deepEqual(await django(`b%C3%BCcher.${ZONE}`), [`bücher.${ZONE}`])
    assert.deepEqual(await django(`a%25zz.${ZONE}`), [`a%zz.${ZONE}`])
    // sftdyn keys are the raw request target after the prefix, query and escapes included.
    for (const key of ['?host=x&key=y', 'ab%2Fcd']) {
      await send({ url: `/${key}` })
      assert.deepEqual(creds(updates.intents.at(-1)?.credentials ?? null), ['token', key])
    }
    await send({ url: `/${TOKEN}`, headers: { 'user-agent': 'inadyn/2.12' } })
    assert.equal(updates.intents.at(-1)?.userAgent, 'inadyn/2.12')
  })

  void describe('Basic credentials from the Authorization header', () => {
    const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')
    const table: [string, string | undefined, readonly string[] | null][] = [
      ['plain', basic('alice', TOKEN), ['basic', 'alice', TOKEN]],
      ['scheme in any case', `bAsIc ${b64('alice:pw')}`, ['basic', 'alice', 'pw']],
      ['colons in the password', basic('alice', 'a:b:c'), ['basic', 'alice', 'a:b:c']],
      ['UTF-8', basic('jörg', 'pässwörd'), ['basic', 'jörg', 'pässwörd']],
      ['empty password', basic('alice', ''), ['basic', 'alice', '']],
      // Malformed or absent: the query's credentials, here none.
      ['no colon', `Basic ${b64('alice')}`, null],
      ['not base64', 'Basic !!!', null],
      ['another scheme', `Bearer ${TOKEN}`, null],
      ['scheme only', 'Basic', null],
      ['absent', undefined, null],
    ]
    for (const [name, header, expected] of table) {
      void it(name, async () => {
        const { updates, send } = updateApp()
        await send({
          url: `/nic/update?hostname=${HOST}`,
          headers: header === undefined ? {} : { authorization: header },
        })
        await send({
          url: '/register_ip',
          headers: header === undefined ? {} : { authorization: header },
        })
        const [dyndns2, dyndns53] = updates.intents
        assert.deepEqual(creds(dyndns2?.credentials ?? null), expected)
        assert.deepEqual(creds(dyndns53?.credentials ?? null), expected)
      })
    }

    void it('wins over query credentials when well-formed, else leaves them', async () => {
      const { updates, send } = updateApp()
      const query = `/nic/update?hostname=${HOST}&username=bob&password=from-query`
      await send({ url: query, headers: { authorization: basic('alice', TOKEN) } })
      await send({ url: query, headers: { authorization: 'Basic !!!' } })
      assert.deepEqual(
        updates.intents.map((i) => creds(i.credentials)),
        [
          ['basic', 'alice', TOKEN],
          ['basic', 'bob', 'from-query'],
        ],
      )
    })
  })

  void describe('the client address handed on', () => {
    const table: [string, string, Record<string, string>, string][] = [
      ['a direct client', CLIENT, {}, CLIENT],
      ['a client forging the header', CLIENT, { 'x-forwarded-for': '203.0.113.9' }, CLIENT],
      ['through the trusted proxy', PROXY, { 'x-forwarded-for': '203.0.113.9' }, '203.0.113.9'],
      [
        'the first hop from the right that is not trusted',
        PROXY,
        { 'x-forwarded-for': `198.51.100.1, 203.0.113.9, ${PROXY}` },
        '203.0.113.9',
      ],
      ['a header that is no address', PROXY, { 'x-forwarded-for': 'unknown' }, PROXY],
      ['a header it does not read', PROXY, { forwarded: 'for=203.0.113.9' }, PROXY],
      ['an IPv6 client', '2001:db8::5', {}, '2001:db8::5'],
    ]
    for (const [name, peer, headers, expected] of table) {
      void it(name, async () => {
        const { updates, logged, events, services, send } = updateApp()
        const from = { remoteAddress: peer, headers }
        const check = await send({ ...from, url: '/checkip' })
        await send({ ...from, url: `/nic/update?hostname=${HOST}&password=${TOKEN}` })
        await send({ ...from, method: 'POST', url: '/register' })
        assert.deepEqual(
          [
            check.body,
            updates.intents[0]?.clientIp.text,
            logged('update')[0]?.['client'],
            services[0]?.clientIp.text,
            events[0]?.source,
          ],
          [expected, expected, expected, expected, expected],
        )
      })
    }
  })
})
