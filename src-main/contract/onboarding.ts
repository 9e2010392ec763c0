import { z } from 'zod'
import { Agent } from './entities'

/**
 * A newcomer's first steps: what is done yet (a chat model, an agent, a chat), the model servers
 * found on this machine, and agent templates to start from.
 */

/** Counts the first-run checklist ticks itself from (the studio's real state, not clicks). */
export const FirstRunStatus = z.object({
  /** Enabled chat models of enabled providers. */
  chatModels: z.number().int(),
  agents: z.number().int(),
  /** Answers an agent has given, in any chat. */
  answers: z.number().int()
})
export type FirstRunStatus = z.infer<typeof FirstRunStatus>

/** A model server answering on this machine (Ollama, LM Studio), and whether a provider uses it already. */
export const LocalModelServer = z.object({
  kind: z.enum(['ollama', 'lmstudio']),
  name: z.string(),
  baseUrl: z.string(),
  models: z.array(z.string()),
  /** The id of the provider with this base URL, if one was added. */
  providerId: z.string().nullable()
})
export type LocalModelServer = z.infer<typeof LocalModelServer>

export const TemplateId = z.enum(['customer-service', 'data-analyst', 'daily-report', 'hall-guide'])
export type TemplateId = z.infer<typeof TemplateId>
export const TemplateLanguage = z.enum(['zh-CN', 'en'])

const TemplateTexts = z.object({ name: z.string(), description: z.string() })
/** What the template sets up besides the agent (the studio says so on its card). */
export const TemplateExtra = z.enum(['knowledgeBase', 'chartTool', 'excelTool', 'schedule', 'digitalHuman'])

export const AgentTemplate = z.object({
  id: TemplateId,
  avatar: z.string(),
  extras: z.array(TemplateExtra),
  texts: z.record(TemplateLanguage, TemplateTexts)
})
export type AgentTemplate = z.infer<typeof AgentTemplate>

export const TemplateCreate = z.object({
  templateId: TemplateId,
  /** The language of the agent's name, prompt and greetings; default: the studio's. */
  language: TemplateLanguage.optional()
})

export const TemplateCreated = z.object({
  agent: Agent,
  knowledgeBaseId: z.string().nullable(),
  scheduleId: z.string().nullable(),
  /** Bundled tools the template wanted but this studio does not have (deleted, or a host without them). */
  missingTools: z.array(z.string())
})
export type TemplateCreated = z.infer<typeof TemplateCreated>
