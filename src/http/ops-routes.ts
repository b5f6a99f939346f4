/**
 * Operator endpoints: `/healthz` (the process is alive), `/readyz` (the store answers and no
 * zone's backend is failing), `/metrics` (Prometheus text, only for allowed addresses).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Cidr, IpAddress } from '../core/addresses/addresses.ts'
import type { Metrics } from '../observability/metrics.ts'

/** One readiness problem. */
export interface ReadinessProblem {
  readonly component: string
  readonly message: string
}

/** What the operator endpoints need. */
export interface OpsRoutesOptions {
  readonly metrics: Metrics | null
  readonly metricsAllow: readonly Cidr[]
  readonly clientIp: (req: FastifyRequest) => IpAddress
  /** Lists what keeps the service from being ready; empty when ready. */
  readonly readiness: () => Promise<ReadinessProblem[]>
}

/** Registers /healthz, /readyz and /metrics. */
export function registerOpsRoutes(app: FastifyInstance, options: OpsRoutesOptions): void {
  app.get('/healthz', (_req, reply) =>
    reply.header('content-type', 'text/plain; charset=utf-8').send('alive\n'),
  )
  app.get('/readyz', async (_req, reply) => {
    const problems = await options.readiness()
    return reply
      .status(problems.length === 0 ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ ready: problems.length === 0, problems })
  })
  const metrics = options.metrics
  if (metrics === null) return
  app.get('/metrics', async (req, reply) => {
    const ip = options.clientIp(req)
    if (!options.metricsAllow.some((c) => c.contains(ip))) {
      return reply
        .status(403)
        .header('content-type', 'text/plain; charset=utf-8')
        .send('forbidden\n')
    }
    const body = await metrics.registry.metrics()
    return reply.header('content-type', metrics.registry.contentType).send(body)
  })
}
