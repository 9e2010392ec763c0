export type { Claims, Coordination, KeyedLock, LockOptions } from './types'
export { LockTimeout } from './types'
export { memoryCoordination, MemoryClaims } from './memory'
export { redisCoordination, type RedisCoordinationOptions } from './redis'
