/**
 * Audio bytes as a data: URL for an <audio> element. Each distinct data: URL an element loads keeps
 * about the clip's size in the element's document until a few hundred of them (bench/voice/README.md,
 * `media-url-memory.ts --kind data`, with or without DevTools): a page speaking all day plays through
 * a FramedAudio (./framed-audio.ts) and renews it. The switch from blob: URLs came from a soak in
 * which revoked blob: loads seemed to pile up; that was the DevTools Network buffer of the
 * benchmark's own driver (Playwright): without DevTools they keep nothing (`--kind blob --driver
 * bare`). Pages that play these need `media-src data:` in their CSP.
 */
export function audioDataUrl(bytes: ArrayBuffer, mime: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.onerror = () => reject(reader.error ?? new Error('the audio could not be read'))
    reader.readAsDataURL(new Blob([bytes], { type: mime }))
  })
}
