import { describe, expect, it } from 'vitest'
import { bootServer } from '../utils/boot'
import { createConnection } from 'node:net'
import { mysqlServerUrl } from '../utils/mariadb'

/**
 * The server REST suite (server-rest.test.ts) once more with the store on MariaDB, as a team
 * server runs it: the same requests must give the same answers on both databases. Runs when a
 * MariaDB/MySQL answers at AGENTA_TEST_MYSQL_URL (default 127.0.0.1:3306), and says it was skipped
 * otherwise.
 */
const server = new URL(mysqlServerUrl)
const answers = await new Promise<boolean>((resolve) => {
  const s = createConnection(Number(server.port || 3306), server.hostname)
  s.setTimeout(2_000, () => (s.destroy(), resolve(false)))
  s.once('connect', () => (s.destroy(), resolve(true)))
  s.once('error', () => resolve(false))
})

if (answers) {
  process.env.AGENTA_TEST_STORE = 'mariadb'
  await import('./server-rest.test')
  describe('server REST suite on MariaDB', () => {
    it('really boots on MariaDB', async () => {
      const s = await bootServer()
      try {
        expect((await s.api('GET', '/api/info')).body.dbKind).toBe('mysql')
      } finally {
        await s.close()
      }
    })
  })
} else {
  describe(`server REST suite on MariaDB — SKIPPED: nothing answers at ${server.host}`, () => {
    it.skip('needs a MariaDB or MySQL server (set AGENTA_TEST_MYSQL_URL)', () => undefined)
  })
}
