import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export interface TestOidcProvider {
  /** The issuer URL (`http://127.0.0.1:<port>`): the discovery document is under it. */
  issuer: string
  clientId: string
  clientSecret: string
  /** Registers the client with its one redirect URI (known once the studio's server listens) and starts answering. */
  register(redirectUri: string): void
  close(): Promise<void>
}

/**
 * A real OpenID Connect provider (panva's oidc-provider, certified) on a free loopback port, with
 * its development sign-in pages: any login is accepted and becomes the person's email (verified,
 * unless listed in `unverified`), their name the part before the @.
 */
export async function startOidcProvider(opts: { unverified?: string[] } = {}): Promise<TestOidcProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  const server = createServer((req, res) => {
    if (handler) return handler(req, res)
    res.statusCode = 503
    res.end('not registered yet')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientId = 'agenta-studio'
  const clientSecret = 'a-test-client-secret-that-is-long-enough'
  const unverified = new Set(opts.unverified ?? [])
  return {
    issuer,
    clientId,
    clientSecret,
    register(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            response_types: ['code'],
            grant_types: ['authorization_code'],
            token_endpoint_auth_method: 'client_secret_post'
          }
        ],
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        findAccount: (_ctx, id) => ({
          accountId: id,
          claims: () => ({ sub: id, email: id, email_verified: !unverified.has(id), name: id.split('@')[0] })
        }),
        features: { devInteractions: { enabled: true } },
        cookies: { keys: ['test-cookie-key'] }
      })
      handler = provider.callback()
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
