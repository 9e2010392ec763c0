import { randomBytes } from 'node:crypto'

/**
 * A throwaway database on the local MariaDB/MySQL (root, no password, as CI provides).
 * AGENTA_TEST_MYSQL_URL overrides the server; the suite fails loudly if none is reachable,
 * because team mode must be proven on a real server, not assumed.
 */
export const mysqlServerUrl = process.env.AGENTA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'

export async function createTempMysqlDb(): Promise<{ url: string; drop(): Promise<void> }> {
  const { createConnection } = await import('mysql2/promise')
  const name = `agenta_test_${randomBytes(4).toString('hex')}`
  const admin = await createConnection({ uri: mysqlServerUrl })
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  await admin.end()
  return {
    url: `${mysqlServerUrl}/${name}`,
    async drop() {
      const c = await createConnection({ uri: mysqlServerUrl })
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await c.end()
    }
  }
}
