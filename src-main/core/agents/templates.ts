import type { z } from 'zod'
import { AgentCreate, type Agent, type AgentToolBinding, type KnowledgeBase, type Tool } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import { AgentKnowledgeBinding } from '../../contract/knowledge'
import type { AgentTemplate, TemplateCreated, TemplateId } from '../../contract/onboarding'
import { ScheduleCreate } from '../../contract/schedules'
import type { BundledName } from '../mcp/bundled-servers'

type Lang = 'zh-CN' | 'en'

/** Everything a template writes, in both languages. */
interface TemplateText {
  name: string
  description: string
  systemPrompt: string
  welcomeMessage: string
  quickPhrases: string[]
  /** The knowledge base it makes, or the digital employee it schedules. */
  knowledgeBase?: string
  schedule?: { name: string; instruction: string }
}

interface TemplateData {
  id: TemplateId
  avatar: string
  agent: Partial<z.input<typeof AgentCreate>>
  /** Bundled MCP servers (mcp/) bound to the agent when this studio has them. */
  tools: BundledName[]
  knowledgeBase: boolean
  /** A daily run at this time (paused: the user turns it on). */
  dailyAt?: string
  texts: Record<Lang, TemplateText>
}

/**
 * The agent templates a newcomer starts from: data, in one place. The studio lists them
 * (`agentTemplates.list`) and one call (`agentTemplates.create`) makes the agent with what it needs.
 */
const templates: TemplateData[] = [
  {
    id: 'customer-service',
    avatar: '🎧',
    agent: { cardTemplates: ['welcome', 'list', 'detail'] },
    tools: [],
    knowledgeBase: true,
    texts: {
      en: {
        name: 'Customer service',
        description: 'Answers customers from your own documents, with sources.',
        systemPrompt:
          'You are the customer service of our company. Answer only from the knowledge base passages you are given, cite them with their [n] markers, and keep answers short and friendly. If the passages do not answer the question, say so and offer to pass it on to a colleague; never make up prices, dates or policies.',
        welcomeMessage: 'Hello! How can I help you today?',
        quickPhrases: ['What are your opening hours?', 'How do I return an item?', 'How can I reach a person?'],
        knowledgeBase: 'Customer service documents'
      },
      'zh-CN': {
        name: '智能客服',
        description: '根据你自己的文档回答客户问题，并注明出处。',
        systemPrompt:
          '你是我们公司的客服。只根据提供给你的知识库片段回答，并用 [n] 标注引用的片段；回答简短、友好。如果片段中没有答案，请如实说明，并提出转给同事处理；不要编造价格、日期或政策。',
        welcomeMessage: '您好！请问有什么可以帮您？',
        quickPhrases: ['营业时间是几点？', '怎么办理退货？', '怎样联系人工客服？'],
        knowledgeBase: '客服资料'
      }
    }
  },
  {
    id: 'data-analyst',
    avatar: '📊',
    agent: { cardTemplates: ['chart', 'table'], maxSteps: 12 },
    tools: ['chart', 'excel'],
    knowledgeBase: false,
    texts: {
      en: {
        name: 'Data analyst',
        description: 'Reads and writes Excel workbooks and draws charts from data.',
        systemPrompt:
          'You are a data analyst. Use the Excel tools to read the workbooks the user names or to write results into new ones, and the chart tools to draw what the numbers show. Say which sheet and columns you used, show key figures in a table, and explain the finding in two or three sentences.',
        welcomeMessage: 'Give me a workbook or some numbers, and I will analyse them and draw a chart.',
        quickPhrases: ['Make a sample sales workbook and chart it by month', 'Which products sold best?', 'Draw a pie chart of the shares']
      },
      'zh-CN': {
        name: '数据分析师',
        description: '读写 Excel 工作簿，并根据数据画图表。',
        systemPrompt:
          '你是一名数据分析师。用 Excel 工具读取用户指定的工作簿，或把结果写入新的工作簿；用图表工具画出数据说明的问题。说明用了哪个工作表和哪些列，用表格列出关键数字，再用两三句话解释结论。',
        welcomeMessage: '给我一个工作簿或一些数字，我来分析并画出图表。',
        quickPhrases: ['做一个示例销售工作簿，并按月画图', '哪些产品卖得最好？', '画一个占比饼图']
      }
    }
  },
  {
    id: 'daily-report',
    avatar: '📰',
    agent: {},
    tools: [],
    knowledgeBase: false,
    dailyAt: '08:00',
    texts: {
      en: {
        name: 'Daily report writer',
        description: 'Writes a short report every morning as a digital employee (paused until you turn it on).',
        systemPrompt:
          'You write a short daily report in Markdown: a title with the date, three to five bullet points of what matters today, and one line of advice. Use the current time tool for the date. Be concrete and brief.',
        welcomeMessage: 'I write the daily report. Ask me for one now, or let the digital employee run me every morning.',
        quickPhrases: ["Write today's report", 'Make it shorter'],
        schedule: { name: 'Daily report', instruction: "Write today's daily report." }
      },
      'zh-CN': {
        name: '日报助手',
        description: '作为数字员工每天早上写一份简短的日报（开启后才会执行）。',
        systemPrompt: '你用 Markdown 写一份简短的日报：标题带上日期，列出今天要关注的三到五条要点，最后给一句建议。用当前时间工具获取日期。内容具体、简洁。',
        welcomeMessage: '我负责写日报。现在就可以让我写一份，也可以让数字员工每天早上自动执行。',
        quickPhrases: ['写今天的日报', '再精简一些'],
        schedule: { name: '每日日报', instruction: '写一份今天的日报。' }
      }
    }
  },
  {
    id: 'hall-guide',
    avatar: '🧑‍💼',
    // The digital-human settings that exist today: the voice speed; avatars are chosen in the editor.
    agent: { digitalHuman: { speed: 1 }, cardTemplates: ['welcome', 'route', 'detail'] },
    tools: [],
    knowledgeBase: false,
    texts: {
      en: {
        name: 'Hall guide',
        description: 'Greets visitors in the hall as a digital human and shows them the way.',
        systemPrompt:
          'You are the guide in our exhibition hall, speaking with visitors face to face through a digital human. Answer in one to three short spoken sentences, without Markdown, lists or links. Greet warmly, tell visitors where things are and what is on, and suggest what to see next.',
        welcomeMessage: 'Welcome! I am your guide. What would you like to see?',
        quickPhrases: ['What is on today?', 'Where are the restrooms?', 'Introduce the hall']
      },
      'zh-CN': {
        name: '展厅讲解员',
        description: '以数字人在展厅接待来访者，介绍展品并指路。',
        systemPrompt:
          '你是我们展厅的讲解员，通过数字人与来访者面对面交流。每次用一到三句简短的口语回答，不要用 Markdown、列表或链接。热情问候，告诉来访者展品和设施在哪里、有什么看点，并建议下一步参观什么。',
        welcomeMessage: '欢迎光临！我是您的讲解员，想先看看什么？',
        quickPhrases: ['今天有什么展览？', '洗手间在哪里？', '介绍一下展厅']
      }
    }
  }
]

const extrasOf = (t: TemplateData): AgentTemplate['extras'] => [
  ...(t.knowledgeBase ? (['knowledgeBase'] as const) : []),
  ...t.tools.map((name) => (name === 'chart' ? ('chartTool' as const) : ('excelTool' as const))),
  ...(t.dailyAt ? (['schedule'] as const) : []),
  ...(t.agent.digitalHuman ? (['digitalHuman'] as const) : [])
]

/** The templates as the studio shows them: avatar, what each sets up, names in both languages. */
export const listTemplates = (): AgentTemplate[] =>
  templates.map((t) => ({
    id: t.id,
    avatar: t.avatar,
    extras: extrasOf(t),
    texts: {
      en: { name: t.texts.en.name, description: t.texts.en.description },
      'zh-CN': { name: t.texts['zh-CN'].name, description: t.texts['zh-CN'].description }
    }
  }))

/** What creating from a template needs of the runtime (its services, narrowed). */
export interface TemplateDeps {
  language(): Promise<Lang>
  agentNames(): Promise<string[]>
  createAgent(input: z.output<typeof AgentCreate>): Promise<Agent>
  knowledgeBaseNames(): Promise<string[]>
  createKnowledgeBase(name: string): Promise<KnowledgeBase>
  bindKnowledgeBases(agentId: string, bindings: AgentKnowledgeBinding[]): Promise<unknown>
  tools(): Promise<Tool[]>
  bindTools(agentId: string, bindings: AgentToolBinding[]): Promise<unknown>
  createSchedule(input: z.output<typeof ScheduleCreate>): Promise<{ id: string }>
}

/** `name`, or `name (2)`… : a template used twice makes two agents (and knowledge bases) with different names. */
function freeName(name: string, taken: string[]): string {
  const names = new Set(taken)
  if (!names.has(name)) return name
  for (let n = 2; ; n++) if (!names.has(`${name} (${n})`)) return `${name} (${n})`
}

/** Makes the agent of a template in one language, with its knowledge base, tools or digital employee. */
export async function createFromTemplate(deps: TemplateDeps, templateId: TemplateId, language?: Lang): Promise<TemplateCreated> {
  const t = templates.find((x) => x.id === templateId)
  if (!t) throw new AppError('not_found', `There is no template ${templateId}`, undefined, { reason: 'template_unknown', params: { id: templateId } })
  const text = t.texts[language ?? (await deps.language())]
  // Through the contract's schema, as if a client had sent it: defaults filled, limits checked.
  const agent = await deps.createAgent(
    AgentCreate.parse({
      ...t.agent,
      name: freeName(text.name, await deps.agentNames()),
      description: text.description,
      avatar: t.avatar,
      systemPrompt: text.systemPrompt,
      welcomeMessage: text.welcomeMessage,
      quickPhrases: text.quickPhrases
    })
  )

  let knowledgeBaseId: string | null = null
  if (t.knowledgeBase && text.knowledgeBase) {
    const kb = await deps.createKnowledgeBase(freeName(text.knowledgeBase, await deps.knowledgeBaseNames()))
    await deps.bindKnowledgeBases(agent.id, [AgentKnowledgeBinding.parse({ kbId: kb.id })])
    knowledgeBaseId = kb.id
  }

  const missingTools: string[] = []
  if (t.tools.length) {
    // The bundled servers are seeded as tools named after them; a user may have deleted one.
    const have = await deps.tools()
    const bindings: AgentToolBinding[] = []
    for (const name of t.tools) {
      const tool = have.find((x) => x.name === name && x.config.transport === 'stdio' && x.config.command === `agenta-mcp:${name}`)
      if (tool) bindings.push({ toolId: tool.id, enabledTools: null, requireConfirmation: false })
      else missingTools.push(name)
    }
    if (bindings.length) await deps.bindTools(agent.id, bindings)
  }

  let scheduleId: string | null = null
  if (t.dailyAt && text.schedule) {
    const s = await deps.createSchedule(
      ScheduleCreate.parse({
        name: text.schedule.name,
        instruction: text.schedule.instruction,
        agentId: agent.id,
        schedule: { type: 'daily', time: t.dailyAt },
        // Paused: a new user turns it on when the agent has a model and the report reads right.
        enabled: false
      })
    )
    scheduleId = s.id
  }
  return { agent, knowledgeBaseId, scheduleId, missingTools }
}
