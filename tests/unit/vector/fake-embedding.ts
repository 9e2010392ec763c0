/**
 * A deterministic stand-in for an embedding model: a signed, hashed bag of English words and
 * Chinese character bigrams, L2-normalised. Texts sharing words get a high cosine similarity,
 * which is all the vector tests need.
 */
export const FAKE_DIM = 32

export function fakeEmbed(text: string, dim = FAKE_DIM): number[] {
  const v = new Array<number>(dim).fill(0)
  for (const token of tokens(text)) {
    const h = fnv1a(token)
    v[h % dim] += (h >>> 16) & 1 ? 1 : -1
  }
  const norm = Math.hypot(...v)
  if (norm === 0) {
    v[0] = 1
    return v
  }
  return v.map((x) => x / norm)
}

function tokens(text: string): string[] {
  const out: string[] = []
  for (const run of text.toLowerCase().match(/[a-z0-9_]+|[\u3400-\u9fff]+/g) ?? []) {
    if (/^[a-z0-9_]/.test(run)) out.push(run)
    else if (run.length === 1) out.push(run)
    else for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2))
  }
  return out
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}
