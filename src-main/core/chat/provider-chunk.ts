import { z } from 'zod'

/**
 * The part of a streamed chat-completion chunk the turn reads, as a provider must send it. Text is
 * text: a provider that sends `content: 123` is broken, and relaying a number would break every
 * client after it, so such a chunk fails the call. Token counts are only bookkeeping: a count that
 * is a numeric string is read as its number, anything else as unknown (null), never stored as is.
 */
const text = z.string().nullish()

const tokenCount = z.unknown().transform((v): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v)
  return v === undefined || v === null ? 0 : null
})

const ToolCallDelta = z.object({
  // Some servers leave out the index of a single call; a huge one would make a sparse array.
  index: z.number().int().min(0).max(127).default(0),
  id: text,
  function: z.object({ name: text, arguments: text }).nullish()
})

export const ProviderChunk = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: text, reasoning_content: text, tool_calls: z.array(ToolCallDelta).nullish() }).nullish(),
        finish_reason: z.string().nullish()
      })
    )
    .nullish(),
  usage: z.object({ prompt_tokens: tokenCount, completion_tokens: tokenCount }).nullish()
})
export type ProviderChunk = z.infer<typeof ProviderChunk>

/** What was wrong with a chunk, in one line: the first problem's path and zod's words. */
export function chunkProblem(err: z.ZodError): string {
  const issue = err.issues[0]
  return `${issue.path.join('.') || 'chunk'}: ${issue.message}`
}
