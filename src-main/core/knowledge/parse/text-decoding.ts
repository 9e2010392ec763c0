/**
 * Turns bytes of a text file into a string. Chinese users often have GBK/GB18030 files from
 * Windows tools, so anything that is not valid UTF-8 is read as GB18030 (a superset of GBK and
 * of ASCII) rather than shown as replacement characters.
 */
export function decodeText(buffer: Buffer): string {
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(buffer.subarray(3))
  }
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return new TextDecoder('utf-16le').decode(buffer.subarray(2))
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) return new TextDecoder('utf-16be').decode(buffer.subarray(2))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer)
  } catch {
    return new TextDecoder(gb18030Available ? 'gb18030' : 'utf-8').decode(buffer)
  }
}

// Node builds without full ICU lack the legacy decoders; UTF-8 with replacement beats a crash.
const gb18030Available = (() => {
  try {
    new TextDecoder('gb18030')
    return true
  } catch {
    return false
  }
})()

/** CRLF and lone CR become LF so paragraph and line splitting sees one convention. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}
