// Single sign-on's first step (GET /api/auth/sso → the provider) is a navigation, not a password
// check: people behind one address (an office's NAT, a team server's proxy) start it one after
// another. Better Auth limits every "/sign-in/*" path to 3 requests in 10 s per address, which
// turned the fourth person's click into "single sign-on is unavailable".
import { afterAll, beforeAll, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startOidcProvider, type TestOidcProvider } from '../utils/oidc-provider'

let srv: BootedServer
let idp: TestOidcProvider

beforeAll(async () => {
  idp = await startOidcProvider()
  srv = await bootServer({
    accounts: { enabled: true, oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, name: 'Acme ID', signUp: false } }
  })
  idp.register(`${srv.url}/auth/callback/oidc`)
})
afterAll(async () => {
  await srv?.close()
  await idp?.close()
})

test('eight people behind one address start single sign-on within seconds: each is sent to the provider', async () => {
  const locations: string[] = []
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${srv.url}/api/auth/sso`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    locations.push(res.headers.get('location') ?? '')
  }
  expect(locations.every((l) => l.startsWith(idp.issuer))).toBe(true)
})
