import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

/**
 * The deployment files cannot be built or started here (no Docker engine, no systemd as PID 1), so
 * this checks what can be checked without them: the compose file parses, its services, ports,
 * volumes and dependencies refer to each other, the apps reach the engines at the ports those
 * listen on, and the proxy and the unit start what the Dockerfile builds. It does not prove the
 * images build or run.
 */
const dir = resolve(import.meta.dirname, '../../../deploy')
const read = (name: string) => readFileSync(resolve(dir, name), 'utf8')
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown }

type Service = {
  build?: { context: string; dockerfile: string }
  image?: string
  environment?: Record<string, string>
  depends_on?: string[] | Record<string, { condition: string }>
  volumes?: string[]
  ports?: string[]
  expose?: string[]
  healthcheck?: { test: unknown }
  command?: unknown
}
const compose = yaml.load(read('compose.yaml')) as { services: Record<string, Service>; volumes: Record<string, unknown> }
const services = compose.services
const dependsOn = (s: Service) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}))

describe('deploy/compose.yaml', () => {
  it('has two app processes, MariaDB, Redis, Milvus with etcd and MinIO, and a proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['app1', 'app2', 'etcd', 'mariadb', 'milvus', 'minio', 'proxy', 'redis'])
  })

  it('depends only on services it defines, with health checks where a condition asks for one', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const dep of dependsOn(s)) {
        expect(services, `${name} depends on ${dep}`).toHaveProperty(dep)
        const condition = Array.isArray(s.depends_on) ? undefined : s.depends_on?.[dep]?.condition
        if (condition === 'service_healthy') expect(services[dep].healthcheck ?? dep.startsWith('app'), `${dep} has a health check`).toBeTruthy()
      }
    }
  })

  it('mounts only declared volumes, and the two apps share one data volume', () => {
    for (const [name, s] of Object.entries(services))
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]
        if (!source.startsWith('.')) expect(compose.volumes, `${name} mounts ${source}`).toHaveProperty(source)
        else expect(existsSync(resolve(dir, source)), `${name} mounts ${source}`).toBe(true)
      }
    expect(services.app1.volumes).toEqual(services.app2.volumes)
    expect(services.app1.volumes!.some((v) => v.endsWith(':/data'))).toBe(true)
  })

  it('points both apps at the engines by service name and port, with the same settings', () => {
    for (const app of [services.app1, services.app2]) {
      const env = app.environment!
      expect(app.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' })
      expect(new URL(env.AGENTA_DB_URL.replace(/\$\{[^}]*\}/, 'pw')).host).toBe('mariadb:3306')
      expect(new URL(env.AGENTA_DB_URL.replace(/\$\{[^}]*\}/, 'pw')).pathname).toBe(`/${services.mariadb.environment!.MARIADB_DATABASE}`)
      expect(env.AGENTA_REDIS_URL).toBe('redis://redis:6379')
      expect(env.AGENTA_VECTOR_URL).toBe('milvus://milvus:19530')
      expect(env.AGENTA_DATA_DIR).toBe('/data')
      expect(app.expose).toEqual([env.AGENTA_PORT])
    }
    expect(services.app1.environment).toEqual(services.app2.environment)
    expect(services.milvus.environment).toMatchObject({ ETCD_ENDPOINTS: 'etcd:2379', MINIO_ADDRESS: 'minio:9000' })
    expect(services.milvus.expose).toContain('19530')
  })

  it('publishes only the proxy, whose config sends every request to both apps on their port, sticky, checked by /readyz', () => {
    const published = Object.entries(services)
      .filter(([, s]) => s.ports?.length)
      .map(([n]) => n)
    expect(published).toEqual(['proxy'])
    const mount = services.proxy.volumes!.find((v) => v.includes('/etc/caddy/Caddyfile'))!
    const caddyfile = readFileSync(resolve(dir, mount.split(':')[0]), 'utf8')
    const upstreams = caddyfile
      .match(/reverse_proxy\s+([^{]+)\{/)![1]
      .trim()
      .split(/\s+/)
    expect(upstreams).toEqual(['app1', 'app2'].map((a) => `${a}:${services[a].environment!.AGENTA_PORT}`))
    expect(caddyfile).toMatch(/lb_policy cookie /)
    expect(caddyfile).toMatch(/health_uri \/readyz/)
    const listen = Number(caddyfile.match(/^:(\d+) \{/m)![1])
    expect(services.proxy.ports!.map((p) => Number(p.split(':')[1]))).toContain(listen)
  })
})

describe('deploy/Dockerfile and deploy/agenta@.service', () => {
  it('build on Node 20 in stages and run `agenta serve` on the port the apps expose', () => {
    const dockerfile = read('Dockerfile')
    const stages = dockerfile.match(/^FROM .+$/gm)!
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const s of stages) expect(s).toMatch(/^FROM node:20/)
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/agenta\.js"\]$/m)
    expect(dockerfile).toMatch(/^CMD \["serve"\]$/m)
    expect(dockerfile).toMatch(new RegExp(`AGENTA_PORT=${services.app1.environment!.AGENTA_PORT}\\b`))
    expect(dockerfile).toMatch(/\/readyz/)
    // What the image copies exists in the repository.
    for (const path of ['package.json', 'package-lock.json', 'bin']) expect(existsSync(resolve(dir, '..', path))).toBe(true)
  })

  it('the systemd unit runs one `agenta serve` per port with the shared environment file', () => {
    const unit = read('agenta@.service')
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/agenta-studio\/bin\/agenta\.js serve --port %i$/m)
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/agenta\/agenta\.env$/m)
    const env = read('agenta.env.example')
    for (const name of ['AGENTA_DB_URL', 'AGENTA_REDIS_URL', 'AGENTA_DATA_DIR', 'AGENTA_TOKEN']) expect(env).toMatch(new RegExp(`^${name}=`, 'm'))
    // systemd must not kill it before its own shutdown deadline has passed.
    const stopSec = Number(unit.match(/^TimeoutStopSec=(\d+)$/m)![1])
    expect(stopSec * 1000).toBeGreaterThan(Number(env.match(/^AGENTA_SHUTDOWN_TIMEOUT_MS=(\d+)$/m)![1]))
  })
})
