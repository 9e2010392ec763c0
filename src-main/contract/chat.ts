import { z } from 'zod'

/** Chat: sessions, messages, run traces, the events of a turn, and the wire shapes of the
 *  original platform's chat protocol (HTTP + Socket.IO) and of the OpenAI-compatible API. */

const id = z.string().min(1).max(128)

/**
 * Where a session came from: the studio (chat screen, editor preview), the chat protocol (phone
 * page, website widget, kiosk), the API (/v1, /mcp) or a digital employee's scheduled run.
 */
export const SessionOrigin = z.enum(['studio', 'chat', 'api', 'schedule'])
export type SessionOrigin = z.infer<typeof SessionOrigin>

export const ChatSession = z.object({
  id,
  agentId: z.string(),
  userId: z.string(),
  origin: SessionOrigin,
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number()
})
export type ChatSession = z.infer<typeof ChatSession>

export const ToolCallRecord = z.object({ id: z.string(), name: z.string(), arguments: z.string() })
export const Source = z.object({
  kbId: z.string(),
  docId: z.string(),
  docName: z.string(),
  chunkId: z.string(),
  text: z.string(),
  score: z.number(),
  page: z.number().optional(),
  headingPath: z.array(z.string()).optional()
})
export type Source = z.infer<typeof Source>
export const Usage = z.object({ promptTokens: z.number(), completionTokens: z.number() })
export type Usage = z.infer<typeof Usage>
export const TurnStatus = z.enum(['ok', 'stopped', 'error'])
export type TurnStatus = z.infer<typeof TurnStatus>

/** Largest attached file (bytes): an image for a vision model or a document to read. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

/** A file sent with a user message; `data` is its bytes in base64 (no `data:` prefix). */
export const Attachment = z.object({
  name: z.string().trim().min(1).max(255),
  mimeType: z.string().max(100).default('application/octet-stream'),
  data: z.string().max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4, `must be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`)
})
export type Attachment = z.infer<typeof Attachment>

/** An attachment as stored with the message: images keep a data URL (sent to vision models), files their extracted text. */
export const StoredAttachment = z.object({
  name: z.string(),
  mimeType: z.string(),
  size: z.number(),
  kind: z.enum(['image', 'file']),
  dataUrl: z.string().optional(),
  text: z.string().optional()
})
export type StoredAttachment = z.infer<typeof StoredAttachment>

export const MessageMeta = z.object({
  attachments: z.array(StoredAttachment).optional(),
  runId: z.string().optional(),
  toolCalls: z.array(ToolCallRecord).optional(),
  toolCallId: z.string().optional(),
  toolName: z.string().optional(),
  isError: z.boolean().optional(),
  /** A tool message's images (data URLs), shown in the chat with the step that returned them. */
  images: z.array(z.string()).optional(),
  cards: z.array(z.unknown()).optional(),
  sources: z.array(Source).optional(),
  usage: Usage.optional(),
  status: TurnStatus.optional(),
  error: z.string().optional(),
  reasoning: z.string().optional(),
  /** An answer's model (the agent's, or the one chosen for the turn) and how long the turn had run when it was saved. */
  model: z.string().optional(),
  durationMs: z.number().optional()
})
export type MessageMeta = z.infer<typeof MessageMeta>

export const ChatMessage = z.object({
  id,
  sessionId: z.string(),
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string(),
  meta: MessageMeta,
  createdAt: z.number(),
  /**
   * When the message has alternatives (earlier or later edits of it, other answers to the same
   * message): all their ids, oldest first, this one among them. Absent when it has none.
   */
  branches: z.array(z.string()).optional()
})
export type ChatMessage = z.infer<typeof ChatMessage>

export const RunStep = z.object({
  id,
  runId: z.string(),
  sessionId: z.string(),
  kind: z.enum(['model', 'tool']),
  name: z.string(),
  input: z.string(),
  output: z.string(),
  error: z.string().nullable(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  startedAt: z.number(),
  endedAt: z.number().nullable()
})
export type RunStep = z.infer<typeof RunStep>

/** A card as it travels with a turn (show_card's templates, an MCP chart): a type and its data. */
export const TurnCard = z.object({ type: z.string(), data: z.record(z.string(), z.unknown()) })

/**
 * How far a running tool call has got, as its server reports it (MCP progress notifications):
 * `progress` only grows; `total` when the server knows it; `message` is the server's own words.
 */
export const ToolProgress = z.strictObject({ progress: z.number(), total: z.number().optional(), message: z.string().optional() })
export type ToolProgress = z.infer<typeof ToolProgress>

/** Of an explainer's steps (the `explain` tool): which one (1-based) and how many there are. */
export const ExplainStep = z.object({ index: z.number().int().min(1), count: z.number().int().min(1) })

/**
 * What a running turn reports, in order. Every transport maps these to its own wire form: the
 * studio's `chat.turn` stream sends them as they are, `/chat-message` as `ChatMessageChunk`s.
 * `sentence` comes only when the caller asked for sentences: the speakable text (Markdown and
 * code stripped) of each finished sentence of the answer, in order, as soon as it ends.
 */
export const TurnEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), runId: z.string(), sessionId: z.string() }),
  z.strictObject({ type: z.literal('delta'), content: z.string() }),
  z.strictObject({ type: z.literal('reasoning'), content: z.string() }),
  z.strictObject({ type: z.literal('sentence'), index: z.number().int().min(0), text: z.string().min(1) }),
  z.strictObject({ type: z.literal('tool_call'), id: z.string(), name: z.string(), arguments: z.string() }),
  z.strictObject({ type: z.literal('tool_progress'), id: z.string(), name: z.string(), ...ToolProgress.shape }),
  z.strictObject({
    type: z.literal('tool_result'),
    id: z.string(),
    name: z.string(),
    content: z.string(),
    isError: z.boolean(),
    durationMs: z.number(),
    images: z.array(z.string()).optional()
  }),
  z.strictObject({ type: z.literal('card'), card: TurnCard }),
  z.strictObject({ type: z.literal('sources'), sources: z.array(Source) }),
  z.strictObject({
    type: z.literal('wait'),
    waitId: z.string(),
    kind: z.enum(['input', 'client', 'digitalhuman']),
    schema: z.unknown().optional(),
    text: z.string().optional(),
    /** A digital-human wait for one step of an explainer. */
    step: ExplainStep.optional()
  }),
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.strictObject({
    type: z.literal('done'),
    status: TurnStatus,
    messageId: z.string().nullable(),
    usage: Usage,
    /** The model that answered and how long the turn took (the chat shows them under the answer). */
    model: z.string().optional(),
    durationMs: z.number().optional()
  })
])
export type TurnEvent = z.infer<typeof TurnEvent>

// ---------- studio chat endpoints ----------
export const SessionCreate = z.object({ agentId: id, userId: z.string().max(128).default('studio'), title: z.string().max(200).default('') })
export const SessionList = z.object({
  agentId: z.string().optional(),
  userId: z.string().optional(),
  q: z.string().max(200).optional(),
  /** Only sessions from there. */
  origin: SessionOrigin.optional()
})
export const TurnRequest = z.object({
  sessionId: id,
  message: z.string().max(100_000).optional(),
  /** Drop the last answer and answer the last user message again. */
  regenerate: z.boolean().optional(),
  /** Replace this user message (and drop everything after it) with `message`. */
  editMessageId: z.string().optional(),
  clientId: z.string().optional(),
  /** Images (shown to vision models) and documents (their text is read) sent with the message. */
  attachments: z.array(Attachment).max(5, 'at most 5 files per message').optional(),
  /** Also stream the answer's spoken sentences (`sentence` events), for a client that speaks it. */
  sentences: z.boolean().optional(),
  /** Another chat model (a models.list row id) for this turn only; the agent keeps its own. */
  modelId: id.optional()
})
export const WaitAnswer = z.object({ waitId: id, data: z.unknown() })

// ---------- the original chat protocol ----------
export const ChatInitBody = z.object({
  app_uuid: z.string().min(1, 'app_uuid is required'),
  user_id: z.coerce.string().max(128).default('anonymous'),
  session_id: z.string().max(128).optional().nullable()
})
export const ChatMessageBody = z.object({
  message: z.string().min(1, 'message must not be empty').max(100_000),
  stream: z.boolean().default(true),
  session_id: z.string().min(1, 'session_id is required (from /chat-init)'),
  socket_id: z.string().max(128).optional().nullable(),
  app_uuid: z.string().min(1, 'app_uuid is required'),
  user_id: z.coerce.string().max(128).default('anonymous'),
  is_digitalhuman: z.boolean().default(false),
  /** Our extension: also stream `type: "sentence"` chunks, the answer's spoken sentences as each one ends. */
  sentences: z.boolean().default(false)
})

const chunk = { content: z.string(), card: TurnCard.nullable() }
/**
 * One `data:` chunk of `/chat-message`'s stream (then `data: [DONE]`). Every chunk starts with
 * `content` and `card`, so a client that reads only those shows the answer and the cards; `type`
 * and its fields are for richer clients.
 */
export const ChatMessageChunk = z.union([
  z.strictObject({ ...chunk, run_id: z.string(), session_id: z.string() }),
  z.strictObject(chunk),
  z.strictObject({ ...chunk, type: z.literal('reasoning'), reasoning: z.string() }),
  z.strictObject({ ...chunk, type: z.literal('sentence'), sentence: z.strictObject({ index: z.number().int().min(0), text: z.string().min(1) }) }),
  z.strictObject({ ...chunk, type: z.literal('tool_call'), tool: z.strictObject({ id: z.string(), name: z.string(), arguments: z.string() }) }),
  z.strictObject({ ...chunk, type: z.literal('tool_progress'), tool: z.strictObject({ id: z.string(), name: z.string(), ...ToolProgress.shape }) }),
  z.strictObject({
    ...chunk,
    type: z.literal('tool_result'),
    tool: z.strictObject({ id: z.string(), name: z.string(), content: z.string(), is_error: z.boolean(), duration_ms: z.number() })
  }),
  z.strictObject({ ...chunk, type: z.literal('sources'), sources: z.array(Source) }),
  z.strictObject({
    ...chunk,
    type: z.literal('wait'),
    wait_id: z.string(),
    wait: z.strictObject({
      kind: z.enum(['input', 'client', 'digitalhuman']),
      input_schema: z.unknown().optional(),
      text: z.string().optional(),
      step: ExplainStep.optional()
    })
  }),
  z.strictObject({ ...chunk, type: z.literal('error'), error: z.strictObject({ code: z.string(), message: z.string() }) })
])
export type ChatMessageChunk = z.infer<typeof ChatMessageChunk>
/** A frame of `/chat-message`'s stream: a chunk, or the closing `[DONE]`. */
export const ChatMessageFrame = z.union([ChatMessageChunk, z.literal('[DONE]')])
export type ChatMessageFrame = z.infer<typeof ChatMessageFrame>

/** `systemdata` comes in two shapes in the wild: registered functions, or a page module. */
export const SystemData = z.union([
  z.object({
    action: z.literal('register_functions'),
    payload: z
      .array(
        z.object({ name: z.string().min(1).max(64), description: z.string().max(1000).default(''), parameters: z.record(z.string(), z.unknown()).optional() })
      )
      .max(100)
  }),
  z.object({
    type: z.literal('page_module'),
    name: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    userinfo: z.record(z.string(), z.unknown()).optional(),
    pages: z.array(z.object({ code: z.string().min(1).max(128), name: z.string().max(200), description: z.string().max(1000).default('') })).max(200)
  })
])
export type SystemData = z.infer<typeof SystemData>
export const AgentResponse = z.object({ wait_id: z.string().min(1), response_data: z.unknown() })
export const DigitalHumanCompletion = z.object({ wait_id: z.string().min(1), completion_data: z.unknown().optional() })

// Server → client events of the control channel that the turn sends.
/** `wait_for_digitalhuman`: speak `text` (an answer, or one explainer step) and answer with `digitalhuman_completion`. */
export const WaitForDigitalHuman = z.strictObject({ wait_id: z.string().min(1), text: z.string(), step: ExplainStep.optional() })
export type WaitForDigitalHuman = z.infer<typeof WaitForDigitalHuman>

// ---------- OpenAI-compatible API (the subset an agent needs) ----------
const contentPart = z.object({ type: z.string(), text: z.string().optional() }).passthrough()
export const OpenAiChatRequest = z
  .object({
    model: z.string().min(1, 'model is required: an agent uuid or name'),
    messages: z
      .array(
        z
          .object({
            role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
            content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
            name: z.string().optional()
          })
          .passthrough()
      )
      .min(1, 'messages must not be empty'),
    stream: z.boolean().default(false),
    stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
    user: z.string().max(128).optional()
  })
  .passthrough()
