/**
 * Audio bytes as a data: URL for an <audio> element, not a blob: URL. Chromium's media stack keeps
 * what it loaded from each distinct blob: URL (≈ 0.12 MB a sentence here) after the URL is revoked
 * and the element has moved on, up to a few hundred MB: a kiosk that speaks all day grew its
 * renderer by ~2.8 MB a minute (bench/voice/README.md). A data: URL is played from memory and let
 * go with it. Pages that play these need `media-src data:` in their CSP.
 */
export function audioDataUrl(bytes: ArrayBuffer, mime: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.onerror = () => reject(reader.error ?? new Error('the audio could not be read'))
    reader.readAsDataURL(new Blob([bytes], { type: mime }))
  })
}
