import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { killAgentas, runAgenta } from '../utils/agenta-cli'
import { tempDir } from '../utils/boot'
import { startOidcProvider } from '../utils/oidc-provider'

/** `agenta serve --oidc-*` as an operator starts it (the built command): all or nothing, the secret from the environment only. */
const SECRET = 'the-client-secret-nobody-may-see'

afterEach(killAgentas)

/** A start that is meant to fail: its exit status and what it said on stderr. */
async function run(args: string[], env: Record<string, string> = {}) {
  const agenta = runAgenta(['serve', '--port', '0', '--data', tempDir(), ...args], { AGENTA_OIDC_CLIENT_SECRET: '', ...env })
  return { status: await agenta.exited, stderr: agenta.errors() }
}

describe('agenta serve --oidc-*', () => {
  it('refuses to start without the client secret, and says where it goes', async () => {
    const r = await run(['--accounts', '--oidc-issuer', 'https://id.example.com', '--oidc-client-id', 'studio'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/single sign-on needs the client secret in the environment variable AGENTA_OIDC_CLIENT_SECRET/)
  })

  it('refuses half a configuration and a wrong issuer, naming the option', async () => {
    const noIssuer = await run(['--accounts', '--oidc-client-id', 'studio'], { AGENTA_OIDC_CLIENT_SECRET: SECRET })
    expect(noIssuer.status).toBe(2)
    expect(noIssuer.stderr).toMatch(/needs --oidc-issuer/)
    expect(noIssuer.stderr).not.toContain(SECRET)
    const noClient = await run(['--accounts'], { AGENTA_OIDC_ISSUER: 'https://id.example.com', AGENTA_OIDC_CLIENT_SECRET: SECRET })
    expect(noClient.status).toBe(2)
    expect(noClient.stderr).toMatch(/needs --oidc-client-id/)
    const wrong = await run(['--accounts', '--oidc-issuer', 'id.example.com', '--oidc-client-id', 'studio'], { AGENTA_OIDC_CLIENT_SECRET: SECRET })
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toMatch(/--oidc-issuer must be an http\(s\) URL/)
    const off = await run(['--no-accounts', '--oidc-issuer', 'https://id.example.com', '--oidc-client-id', 'studio'], { AGENTA_OIDC_CLIENT_SECRET: SECRET })
    expect(off.status).toBe(2)
    expect(off.stderr).toMatch(/single sign-on \(--oidc-issuer\) needs accounts/)
  })

  it('starts with a real provider: the sign-in page offers it by name; the secret is in no answer and no log', async () => {
    const idp = await startOidcProvider()
    const data = tempDir()
    const agenta = runAgenta(['serve', '--port', '0', '--data', data, '--accounts', '--oidc-name', 'Acme ID'], {
      AGENTA_OIDC_ISSUER: idp.issuer,
      AGENTA_OIDC_CLIENT_ID: idp.clientId,
      AGENTA_OIDC_CLIENT_SECRET: SECRET
    })
    const { url } = await agenta.started
    try {
      idp.register(`${url}/auth/callback/oidc`)
      const state = await (await fetch(`${url}/api/auth/state`)).text()
      expect(JSON.parse(state)).toMatchObject({ accounts: true, sso: { name: 'Acme ID' }, me: null })
      // The way to the provider: a redirect to its authorization endpoint, with our client id and PKCE.
      const start = await fetch(`${url}/api/auth/sso`, { redirect: 'manual' })
      expect(start.status).toBe(302)
      const to = new URL(start.headers.get('location')!)
      expect(to.origin).toBe(idp.issuer)
      expect(to.searchParams.get('client_id')).toBe(idp.clientId)
      expect(to.searchParams.get('redirect_uri')).toBe(`${url}/auth/callback/oidc`)
      expect(to.searchParams.get('code_challenge_method')).toBe('S256')
      // A forged answer (no state this browser started) lands on the sign-in page with a message, not an error page.
      const forged = await fetch(`${url}/auth/callback/oidc?code=abc&state=forged`, { redirect: 'manual' })
      expect(forged.status).toBe(302)
      expect(forged.headers.get('location')).toBe('/?sso_error=failed')
      expect(forged.headers.get('set-cookie') ?? '').not.toMatch(/agenta_session=[^;]/)
      const openapi = await (await fetch(`${url}/api/openapi.json`)).text()
      for (const text of [state, openapi, agenta.output(), agenta.errors(), start.headers.get('location')!]) expect(text).not.toContain(SECRET)
    } finally {
      agenta.child.kill('SIGTERM')
      await agenta.exited
      await idp.close()
    }
    const logs = readdirSync(join(data, 'logs')).map((f) => readFileSync(join(data, 'logs', f), 'utf8'))
    expect(logs.join('')).not.toContain(SECRET)
  })
})
