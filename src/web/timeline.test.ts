/**
 * The host timeline from a known history: each address's span per family (clipped to the
 * window), the updates and failures of each day, failure marks, and its accessible name.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HostEvent } from '../core/accounts/account-store.ts'
import { spans, timelineSvg } from './timeline.ts'

const NOW = new Date('2030-01-31T00:00:00Z')
const ev = (at: string, result: string, oldValue: string, newValue: string): HostEvent => ({
  at,
  result,
  oldValue,
  newValue,
  dialect: 'dyndns2',
  clientIp: '192.0.2.1',
  actor: 'alice',
})
// Newest first, as the store gives it: 192.0.2.1 from before the window until Jan 11, then
// 192.0.2.2 until Jan 21, then 192.0.2.3; IPv6 2001:db8::1 from Jan 16 on; one failure on
// Jan 21 and one unchanged update on Jan 25.
const HISTORY: HostEvent[] = [
  ev('2030-01-25T12:00:00Z', 'nochg', '192.0.2.3,2001:db8::1', '192.0.2.3,2001:db8::1'),
  ev('2030-01-21T00:00:00Z', 'good', '192.0.2.2,2001:db8::1', '192.0.2.3,2001:db8::1'),
  ev('2030-01-21T06:00:00Z', 'badauth', '', 'bad credentials'),
  ev('2030-01-16T00:00:00Z', 'good', '192.0.2.2,-', '192.0.2.2,2001:db8::1'),
  ev('2030-01-11T00:00:00Z', 'good', '192.0.2.1,-', '192.0.2.2,-'),
  ev('2029-12-01T00:00:00Z', 'good', '-,-', '192.0.2.1,-'),
]

void describe('host timeline', () => {
  void it('finds when each address held, per family, within the window', () => {
    const from = Date.parse('2030-01-01T00:00:00Z')
    const got = spans(HISTORY, from, NOW.getTime()).map((s) => [
      s.family,
      s.address,
      new Date(s.from).toISOString().slice(0, 10),
      new Date(s.to).toISOString().slice(0, 10),
    ])
    assert.deepEqual(got, [
      [4, '192.0.2.1', '2030-01-01', '2030-01-11'],
      [4, '192.0.2.2', '2030-01-11', '2030-01-21'],
      [4, '192.0.2.3', '2030-01-21', '2030-01-31'],
      [6, '2001:db8::1', '2030-01-16', '2030-01-31'],
    ])
  })

  void it('draws the spans, the days and the failures', () => {
    const svg = String(timelineSvg('home.example', HISTORY, { now: NOW, days: 30 }))
      .replace(/\s+/g, ' ')
      .replace(/> </g, '><')
    assert.match(svg, /role="img" aria-labelledby="timeline-title timeline-desc"/)
    assert.match(svg, /<title id="timeline-title">Address timeline of home\.example<\/title>/)
    // Four address spans; 192.0.2.1 starts at the left edge of the plot (x = 56), and a
    // third of the 656 px plot is 219 px wide (Jan 1 to Jan 11 of 30 days).
    assert.equal(svg.match(/<g class="span">/g)?.length, 4)
    assert.match(
      svg,
      /<title>192\.0\.2\.1: 2030-01-01 00:00 – 2030-01-11 00:00<\/title>\s*<rect x="56" y="8" width="219"/,
    )
    // Days: Jan 11, 16, 21 (one update and one failure) and 25 have columns.
    assert.equal(svg.match(/class="updates"/g)?.length, 4)
    assert.equal(svg.match(/class="failures"/g)?.length, 1)
    assert.match(svg, /2030-01-21: 1 updates, 1 failed/)
    assert.equal(svg.match(/class="failure"/g)?.length, 1)
    assert.match(svg, /4 address periods, 4 updates and 1 failed updates in the last 30 days/)
    // No inline style: the content security policy forbids it.
    assert.doesNotMatch(svg, /style=/)
  })
})
