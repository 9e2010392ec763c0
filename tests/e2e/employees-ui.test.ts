// Digital employees, the memory page and Settings → Email in real Chromium against `agenta serve`'s
// server, the fake LLM and a local SMTP sink (out/renderer must be built: `npx electron-vite build`).
// Steps share one page and run in order.
import type { Page } from 'playwright-core'
import { pickOption } from '../utils/antd'
import { startSmtpSink, type SmtpSink } from '../utils/smtp-sink'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BootedServer } from '../utils/boot'
import type { FakeLlm } from '../utils/fake-llm'
import { SHOTS, startStudio, type Studio } from '../utils/studio'

const API_KEY = 'sk-test-employees-0000'
const REPORT = '## Visitors yesterday\n\n| Gate | Visitors |\n|---|---|\n| North | 1,204 |\n| South | 877 |\n\nBusiest hour: **10:00–11:00**.'

let srv: BootedServer
let llm: FakeLlm
let smtp: SmtpSink
let smtpPort: number
let studio: Studio
let page: Page
let errors: string[]
let agentId: string

const byTestId = (id: string) => page.getByTestId(id)
const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, animations: 'disabled', style: '.ant-message { display: none !important; }' })
const go = async (area: string) => {
  await byTestId(`nav-${area}`).click()
  await byTestId(`screen-${area}`).waitFor()
}

beforeAll(async () => {
  smtp = await startSmtpSink()
  smtpPort = smtp.port
  // Chinese first, as the original's dialog: the screenshot is compared with it.
  studio = await startStudio({ llm: { apiKey: API_KEY }, provider: true, language: 'zh-CN', stepTimeoutMs: 10_000 })
  ;({ srv, llm, page, errors } = studio)
  const agent = await srv.api('POST', '/api/agents', { name: '景区助手', providerId: studio.providerId, model: 'fake-chat' })
  agentId = agent.body.id
})

afterAll(async () => {
  await studio?.close()
  await smtp?.close()
})

describe('digital employees', () => {
  test("the dialog shows the server's message for an invalid cron and the next runs of a valid one", async () => {
    await studio.open('/employees')
    await byTestId('task-grid').waitFor()
    await page.locator('.create-card').click()
    await byTestId('task-name').fill('查询客流')
    await byTestId('task-instruction').fill('查询一下景区昨天的客流数据并发送到 ops@test.local 的邮箱上')
    await pickOption(page, 'task-agent', '景区助手')
    // Daily at 08:00 is the default: its next runs show before anything is typed.
    await expect.poll(() => byTestId('next-run').count()).toBe(3)
    await page.locator('.ant-modal-body').evaluate((el) => (el.scrollTop = 0))
    await shot('employee-dialog-zh')

    await pickOption(page, 'task-expr-mode', '自定义（cron）')
    await byTestId('task-cron').fill('61 8 * * *')
    // The server's reason, in the page's language (issue 15, defect 7).
    await expect.poll(() => byTestId('schedule-error').textContent()).toContain('分钟 61 超出范围（0–59）')
    await byTestId('task-cron').fill('0 8 * * 1-5')
    await expect.poll(() => byTestId('next-run').count()).toBe(3)
    await byTestId('task-email').fill('ops@test.local')
    await byTestId('schedule-preview').scrollIntoViewIfNeeded()
    await shot('employee-dialog-cron')
    await byTestId('task-save').click()

    const card = byTestId('task-card').filter({ hasText: '查询客流' })
    await card.waitFor()
    await expect(card.getByTestId('task-next').textContent()).resolves.toMatch(/下次/)
    const saved = (await srv.api('GET', '/api/schedules')).body[0]
    expect(saved).toMatchObject({
      name: '查询客流',
      agentId,
      schedule: { type: 'cron', expression: '0 8 * * 1-5' },
      delivery: { email: { to: ['ops@test.local'] } }
    })
    await shot('employees-zh')
  })

  test('Settings → Email saves the SMTP server and a test message arrives', async () => {
    await srv.api('PUT', '/api/settings', { language: 'en' })
    await expect.poll(() => byTestId('nav-employees').textContent()).toBe('Digital employees')
    // The saved server arrives late (as on a loaded machine, where it once landed between the typing
    // and the click on save): what is typed meanwhile must not be overwritten by it.
    // It is held until the form is on screen and the typing has begun.
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    // Over IPC (the e2e-ipc project) there is no HTTP answer to hold: the typing waits for the loaded form.
    const overHttp = studio.transport === 'http'
    if (overHttp) await page.route('**/api/scheduler/smtp', async (route) => (await held, route.continue()), { times: 1 })
    const smtpLoaded = overHttp ? page.waitForResponse((r) => r.url().includes('/api/scheduler/smtp') && r.request().method() === 'GET') : Promise.resolve()
    await go('settings')
    await byTestId('smtp-host').waitFor()
    const typing = (async () => {
      await byTestId('smtp-host').fill('127.0.0.1')
      await byTestId('smtp-port').fill(String(smtpPort))
      // The sink speaks plain SMTP: TLS from the first byte must be off.
      if ((await byTestId('smtp-secure').getAttribute('aria-checked')) === 'true') await byTestId('smtp-secure').click()
      await byTestId('smtp-from').fill('Agenta <agenta@test.local>')
    })()
    release()
    await typing
    await smtpLoaded
    await byTestId('settings-email').locator('.smtp-state').waitFor()
    await byTestId('smtp-save').click()
    await expect
      .poll(async () => (await srv.api('GET', '/api/scheduler/smtp')).body)
      .toMatchObject({ host: '127.0.0.1', port: smtpPort, secure: false, configured: true })
    await byTestId('smtp-test-to').fill('desk@test.local')
    await byTestId('smtp-test').click()
    await expect.poll(() => byTestId('smtp-test-result').textContent()).toContain('Test message sent to desk@test.local')
    expect(smtp.received.some((m) => m.to.includes('desk@test.local'))).toBe(true)
    await byTestId('settings-email').scrollIntoViewIfNeeded()
    await shot('settings-email')
  })

  test('run now shows the run with its output as Markdown, its email delivery and its trace', async () => {
    llm.script({ text: REPORT })
    await go('employees')
    await byTestId('task-card').filter({ hasText: '查询客流' }).click()
    await byTestId('task-detail').waitFor()
    await byTestId('task-run').click()

    const row = page.locator('.emp-run-row').first()
    await expect.poll(() => row.getByTestId('run-status').textContent(), { timeout: 15_000 }).toBe('Succeeded')
    await expect.poll(() => row.getByTestId('run-deliveries').textContent(), { timeout: 15_000 }).toContain('Email')
    const output = byTestId('run-output').first()
    await output.locator('table').waitFor()
    await expect(output.locator('strong').textContent()).resolves.toBe('10:00–11:00')
    expect(smtp.received.some((m) => m.to.includes('ops@test.local') && m.raw.includes('North'))).toBe(true)
    await shot('employee-run')

    await byTestId('run-trace-tab').first().click()
    await expect.poll(() => byTestId('trace-step').count()).toBeGreaterThan(0)
    await expect(byTestId('trace-step').first().textContent()).resolves.toContain('fake-chat')
    await shot('employee-trace')
  })

  test("pause and resume change the task's status", async () => {
    await byTestId('task-pause').click()
    await expect.poll(() => byTestId('task-status').textContent()).toBe('Paused')
    await byTestId('task-resume').click()
    await expect.poll(() => byTestId('task-status').textContent()).toBe('Enabled')
  })

  test('the grid in the dark', async () => {
    await srv.api('PUT', '/api/settings', { theme: 'dark' })
    await byTestId('task-back').click()
    await byTestId('task-grid').waitFor()
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await expect(byTestId('task-card').first().getByTestId('run-status').textContent()).resolves.toBe('Succeeded')
    await shot('employees-dark')
    await srv.api('PUT', '/api/settings', { theme: 'light' })
  })
})

describe('memory page', () => {
  test('lists a memory created over REST, edits and deletes it, and forgets a user', async () => {
    const made = await srv.api('POST', '/api/memories', { userId: 'alice', agentId, text: 'Prefers green tea' })
    expect(made.status).toBe(201)
    await srv.api('POST', '/api/memories', { userId: 'alice', text: 'Lives in Hangzhou' })
    await srv.api('POST', '/api/memories', { userId: 'bob', text: 'Visits on Sundays' })
    await go('memory')
    await byTestId('memory-user').filter({ hasText: 'alice' }).click()
    await expect.poll(() => byTestId('memory-row').count()).toBe(2)
    await expect(byTestId('memory-list').textContent()).resolves.toContain('Prefers green tea')
    await shot('memory')

    const tea = byTestId('memory-row').filter({ hasText: 'Prefers green tea' })
    await tea.getByTestId('memory-edit').click()
    await byTestId('memory-text').fill('Prefers jasmine tea')
    await byTestId('memory-save').click()
    await byTestId('memory-row').filter({ hasText: 'Prefers jasmine tea' }).waitFor()

    await byTestId('memory-row').filter({ hasText: 'Prefers jasmine tea' }).getByTestId('memory-delete').click()
    await byTestId('memory-delete-confirm').click()
    await expect.poll(() => byTestId('memory-row').count()).toBe(1)
    await expect.poll(async () => (await srv.api('GET', '/api/memories?userId=alice')).body.map((m: { text: string }) => m.text)).toEqual(['Lives in Hangzhou'])

    await byTestId('memory-forget').click()
    await byTestId('confirm-forget').click()
    await byTestId('memory-user').filter({ hasText: 'alice' }).waitFor({ state: 'detached' })
    await expect((await srv.api('GET', '/api/memories?userId=alice')).body).toEqual([])
    await expect(byTestId('memory-user').textContent()).resolves.toContain('bob')
  })

  test('the page ran without script errors', () => {
    // Chromium logs every 4xx: the 422s of the invalid cron preview were provoked.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([])
  })
})
