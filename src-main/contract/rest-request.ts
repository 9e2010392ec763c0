import { endpoints, type EndpointName } from './api'

/**
 * Where and how one endpoint is called over REST, derived only from the endpoints table: path
 * params filled in, the rest as the query (GET/DELETE) or the JSON body. For the core calling
 * another Agenta server (core/team-link); the renderer's http transport builds the same shape.
 */
export function restRequest(name: EndpointName, input: Record<string, unknown>): { method: string; path: string; body?: string } {
  const ep = endpoints[name]
  const rest: Record<string, unknown> = { ...input }
  const path = ep.path.replace(/:([A-Za-z_]\w*)/g, (_m, key: string) => {
    const value = rest[key]
    delete rest[key]
    return encodeURIComponent(String(value ?? ''))
  })
  if (ep.method === 'GET' || ep.method === 'DELETE') {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(rest)) if (value !== undefined && value !== null) query.set(key, String(value))
    const qs = query.toString()
    return { method: ep.method, path: path + (qs ? `?${qs}` : '') }
  }
  return { method: ep.method, path, body: JSON.stringify(rest) }
}
