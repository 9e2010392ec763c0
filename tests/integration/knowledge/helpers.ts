import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Runtime } from '../../../src-main/core/runtime'
import { makeDocx, makePdf, makeXlsx } from '../../unit/knowledge/fixtures'
import { tempDir } from '../../utils/boot'
import type { FakeLlm } from '../../utils/fake-llm'

/** Quick timings for tests: batches end fast, retries come fast, leases of a killed process expire fast. */
export const testKnowledgeOptions = {
  ingestion: { flushIdleMs: 50, batchMaxMs: 2_000, retryBaseMs: 50, leaseMs: 1_500 },
  embedder: { maxRetries: 0 },
  progressIntervalMs: 50
}

/** A provider on the fake server with its chat, embedding and rerank models. */
export async function fakeModels(rt: Runtime, llm: FakeLlm, name = 'fake') {
  const provider = await rt.providers.create({ name, kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
  const embed = await rt.providers.models.create({ providerId: provider.id, modelId: 'fake-embed', type: 'embedding' })
  const rerank = await rt.providers.models.create({ providerId: provider.id, modelId: 'fake-rerank', type: 'rerank' })
  return { provider, embed, rerank }
}

export const TICKETS_ZH = '古镇景点的门票价格是八十八元，学生凭学生证半价。'
export const HOURS_EN = 'The museum opens daily from 8:00 to 17:30, and the last entry is at 17:00.'

/** One real file of every supported type, made by independent libraries where the format needs one. */
export async function writeEveryType(dir: string): Promise<Record<string, string>> {
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true })
  const files: Record<string, string | Buffer> = {
    'notes.txt': `Parking\n\nThe car park behind the north gate holds 300 cars. ERR_CONNECTION_RESET appears when the kiosk loses Wi-Fi.`,
    'guide.md': `---\ntitle: Visitor guide\n---\n# 门票\n\n${TICKETS_ZH}\n\n## Opening hours\n\n${HOURS_EN}\n`,
    'nested/page.html':
      '<html><head><title>x</title><script>var secret = 1</script></head><body><h1>交通</h1><p>从火车站乘坐 K12 路公交车可以直达景区南门。</p></body></html>',
    'nested/deeper/report.pdf': await makePdf(
      [
        ['Annual report', 'Visitor numbers grew by twelve percent in spring.'],
        ['Page two', 'The bamboo garden was restored in autumn.']
      ],
      'Annual report'
    ),
    'brochure.docx': await makeDocx(),
    'prices.xlsx': await makeXlsx(),
    'staff.csv': 'name,role,phone\nZhang Wei,ticket office,555-0101\nLi Na,tour guide,555-0102\n',
    'faq.json': JSON.stringify([
      { q: 'Can I bring a dog?', a: 'Dogs on a leash are welcome in the outer park.' },
      { q: '可以带宠物吗', a: '外园允许牵绳的宠物进入。' }
    ])
  }
  const paths: Record<string, string> = {}
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name)
    writeFileSync(path, content)
    paths[name] = path
  }
  return paths
}

export const newDir = (prefix: string) => tempDir(`agenta-kb-${prefix}-`)
