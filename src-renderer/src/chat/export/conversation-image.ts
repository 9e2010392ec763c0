import { toBlob } from 'html-to-image'
import { conversationHtml } from './conversation-export'

/**
 * A conversation as one PNG image. It is drawn from the messages (the export's Markdown, as the
 * PDF's page is), not from the chat on screen: the message list only has the messages in view in
 * its DOM, and the image is of the whole conversation. The page is laid out off screen in the
 * studio's theme, then html-to-image draws it.
 */
const IMAGE_CSS = `
.chat-image-export { width: 760px; box-sizing: border-box; padding: 28px 36px; background: #ffffff; color: #1f1f1f;
  font: 14px/1.6 -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; overflow-wrap: anywhere; }
.chat-image-export h1 { font-size: 22px; margin: 0 0 4px; }
.chat-image-export h3 { font-size: 14px; color: #555555; margin: 16px 0 6px; }
.chat-image-export hr { border: none; border-top: 1px solid #e5e5e5; margin: 16px 0; }
.chat-image-export pre { background: #f6f6f6; padding: 8px 10px; border-radius: 6px; white-space: pre-wrap; word-break: break-word; }
.chat-image-export code { background: #f6f6f6; padding: 0 3px; border-radius: 3px; font-size: 12.5px; }
.chat-image-export table { border-collapse: collapse; }
.chat-image-export td, .chat-image-export th { border: 1px solid #dddddd; padding: 4px 8px; }
.chat-image-export img { max-width: 100%; }
.chat-image-export a { color: #1677ff; }
.chat-image-export.dark { background: #141414; color: #e6e6e6; }
.chat-image-export.dark h3 { color: #a6a6a6; }
.chat-image-export.dark hr { border-top-color: #303030; }
.chat-image-export.dark pre, .chat-image-export.dark code { background: #262626; }
.chat-image-export.dark td, .chat-image-export.dark th { border-color: #424242; }
.chat-image-export.dark a { color: #4096ff; }
`

/** Chromium draws no canvas taller than 32,767 px: a very long conversation is drawn smaller. */
const MAX_HEIGHT_PX = 30_000

export async function conversationPng(markdown: string, opts: { dark: boolean }): Promise<Blob> {
  const host = document.createElement('div')
  host.setAttribute('aria-hidden', 'true')
  host.style.cssText = 'position:fixed;left:-100000px;top:0;pointer-events:none'
  const style = document.createElement('style')
  style.textContent = IMAGE_CSS
  const page = document.createElement('div')
  page.className = `chat-image-export${opts.dark ? ' dark' : ''}`
  // The Markdown renderer writes a model's own HTML as text (conversation-export.ts).
  page.innerHTML = conversationHtml(markdown)
  host.append(style, page)
  document.body.append(host)
  try {
    await Promise.all([...page.querySelectorAll('img')].map((img) => img.decode().catch(() => undefined)))
    const width = page.offsetWidth
    const height = page.scrollHeight
    const blob = await toBlob(page, {
      width,
      height,
      pixelRatio: Math.min(2, MAX_HEIGHT_PX / height),
      backgroundColor: opts.dark ? '#141414' : '#ffffff',
      // The system's fonts draw every script; fetching the page's web fonts only slows it down.
      skipFonts: true
    })
    if (!blob) throw new Error('The image could not be drawn')
    return blob
  } finally {
    host.remove()
  }
}
