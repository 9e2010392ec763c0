import { randomBytes, randomUUID } from 'node:crypto'

export const newId = (): string => randomUUID()
/** URL-safe random secret for tokens and public keys. */
export const newSecret = (bytes = 24): string => randomBytes(bytes).toString('base64url')
