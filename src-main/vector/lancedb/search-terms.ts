/**
 * What LanceDB's full-text index sees of a text. Chinese, Japanese and Korean have no spaces
 * between words, so each run of those characters becomes its overlapping character pairs
 * (古镇景点 → 古镇 镇景 景点): a dictionary-free way to find two-character words, which LanceDB's
 * own tokenizers miss ("simple") or crash on (language "Chinese"). Everything else stays as it is
 * and LanceDB's "simple" tokenizer splits it into words.
 *
 * Letting LanceDB's ngram tokenizer pair up every character instead (the first design) also cut
 * English words into pairs: about 6 × the tokens, a full-text index build ~1.7 × slower and
 * AND-queries on English words ~9 × slower at 100k rows (bench/kb), and "art" matched "start".
 */

// Han (incl. extension A and compatibility ideographs), kana and Hangul syllables.
const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/g

export function searchTerms(text: string): string {
  return text.replace(CJK_RUN, pairs)
}

function pairs(run: string): string {
  if (run.length < 3) return ` ${run} `
  const out = new Array<string>(run.length - 1)
  for (let i = 0; i + 1 < run.length; i++) out[i] = run.slice(i, i + 2)
  return ` ${out.join(' ')} `
}
