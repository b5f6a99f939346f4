/**
 * The admin dashboard: updates and failed updates per hour over the last day (a server-drawn
 * SVG), the busiest hosts of that day, and each zone's health (serial, publisher lease, last
 * resync and its result, an ownership conflict), from data dynzone already keeps, and the
 * built-in DNS server's queries per second over the last hour (sampled in memory).
 */
import { html, when, type Html } from './html.ts'
import { hourlyChart, type HourBar } from './hourly-chart.ts'
import { page } from './layout.ts'
import { rateChart, type RatePoint } from './rate-chart.ts'
import type { WebSession } from './session.ts'
import { dataTable } from './table.ts'
import type { HostActivity } from '../core/accounts/account-store.ts'
import type { ZoneState } from '../core/accounts/zone-admin.ts'

/** What the dashboard shows. */
export interface DashboardView {
  readonly session: WebSession
  readonly bars: readonly HourBar[]
  readonly busiest: readonly HostActivity[]
  readonly zones: readonly ZoneState[]
  /** The built-in DNS server's queries per second over the last hour; null: none runs. */
  readonly queryRates: readonly RatePoint[] | null
}

/** The dashboard page. */
export function dashboardPage(v: DashboardView): Html {
  const body = html`<h1>Dashboard</h1>
    <h2>Updates per hour</h2>
    ${hourlyChart(v.bars)}
    <h2>DNS queries per second</h2>
    ${
      v.queryRates === null
        ? html`<p class="muted">
            The built-in DNS server is not running (<code>dns.enabled</code> is off).
          </p>`
        : rateChart(v.queryRates)
    }
    <h2>Busiest hosts</h2>
    ${dataTable({
      rows: v.busiest,
      caption: `Hosts with the most updates in the last ${v.bars.length} hours`,
      empty: `No updates in the last ${v.bars.length} hours.`,
      columns: [
        { label: 'Host', cell: (h) => html`<a href="/hosts/${h.hostId}">${h.fqdn}</a>` },
        { label: 'Updates', cell: (h) => h.updates },
      ],
    })}
    <h2>Zones’ health</h2>
    ${dataTable({
      rows: v.zones,
      caption: 'Zones with their publisher and resync state',
      empty: 'No zones.',
      columns: [
        { label: 'Zone', cell: (z) => z.name },
        { label: 'Backend', cell: (z) => z.backend },
        { label: 'Serial', cell: (z) => html`<code>${z.serial}</code>` },
        { label: 'Publisher lease', cell: lease },
        { label: 'Last resync', cell: resync },
        { label: 'Owner conflict', cell: conflict },
      ],
    })}`
  return page({ title: 'Dashboard', session: v.session, current: '/admin/dashboard', body })
}

function lease(z: ZoneState): Html | string {
  if (z.leaseHolder === null) return 'none held (this instance publishes alone)'
  return html`held by <code>${z.leaseHolder}</code> until ${when(z.leaseExpiresAt)}`
}

function resync(z: ZoneState): Html | string {
  if (z.handledAt === null) return z.requestedAt === null ? 'never asked' : 'pending'
  const pending = z.requestedAt !== null && z.requestedAt > z.handledAt
  return html`${when(z.handledAt)}: ${z.report ?? ''}${pending ? ' (a newer one is pending)' : ''}`
}

function conflict(z: ZoneState): Html | string {
  return z.ownerConflict === null
    ? 'none'
    : html`<span class="result-bad">marked by cluster <code>${z.ownerConflict}</code></span>`
}
