import { z } from 'zod'
import { OpenAiChatRequest } from './chat'

// ---------- /v1: what OpenAI clients send beyond the messages ----------

/** A function the caller runs itself: when the model calls it, the turn returns the call to the caller. */
export const OpenAiTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1–64 letters, digits, _ or -'),
    description: z.string().max(10_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish()
  })
})

export const OpenAiToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) })
])

export const OpenAiResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1).max(64),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish()
    })
  })
])

/** Sampling parameters a caller may set for its request; they override the agent's own. */
const sampling = {
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish()
}
export const SAMPLING_KEYS = Object.keys(sampling) as (keyof typeof sampling)[]

/** Fields OpenAI accepts that an agent cannot honour: refused with the reason, never ignored. */
const unsupportedChat: Record<string, { when(v: unknown): boolean; why: string }> = {
  n: { when: (v) => v !== undefined && v !== null && v !== 1, why: 'n > 1 is not supported: an agent gives one answer per request (send several requests)' },
  logprobs: { when: (v) => v === true, why: 'logprobs are not supported: an agent’s answer spans several model calls' },
  top_logprobs: { when: (v) => v !== undefined && v !== null && v !== 0, why: 'top_logprobs are not supported' },
  modalities: { when: (v) => Array.isArray(v) && v.some((m) => m !== 'text'), why: 'only text output is supported (no audio modality)' },
  audio: { when: (v) => v !== undefined && v !== null, why: 'audio output is not supported' },
  prediction: { when: (v) => v !== undefined && v !== null, why: 'predicted outputs are not supported' },
  functions: { when: (v) => v !== undefined, why: 'the legacy `functions` field is not supported: send `tools` instead' },
  function_call: { when: (v) => v !== undefined, why: 'the legacy `function_call` field is not supported: send `tool_choice` instead' }
}

const refuse = (table: Record<string, { when(v: unknown): boolean; why: string }>) => (body: Record<string, unknown>, ctx: z.RefinementCtx) => {
  for (const [key, rule] of Object.entries(table)) if (rule.when(body[key])) ctx.addIssue({ code: 'custom', path: [key], message: rule.why })
}

/** POST /v1/chat/completions. */
export const ChatCompletionRequest = OpenAiChatRequest.extend({
  tools: z.array(OpenAiTool).max(128).optional(),
  tool_choice: OpenAiToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: OpenAiResponseFormat.optional(),
  ...sampling
})
  .passthrough()
  .superRefine(refuse(unsupportedChat))
  .superRefine((b, ctx) => {
    const choice = b.tool_choice
    if (typeof choice === 'object' && !b.tools?.some((t) => t.function.name === choice.function.name))
      ctx.addIssue({ code: 'custom', path: ['tool_choice'], message: `tool_choice names "${choice.function.name}", which is not in tools` })
    if (b.tool_choice === 'required' && !b.tools?.length) ctx.addIssue({ code: 'custom', path: ['tool_choice'], message: 'tool_choice "required" needs tools' })
  })
export type ChatCompletionRequest = z.output<typeof ChatCompletionRequest>

// ---------- /v1/responses: text in, text out ----------

const ResponsesContentPart = z
  .object({ type: z.string(), text: z.string().optional() })
  .passthrough()
  .refine((p) => p.type === 'input_text' || p.type === 'output_text' || p.type === 'text', {
    message: 'only text content (input_text, output_text) is supported'
  })
const ResponsesInputItem = z
  .object({
    type: z.literal('message').optional(),
    role: z.enum(['system', 'developer', 'user', 'assistant']),
    content: z.union([z.string(), z.array(ResponsesContentPart)])
  })
  .passthrough()

const unsupportedResponses: Record<string, { when(v: unknown): boolean; why: string }> = {
  tools: { when: (v) => Array.isArray(v) && v.length > 0, why: 'tools are not supported on /v1/responses: use /v1/chat/completions for caller tools' },
  previous_response_id: {
    when: (v) => v !== undefined && v !== null,
    why: 'previous_response_id is not supported: responses are not stored, send the whole conversation as input'
  },
  conversation: { when: (v) => v !== undefined && v !== null, why: 'conversation is not supported: send the whole conversation as input' },
  background: { when: (v) => v === true, why: 'background responses are not supported' },
  prompt: { when: (v) => v !== undefined && v !== null, why: 'stored prompts are not supported: send instructions and input' }
}

/** POST /v1/responses (the subset the AI SDK's default OpenAI provider and openai-node need). */
export const ResponsesRequest = z
  .object({
    model: z.string().min(1, 'model is required: an agent uuid or name'),
    input: z.union([z.string().min(1, 'input must not be empty'), z.array(ResponsesInputItem).min(1, 'input must not be empty')], {
      error:
        'input must be text or a list of messages (role and text content): other item types (function calls and their output, images, files) are not supported'
    }),
    instructions: z.string().nullish(),
    stream: z.boolean().default(false),
    user: z.string().max(128).optional(),
    temperature: sampling.temperature,
    top_p: sampling.top_p,
    max_output_tokens: z.number().int().positive().nullish()
  })
  .passthrough()
  .superRefine(refuse(unsupportedResponses))
export type ResponsesRequest = z.output<typeof ResponsesRequest>
