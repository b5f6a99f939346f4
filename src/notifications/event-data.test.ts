/**
 * Pins the bytes of every event as sent: the webhook JSON body (key order included, since
 * receivers verify a signature over the raw body) and the mail template variables, so that
 * reshaping the builders cannot change what owners and webhook receivers get.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import { eventPayload, templateValues, type EventData } from './event-data.ts'
import { DEFAULT_TEMPLATES, renderTemplate, TEMPLATE_VARIABLES } from './templates.ts'

const AT = '2030-01-01T00:00:00.000Z'
const HOST = {
  hostId: 1,
  ownerId: 2,
  fqdn: 'home.dyn.example' as Fqdn,
  zone: 'dyn.example' as Fqdn,
}
const HOST_JSON = '"host":{"hostname":"home","zone":"dyn.example","fqdn":"home.dyn.example"}'
const HOST_VARS = '"hostname":"home","zone":"dyn.example","fqdn":"home.dyn.example"'

const changed: EventData = {
  kind: 'changed',
  event: {
    ...HOST,
    label: 'home',
    oldIpv4: '192.0.2.1',
    newIpv4: '192.0.2.2',
    oldIpv6: null,
    newIpv6: null,
    at: AT,
    clientIp: '198.51.100.7',
    dialect: 'dyndns2',
    requested: true,
  },
}
const expired = (removed: { ipv4?: string; ipv6?: string }): EventData => ({
  kind: 'expired',
  event: {
    ...HOST,
    label: 'home',
    removed,
    expiryTtl: 3600,
    lastUpdate: '2029-12-31T23:00:00.000Z',
    at: AT,
  },
})
const digest: EventData = {
  kind: 'auth-failures',
  digest: {
    subject: { key: 'user:alice', name: 'alice', ownerId: 2 },
    count: 4,
    sources: ['203.0.113.1', '203.0.113.2'],
    dialects: ['dyndns2', 'sftdyn'],
    windowStart: new Date('2030-01-01T00:00:00Z'),
    windowEnd: new Date('2030-01-01T00:10:00Z'),
  },
}
const lockout: EventData = {
  kind: 'lockout',
  event: { subjectName: 'alice', clientIp: '203.0.113.1', until: '2030-01-01T00:01:00Z', at: AT },
}

const CASES: readonly { data: EventData; webhook: string; values: string }[] = [
  {
    data: changed,
    webhook: `{"event":"changed","time":"${AT}","user":"alice",${HOST_JSON},"ipv4":{"old":"192.0.2.1","new":"192.0.2.2","changed":true},"ipv6":{"old":null,"new":null,"changed":false},"client_ip":"198.51.100.7","dialect":"dyndns2","changes":1}`,
    values: `{"time":"${AT}","user":"alice",${HOST_VARS},"ipv4_changed":"yes","ipv6_changed":"no","old_ipv4":"192.0.2.1","new_ipv4":"192.0.2.2","old_ipv6":"-","new_ipv6":"-","client_ip":"198.51.100.7","dialect":"dyndns2","changes":"1"}`,
  },
  {
    data: expired({ ipv4: '192.0.2.2', ipv6: '2001:db8::1' }),
    webhook: `{"event":"expired","time":"${AT}","user":"alice",${HOST_JSON},"removed":{"ipv4":"192.0.2.2","ipv6":"2001:db8::1"},"expiry_ttl":3600,"last_update":"2029-12-31T23:00:00.000Z"}`,
    values: `{"time":"${AT}","user":"alice",${HOST_VARS},"families":"A (IPv4) and AAAA (IPv6)","old_ipv4":"192.0.2.2","old_ipv6":"2001:db8::1","expiry_ttl":"3600","last_update":"2029-12-31T23:00:00.000Z"}`,
  },
  {
    data: expired({ ipv6: '2001:db8::1' }),
    webhook: `{"event":"expired","time":"${AT}","user":"alice",${HOST_JSON},"removed":{"ipv4":null,"ipv6":"2001:db8::1"},"expiry_ttl":3600,"last_update":"2029-12-31T23:00:00.000Z"}`,
    values: `{"time":"${AT}","user":"alice",${HOST_VARS},"families":"AAAA (IPv6)","old_ipv4":"-","old_ipv6":"2001:db8::1","expiry_ttl":"3600","last_update":"2029-12-31T23:00:00.000Z"}`,
  },
  {
    data: digest,
    webhook: `{"event":"auth-failures","time":"2030-01-01T00:10:00.000Z","user":"alice","subject":"alice","count":4,"sources":["203.0.113.1","203.0.113.2"],"dialects":["dyndns2","sftdyn"],"window_start":"${AT}","window_end":"2030-01-01T00:10:00.000Z"}`,
    values: `{"time":"2030-01-01T00:10:00.000Z","user":"alice","subject_name":"alice","count":"4","sources":"203.0.113.1, 203.0.113.2","dialects":"dyndns2, sftdyn","window_start":"${AT}","window_end":"2030-01-01T00:10:00.000Z"}`,
  },
  {
    data: lockout,
    webhook: `{"event":"lockout","time":"${AT}","user":"alice","subject":"alice","client_ip":"203.0.113.1","until":"2030-01-01T00:01:00Z"}`,
    values: `{"time":"${AT}","user":"alice","subject_name":"alice","client_ip":"203.0.113.1","until":"2030-01-01T00:01:00Z"}`,
  },
]

void describe('event data', () => {
  for (const c of CASES) {
    void it(`${c.data.kind}: webhook body and mail variables, byte for byte`, () => {
      assert.equal(JSON.stringify(eventPayload(c.data, 'alice')), c.webhook)
      const values = templateValues(c.data, 'alice')
      assert.equal(JSON.stringify(values), c.values)
      assert.deepEqual(Object.keys(values), TEMPLATE_VARIABLES[c.data.kind])
    })
  }

  void it('sends a null user to webhooks when the owner is unknown', () => {
    const body = JSON.stringify(eventPayload(lockout, null))
    assert.equal(body, CASES.at(-1)?.webhook.replace('"user":"alice"', '"user":null'))
  })

  void it('fills the built-in change mail, absent addresses as "-"', () => {
    const t = DEFAULT_TEMPLATES.changed
    const values = templateValues(changed, 'alice')
    assert.equal(renderTemplate(t.subject, values), '[dynzone] home.dyn.example changed')
    assert.equal(
      renderTemplate(t.body, values),
      `The addresses of home.dyn.example changed at ${AT}.

IPv4: 192.0.2.1 -> 192.0.2.2 (changed: yes)
IPv6: - -> - (changed: no)

Last update from 198.51.100.7 (dyndns2); changes in this mail: 1.
`,
    )
  })
})
