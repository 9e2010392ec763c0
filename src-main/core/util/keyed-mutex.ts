// Moved to the base layer (src-main/base/keyed-mutex.ts). This re-export stays only until the
// knowledge ingestion files being refactored in parallel import it from there; nothing new uses it.
export { KeyedMutex } from '../../base/keyed-mutex'
