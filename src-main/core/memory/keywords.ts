/**
 * Keyword-overlap relevance for memories: no embedding model needed, Chinese and English alike.
 * Latin words are matched whole (with a crude plural/verb-ending fold), CJK runs by character
 * bigrams since they have no spaces.
 */

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/
const STOP = new Set(
  'a an the and or but if of to in on at by for with from as is are was were be been being am do does did have has had i me my mine you your yours we our us he him his she her it its they them their this that these those what which who whom how when where why can could would should will shall may might must not no yes so than then there here about into over just also very too please tell know like want user assistant 的 了 是 我 你 他 她 它 们 吗 呢 吧 啊 在 和 与 或 就 都 也 很 这 那 有'.split(
    ' '
  )
)

const fold = (w: string) => (w.length > 4 ? w.replace(/(ies|es|s|ing|ed)$/, '') : w)

/** Distinct terms of a text. */
export function terms(text: string): Set<string> {
  const out = new Set<string>()
  for (const run of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (CJK.test(run)) {
      const chars = Array.from(run).filter((c) => CJK.test(c) || /[\p{L}\p{N}]/u.test(c))
      if (chars.length === 1 && !STOP.has(chars[0])) out.add(chars[0])
      for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1])
    } else if (!STOP.has(run) && (run.length > 1 || /\d/.test(run))) {
      out.add(fold(run))
    }
  }
  return out
}

/**
 * Ranks texts by the query terms they share, rarer terms weighing more (a term in every memory
 * says nothing), longer texts slightly less (they match more by chance).
 */
export function rankByOverlap<T>(query: string, items: T[], text: (item: T) => string): { item: T; score: number }[] {
  const q = terms(query)
  const docs = items.map((item) => ({ item, t: terms(text(item)) }))
  const df = new Map<string, number>()
  for (const d of docs) for (const term of d.t) if (q.has(term)) df.set(term, (df.get(term) ?? 0) + 1)
  const n = docs.length
  return docs
    .map(({ item, t }) => {
      let score = 0
      for (const term of q) if (t.has(term)) score += Math.log(1 + n / (df.get(term) ?? 1))
      return { item, score: score / Math.sqrt(Math.max(t.size, 1)) }
    })
    .sort((a, b) => b.score - a.score)
}

/** Same fact, different spacing/case/punctuation: what "no duplicates" compares. */
export const normalizeFact = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim()
