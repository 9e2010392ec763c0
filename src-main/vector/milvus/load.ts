import { createRequire } from 'node:module'
import type * as MilvusSdkModule from '@zilliz/milvus2-sdk-node'

export type MilvusSdk = typeof MilvusSdkModule

let loaded: MilvusSdk | undefined

/**
 * Loads the Milvus SDK on first use: it pulls in gRPC and protobuf definitions (~0.4 s of CPU
 * here), which a desktop on LanceDB — and every module that merely imports src-main/vector —
 * should never pay for. Everything else imports only its types.
 */
export function loadMilvusSdk(): MilvusSdk {
  if (!loaded) {
    const require = createRequire(import.meta.url)
    loaded = require('@zilliz/milvus2-sdk-node') as MilvusSdk
  }
  return loaded
}
