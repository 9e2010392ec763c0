/**
 * A minimal binary glTF (GLB) for avatar upload tests: the 12-byte header, the JSON chunk (padded
 * with spaces to 4 bytes) and a BIN chunk. `vrm: '0'` / `'1'` declares the VRM 0.x / 1.0 extension.
 */
export function makeGlb(opts: { vrm?: '0' | '1'; binBytes?: number } = {}): Buffer {
  const ext = opts.vrm === '0' ? 'VRM' : opts.vrm === '1' ? 'VRMC_vrm' : undefined
  const gltf = {
    asset: { version: '2.0', generator: 'agenta tests' },
    scenes: [{ nodes: [] }],
    ...(ext ? { extensionsUsed: [ext], extensions: { [ext]: { specVersion: opts.vrm === '1' ? '1.0' : '0.0' } } } : {})
  }
  let json = Buffer.from(JSON.stringify(gltf), 'utf8')
  if (json.length % 4) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)])
  const bin = Buffer.alloc(opts.binBytes ?? 64, 7)
  const chunk = (type: number, data: Buffer) => {
    const head = Buffer.alloc(8)
    head.writeUInt32LE(data.length, 0)
    head.writeUInt32LE(type, 4)
    return Buffer.concat([head, data])
  }
  const body = Buffer.concat([chunk(0x4e4f534a, json), chunk(0x004e4942, bin)])
  const header = Buffer.alloc(12)
  header.writeUInt32LE(0x46546c67, 0)
  header.writeUInt32LE(2, 4)
  header.writeUInt32LE(12 + body.length, 8)
  return Buffer.concat([header, body])
}
