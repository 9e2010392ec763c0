/**
 * A sentence's audio bytes as a blob: URL for an <audio> element, revoked by `release()` once the
 * sentence is over. Revoked blob: loads keep nothing in Chromium (bench/voice/README.md,
 * `media-url-memory.ts --driver bare --kind blob`: −4 KB a clip), whereas each distinct data: URL an
 * element loaded keeps about the clip's size in its document until a few hundred (`--kind data`:
 * +83 KB a clip). (An earlier measure blamed blob: URLs: that was the benchmark's DevTools buffer.)
 */
export interface ClipUrl {
  url: string
  release(): void
}

export function clipUrl(bytes: ArrayBuffer | Uint8Array, mime: string): ClipUrl {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }))
  return { url, release: () => URL.revokeObjectURL(url) }
}
