/** Text a chunk is indexed and embedded with: its headings make it findable by them too. */
export function indexedText(c: { text: string; headingPath: string[] }): string {
  return c.headingPath.length ? `${c.headingPath.join(' > ')}\n${c.text}` : c.text
}
