import { describe, it } from 'vitest'
import { MilvusClient } from '@zilliz/milvus2-sdk-node'
import { runVectorStoreContract } from './contract'
import { createMilvusStore } from '../../../src-main/vector/milvus/store'

// The Milvus store (team mode) against a real Milvus 2.5.11+: the same contract as LanceDB.
// No Milvus can run on the build machines, so this suite runs only when MILVUS_ADDRESS is set
// (e.g. MILVUS_ADDRESS=127.0.0.1:19530; MILVUS_TOKEN for a server with authentication).
// Request building is covered without a server in milvus-store.test.ts.
const address = process.env.MILVUS_ADDRESS
const token = process.env.MILVUS_TOKEN

if (!address) {
  describe('Milvus', () => {
    it.skip('skipped: set MILVUS_ADDRESS to run the VectorStore contract against a Milvus server', () => {})
  })
  console.log('Milvus contract tests skipped: set MILVUS_ADDRESS (e.g. 127.0.0.1:19530) to run them')
} else {
  runVectorStoreContract('Milvus', async () => {
    // Each run gets collections of its own, so runs never see each other's rows.
    const prefix = `t${Date.now().toString(36)}_`
    const store = createMilvusStore({ address, token, collectionPrefix: prefix })
    await store.open()
    return {
      store,
      async cleanup() {
        await store.close()
        // Whatever this run left behind (a failed test skips its own dropCollection).
        const admin = new MilvusClient({ address, token })
        try {
          const { data } = await admin.showCollections()
          for (const { name } of data) if (name.startsWith(prefix)) await admin.dropCollection({ collection_name: name })
        } finally {
          await admin.closeConnection()
        }
      }
    }
  })
}
