import { z } from 'zod'

/**
 * The extraction step: the agent's own model reads the latest exchange and the memories it may
 * change, and answers with operations. Memories are shown with short ids (m1, m2…) so the model
 * copies them reliably and never sees or invents database ids.
 */

export const EXTRACTION_PROMPT = `You maintain the long-term memory an assistant keeps about one user.
Read the latest exchange and the stored memories, then decide what to remember.

Remember durable facts about the user that will help in future conversations: name, how to address them, preferences and dislikes, plans and dates, family and work, circumstances, standing instructions.
Do not remember: small talk, one-off questions, general knowledge, what the assistant said unless the user confirmed it, or anything about other people that is not about the user's life.

Answer with JSON only, no prose, in exactly this form:
{"operations":[{"op":"add","text":"..."},{"op":"update","id":"m1","text":"..."},{"op":"delete","id":"m2"}]}
- add: a new fact no stored memory covers.
- update: a stored memory is refined or contradicted by the new information; give the complete new text (the old text is replaced).
- delete: a stored memory is no longer true, or the user asked to forget it.
- Never add a fact that is already stored, even in other words. If nothing should change, answer {"operations":[]}.
Each text is one short self-contained statement about the user in the third person (e.g. "Prefers window seats"), in the language the user wrote in.`

const Operation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), text: z.string().trim().min(1).max(500) }),
  z.object({ op: z.literal('update'), id: z.string(), text: z.string().trim().min(1).max(500) }),
  z.object({ op: z.literal('delete'), id: z.string() })
])
export type Operation = z.infer<typeof Operation>

export function extractionMessages(existing: { ref: string; text: string }[], exchange: { user: string; assistant: string }) {
  const stored = existing.length ? existing.map((m) => `${m.ref}: ${m.text}`).join('\n') : '(none)'
  return [
    { role: 'system' as const, content: EXTRACTION_PROMPT },
    {
      role: 'user' as const,
      content: `Stored memories:\n${stored}\n\nLatest exchange:\nUser: ${exchange.user.slice(0, 4000)}\nAssistant: ${exchange.assistant.slice(0, 2000)}`
    }
  ]
}

/**
 * The operations in a model's answer. Models wrap JSON in code fences or add a sentence around
 * it, so the outermost {...} is taken; invalid operations are dropped one by one rather than
 * failing the whole answer. Throws only when there is no JSON object at all.
 */
export function parseOperations(answer: string): Operation[] {
  const start = answer.indexOf('{')
  const end = answer.lastIndexOf('}')
  if (start < 0 || end <= start) throw new Error(`the model did not answer with JSON: ${answer.slice(0, 200)}`)
  let data: unknown
  try {
    data = JSON.parse(answer.slice(start, end + 1))
  } catch (err) {
    throw new Error(`the model's JSON does not parse (${(err as Error).message}): ${answer.slice(0, 200)}`)
  }
  const list = Array.isArray((data as { operations?: unknown })?.operations) ? (data as { operations: unknown[] }).operations : []
  return list
    .flatMap((op) => {
      const parsed = Operation.safeParse(op)
      return parsed.success ? [parsed.data] : []
    })
    .slice(0, 20)
}
