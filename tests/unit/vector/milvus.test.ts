import { describe } from 'vitest'
import { runVectorStoreContract } from './contract'
import type { VectorStore } from '../../../src-main/vector'

const address = process.env.MILVUS_ADDRESS
if (!address) console.log('Milvus tests skipped: set MILVUS_ADDRESS')

// The Milvus store (team mode) is not written yet. Its module is loaded by a computed path so this
// file type-checks before it exists; once it does, this suite holds it to the same contract.
const MILVUS_MODULE = '../../../src-main/vector/milvus/store'

describe.skipIf(!address)('Milvus', () => {
  runVectorStoreContract('Milvus', async () => {
    const { createMilvusStore } = (await import(/* @vite-ignore */ MILVUS_MODULE)) as {
      createMilvusStore: (opts: { address: string; collectionPrefix: string }) => VectorStore
    }
    const prefix = `t${Date.now().toString(36)}_`
    const store = createMilvusStore({ address: address as string, collectionPrefix: prefix })
    await store.open()
    return {
      store,
      async cleanup() {
        await store.close()
      }
    }
  })
})
