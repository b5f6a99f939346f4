/**
 * A real nginx as a reverse proxy in front of dynzone, in its own temp dir, on 127.0.0.1 and a
 * free port, set up as ddns-service's docs tell users to: `X-Forwarded-For` appended with
 * `$proxy_add_x_forwarded_for`, `X-Real-IP` set, every other request header (a client's own
 * `Forwarded` among them) passed through. Runs in the foreground, one process (no master);
 * stopped by PID in `stop()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'
import { startLogged, type Daemon } from './logged-process.ts'

/** A running nginx and the URL it serves. */
export interface Nginx extends Daemon {
  readonly url: string
}

/** Starts nginx proxying every path to `upstream` (`http://127.0.0.1:PORT`). */
export async function startNginx(upstream: string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-nginx-'))
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `  ${t}_temp_path ${join(dir, t)};`)
    .join('\n')
  writeFileSync(
    conf,
    `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log stderr notice;
events { worker_connections 64; }
http {
  access_log off;
${temp}
  server {
    listen 127.0.0.1:${String(port)};
    location / {
      proxy_pass ${upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`,
  )
  const daemon = startLogged('nginx', ['-p', dir, '-e', 'stderr', '-c', conf], dir)
  const url = `http://127.0.0.1:${String(port)}`
  for (let i = 0; i < 100 && daemon.child.exitCode === null && !(await accepts(port)); i++) {
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    ...daemon,
    url,
    stop: async () => {
      const code = await daemon.stop()
      rmSync(dir, { recursive: true, force: true })
      return code
    },
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => {
      resolve(false)
    })
  })
}
