import { z } from 'zod'
import { says } from './messages'

/**
 * Long-term memory: short facts about one user (the chat protocol's `user_id`), kept per agent or
 * shared by every agent whose memory is set to shared. See src-main/core/memory/README.md.
 */

const id = z.string().min(1).max(64)
const userId = z.string().trim().min(1, 'userId must not be empty').max(128)
const text = z.string().trim().min(1, says('not_empty')).max(1000, 'must be at most 1000 characters')

/** The agent setting (Agent.memory). */
export const AgentMemorySettings = z.object({
  /** Learn facts about users after each answered turn and recall them before the next. */
  enabled: z.boolean(),
  /** Read and write the user's shared memories (seen by every agent with shared on) instead of this agent's own. */
  shared: z.boolean()
})
export type AgentMemorySettings = z.infer<typeof AgentMemorySettings>

export const Memory = z.object({
  id,
  userId: z.string(),
  /** null = shared by every agent whose memory is shared. */
  agentId: z.string().nullable(),
  text: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int()
})
export type Memory = z.infer<typeof Memory>

export const MemoryList = z.object({
  userId: z.string().max(128).optional(),
  /** The memories this agent sees: its own, plus the shared ones when its memory is shared. */
  agentId: z.string().max(64).optional(),
  /** Only memories containing this text. */
  q: z.string().max(200).optional()
})
export const MemoryCreate = z.object({ userId, agentId: id.nullable().default(null), text })
export const MemoryUpdate = z.object({ text: text.optional(), agentId: id.nullable().optional() })

export const MemoryUser = z.object({ userId: z.string(), count: z.number().int(), updatedAt: z.number().int() })
export const ForgetInput = z.object({
  userId,
  /** Only this agent's own memories of the user; absent = everything about the user. */
  agentId: z.string().max(64).optional()
})
/** The last failed extraction of an agent (model down, an answer without JSON); gone after one that works. */
export const MemoryFailure = z.object({
  agentId: z.string(),
  userId: z.string(),
  message: z.string(),
  at: z.number().int()
})
export type MemoryFailure = z.infer<typeof MemoryFailure>

export const ForgetResult = z.object({ deleted: z.number().int() })
