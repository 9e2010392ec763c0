/**
 * An <audio> element in its own empty same-origin <iframe>, which renew() replaces. Chromium keeps
 * per document what some media loads leave behind (each distinct data: URL about a clip's size,
 * until a few hundred; the speaker plays revoked blob: URLs, ./clip-url.ts, which keep nothing
 * measurable) and lets it go with the document (bench/voice/README.md: `media-url-memory.ts --kind data` ~85 KB
 * a clip, `--kind frame` nothing). A page speaking all day plays through one of these and renews it
 * between visitors. It is still an <audio> element of this page's renderer: echo cancellation treats
 * it as before (tests/e2e/kiosk-listening.test.ts).
 */
export class FramedAudio {
  private frame: HTMLIFrameElement | undefined
  /** The element to play through now. */
  element: HTMLAudioElement

  /** `attrs` go on each <audio> element (a test id, say), `frameAttrs` on each frame, put into `host`. */
  constructor(
    private readonly host: HTMLElement,
    private readonly attrs: Record<string, string> = {},
    private readonly frameAttrs: Record<string, string> = {}
  ) {
    this.element = this.renew()
  }

  /** A new document and element; the old frame goes with whatever it held (a playing clip stops). */
  renew(): HTMLAudioElement {
    this.frame?.remove()
    const frame = document.createElement('iframe')
    frame.hidden = true
    frame.tabIndex = -1
    frame.setAttribute('aria-hidden', 'true')
    frame.setAttribute('allow', 'autoplay')
    for (const [k, v] of Object.entries(this.frameAttrs)) frame.setAttribute(k, v)
    this.host.append(frame)
    // The frame's initial about:blank document: same origin, the page's CSP, there synchronously.
    const doc = frame.contentDocument!
    const audio = doc.createElement('audio')
    for (const [k, v] of Object.entries(this.attrs)) audio.setAttribute(k, v)
    doc.body.append(audio)
    this.frame = frame
    this.element = audio
    return audio
  }
}
