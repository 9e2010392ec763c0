import type { Source } from '../../../contract/chat'
import type { Agent } from '../../../contract/entities'
import type { AgentKnowledgeBinding } from '../../../contract/knowledge'
import type { ToolProvider, ToolSpec } from '../../chat/tool-registry'
import type { Retriever } from './search'
import { log } from '../../../base/log'

export interface KnowledgeContext {
  /** A system-prompt section with the numbered passages and how to cite them. */
  system: string
  sources: Source[]
}

// Passages put in one prompt, across all bound knowledge bases.
const MAX_CONTEXT_PASSAGES = 20
// Numbering state is kept per turn this long (a turn with tools rarely runs longer).
const RUN_TTL_MS = 30 * 60_000

/**
 * How agents use their knowledge bases in a turn: bindings with `use: 'context'` are searched
 * with the user's message and the passages go into the system prompt; bindings with
 * `use: 'tool'` give the model a `search_knowledge` tool. Passages are numbered across the turn
 * ([1], [2]… continuing over several tool calls), in the order of the `sources` events, so that
 * the numbers the answer cites match the sources the client holds.
 */
export function agentKnowledge(deps: {
  bindings(agentId: string): Promise<AgentKnowledgeBinding[]>
  kbNames(ids: string[]): Promise<Map<string, { name: string; description: string }>>
  retriever: Retriever
}) {
  const numbering = new Map<string, { next: number; at: number }>()
  const take = (runId: string, n: number) => {
    const now = Date.now()
    for (const [k, v] of numbering) if (now - v.at > RUN_TTL_MS) numbering.delete(k)
    const state = numbering.get(runId) ?? { next: 1, at: now }
    const first = state.next
    state.next += n
    state.at = now
    numbering.set(runId, state)
    return first
  }

  async function searchAll(bindings: AgentKnowledgeBinding[], query: string, signal?: AbortSignal): Promise<Source[]> {
    const results = await Promise.all(
      bindings.map((b) =>
        deps.retriever.search(b.kbId, { ...b.settings, query }, signal).then(
          (r) => r.hits,
          (err) => {
            // One unreachable embedding or rerank server must not cost the answer the other bases.
            log.warn({ err, kbId: b.kbId }, 'knowledge search failed in a turn')
            return [] as Source[]
          }
        )
      )
    )
    return results
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, MAX_CONTEXT_PASSAGES)
  }

  return {
    /** Passages for the user's message from the knowledge bases bound as context; null when none are bound or nothing matched. */
    async context(args: { agent: Agent; query: string; runId: string; signal?: AbortSignal }): Promise<KnowledgeContext | null> {
      const bindings = (await deps.bindings(args.agent.id)).filter((b) => b.settings.use === 'context')
      if (!bindings.length || !args.query.trim()) return null
      const sources = await searchAll(bindings, args.query, args.signal)
      if (!sources.length) return null
      const first = take(args.runId, sources.length)
      return {
        sources,
        system: [
          'Passages from the knowledge base that may answer the user. Use them when they are relevant and cite each passage you use by its number in square brackets, like [1]. If they do not contain the answer, say so instead of guessing.',
          '',
          formatPassages(sources, first)
        ].join('\n')
      }
    },

    toolProvider(): ToolProvider {
      return {
        name: 'knowledge',
        async toolsFor(ctx) {
          const bindings = (await deps.bindings(ctx.agent.id)).filter((b) => b.settings.use === 'tool')
          if (!bindings.length) return []
          const kbs = await deps.kbNames(bindings.map((b) => b.kbId))
          const names = bindings.map((b) => kbs.get(b.kbId)?.name ?? b.kbId)
          const described = bindings.map((b) => {
            const kb = kbs.get(b.kbId)
            return `- ${kb?.name ?? b.kbId}${kb?.description ? `: ${kb.description}` : ''}`
          })
          const tool: ToolSpec = {
            name: 'search_knowledge',
            description: [
              "Search the user's knowledge bases for passages relevant to a question. Call it before answering questions about facts they may cover; the results are numbered, cite them like [1].",
              'Knowledge bases:',
              ...described
            ].join('\n'),
            parameters: {
              type: 'object',
              properties: {
                query: { type: 'string', description: 'What to look for: a question or keywords, in the language of the documents' },
                ...(names.length > 1 ? { knowledge_base: { type: 'string', enum: names, description: 'Search only this one (default: all)' } } : {})
              },
              required: ['query']
            },
            timeoutMs: 60_000,
            async execute(args, tctx) {
              const query = typeof args.query === 'string' ? args.query.trim() : ''
              if (!query) return { content: 'query must be a non-empty string', isError: true }
              const only = typeof args.knowledge_base === 'string' ? args.knowledge_base : null
              const chosen = only ? bindings.filter((b, i) => names[i] === only) : bindings
              if (!chosen.length) return { content: `No knowledge base named "${only}". Use one of: ${names.join(', ')}`, isError: true }
              const sources = await searchAll(chosen, query, tctx.signal)
              if (!sources.length) return { content: 'No passage matched. Try other words, or answer that the knowledge base does not cover it.' }
              const first = take(tctx.runId, sources.length)
              tctx.emit({ type: 'sources', sources })
              return { content: formatPassages(sources, first) }
            }
          }
          return [tool]
        }
      }
    }
  }
}

/** `[n] document › heading (p. 3)` then the text, one passage after another. */
export function formatPassages(sources: Source[], first: number): string {
  return sources
    .map((s, i) => {
      const where = [s.docName, ...(s.headingPath ?? [])].join(' › ') + (s.page ? ` (p. ${s.page})` : '')
      return `[${first + i}] ${where}\n${s.text}`
    })
    .join('\n\n')
}
