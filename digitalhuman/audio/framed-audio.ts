/**
 * An <audio> element in its own empty same-origin <iframe>, which renew() replaces. Chromium keeps,
 * per document, something of every distinct media URL an element of that document loaded — about the
 * clip's size, even from data: URLs, after the element has moved on, until a few hundred clips — and
 * lets it go only with the document: a kiosk speaking every sentence from a new URL grew its renderer
 * ~2 MB a minute (bench/voice/README.md: `media-url-memory.ts --kind data` against `--kind frame`).
 * A page that speaks all day plays through one of these and renews it between visitors. The element
 * is still an <audio> element of this page's renderer, so echo cancellation treats it as before.
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
