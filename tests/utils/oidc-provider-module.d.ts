// oidc-provider ships no types; the little the tests use of it (tests/utils/oidc-provider.ts).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  interface Account {
    accountId: string
    claims: () => Record<string, unknown>
  }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & { findAccount?: (ctx: unknown, id: string) => Account | Promise<Account> })
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }
}
