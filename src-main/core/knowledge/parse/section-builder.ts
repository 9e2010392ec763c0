import type { Section } from './types'

/**
 * Collects text under the current heading path. Headings close the running section and open a
 * new one; a heading at level n replaces every heading at level >= n, so skipped levels
 * (h1 then h3) still give a short, correct path.
 */
export class SectionBuilder {
  private readonly sections: Section[] = []
  private readonly stack: { level: number; text: string }[] = []
  private parts: string[] = []

  heading(level: number, text: string): void {
    this.flush()
    const clean = text.replace(/\s+/g, ' ').trim()
    if (!clean) return
    while (this.stack.length && this.stack[this.stack.length - 1].level >= level) this.stack.pop()
    this.stack.push({ level, text: clean })
  }

  append(text: string): void {
    this.parts.push(text)
  }

  finish(): Section[] {
    this.flush()
    return this.sections
  }

  private flush(): void {
    const text = tidy(this.parts.join(''))
    this.parts = []
    if (text) this.sections.push({ text, headingPath: this.stack.map((h) => h.text) })
  }
}

/** Trailing spaces and runs of blank lines carry no meaning and would only inflate chunk sizes. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t\f\v\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
