// Server messages in the user's language (issue 15, defect 7): every message code the core sends
// has a translation in both languages, zod's issues become coded fields, and the renderer's one
// translation function turns code + params into words.
import i18next from 'i18next'
import { beforeAll, describe, expect, test } from 'vitest'
import { AgentCreate } from '../../../src-main/contract/entities'
import { validationError } from '../../../src-main/contract/errors'
import { fieldsFromIssues, messageCodes } from '../../../src-main/contract/messages'
import { ScheduleCreate } from '../../../src-main/contract/schedules'
import { KIOSK_AUDIT_ACTIONS } from '../../../src-main/contract/kiosk'
import { checkCron } from '../../../src-main/core/scheduler/next-run'
import { describeProviderFault } from '../../../src-main/core/providers/provider-errors'
import { apiErrorFrom, translateError, translateField, translateMessage } from '../../../src-renderer/src/api/errors'
import { resources } from '../../../src-renderer/src/i18n'
import OpenAI from 'openai'

beforeAll(async () => {
  await i18next.init({ resources, lng: 'zh-CN', fallbackLng: 'en', interpolation: { escapeValue: false } })
})

const wire = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    return apiErrorFrom((err as { toBody(): unknown }).toBody(), 422)
  }
  throw new Error('did not throw')
}

describe('message codes', () => {
  test('every code the core sends has a translation in en and zh-CN, using only the params it fills', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const reasons = (resources[lang].translation as unknown as { errors: { reason: Record<string, string> } }).errors.reason
      for (const [code, params] of Object.entries(messageCodes)) {
        expect(reasons[code], `${lang}: errors.reason.${code}`).toBeTypeOf('string')
        const used = [...reasons[code].matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1])
        expect(
          used.filter((p) => !(params as readonly string[]).includes(p)),
          `${lang}: ${code}`
        ).toEqual([])
      }
    }
  })

  test('every audit log action a service records itself has words in en and zh-CN (People → Audit log)', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const actions = (resources[lang].translation as unknown as { people: { audit: { actions: Record<string, Record<string, string>> } } }).people.audit
        .actions
      for (const action of KIOSK_AUDIT_ACTIONS) {
        const [family, name] = action.split('.') as [string, string]
        expect(actions[family]?.[name], `${lang}: ${action}`).toBeTypeOf('string')
      }
    }
  })

  test('zod issues become fields with zod codes and params, or the contract’s own code', () => {
    const r = AgentCreate.safeParse({ name: '', allowedOrigins: ['not a url'], theme: { primaryColor: 'red' } })
    expect(r.success).toBe(false)
    const fields = fieldsFromIssues(r.error!.issues)
    expect(fields).toContainEqual({ path: 'name', code: 'not_empty', message: 'must not be empty' })
    expect(fields).toContainEqual(expect.objectContaining({ path: 'allowedOrigins.0', code: 'origin' }))
    expect(fields).toContainEqual(expect.objectContaining({ path: 'theme.primaryColor', code: 'colour' }))
    const many = AgentCreate.safeParse({ name: 'x', allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.example`) })
    expect(fieldsFromIssues(many.error!.issues)).toEqual([
      { path: 'allowedOrigins', code: 'too_big', params: { origin: 'array', maximum: 50, inclusive: true }, message: expect.any(String) }
    ])
    const tz = ScheduleCreate.safeParse({ name: 'n', instruction: 'i', agentId: 'a', schedule: { type: 'daily', time: '08:00' }, timezone: 'Mars/Base' })
    expect(fieldsFromIssues(tz.error!.issues)).toContainEqual(expect.objectContaining({ path: 'timezone', code: 'time_zone', params: { input: 'Mars/Base' } }))
  })

  test('the wire keeps code and English message, and adds reason, params and fields', () => {
    const r = AgentCreate.safeParse({ name: 'x', allowedOrigins: ['nope'] })
    const body = validationError(r.error!).toBody()
    expect(body.error).toMatchObject({
      code: 'validation_failed',
      message: 'Invalid request: allowedOrigins.0: must be an origin like https://example.com',
      reason: 'invalid_request',
      details: { issues: [{ path: 'allowedOrigins.0', message: 'must be an origin like https://example.com' }] },
      fields: [{ path: 'allowedOrigins.0', code: 'origin', message: 'must be an origin like https://example.com' }]
    })
  })
})

describe('translateError (zh-CN)', () => {
  test('a bad origin and too many origins are said in Chinese, with the field named', () => {
    const r = AgentCreate.safeParse({ name: 'x', allowedOrigins: ['nope'] })
    const err = apiErrorFrom(validationError(r.error!).toBody(), 422)
    expect(translateError(err)).toBe('请检查：允许的来源: 必须是网站来源，如 https://example.com')
    const many = AgentCreate.safeParse({ name: 'x', allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.example`) })
    expect(translateField(fieldsFromIssues(many.error!.issues)[0])).toBe('最多 50 项')
  })

  test('cron problems name the field and value in Chinese', () => {
    expect(translateField(wire(() => checkCron('61 * * * *')).fields[0])).toBe('分钟 61 超出范围（0–59）')
    expect(translateField(wire(() => checkCron('* * * *')).fields[0])).toBe('需要五个字段（分 时 日 月 周），现在有 4 个')
    expect(translateField(wire(() => checkCron('0 8 * * 1 2')).fields[0])).toBe('请用五个字段（分 时 日 月 周），不支持秒')
  })

  test('e-mail and webhook fields of a task', () => {
    const r = ScheduleCreate.safeParse({
      name: 'n',
      instruction: 'i',
      agentId: 'a',
      schedule: { type: 'daily', time: '08:00' },
      delivery: { email: { to: 'boss at example' }, webhook: { url: 'ftp://x' } }
    })
    const said = fieldsFromIssues(r.error!.issues).map((f) => [f.path, translateField(f)])
    expect(said).toContainEqual(['delivery.email.to.0', '必须是邮箱地址，如 name@example.com'])
    expect(said).toContainEqual(['delivery.webhook.url', '必须以 http:// 或 https:// 开头'])
  })

  test('"Cannot reach …" from a provider test is said in Chinese', () => {
    const fault = describeProviderFault(new OpenAI.APIConnectionError({ message: 'fetch failed' }), 'http://127.0.0.1:9')
    expect(translateMessage({ ...fault })).toBe('无法连接 http://127.0.0.1:9：请检查地址，并确认服务已启动')
  })

  test('an error without a code is said by its kind, with the server’s words after it', () => {
    const err = apiErrorFrom({ error: { code: 'not_found', message: 'No agent with id x' } }, 404)
    expect(translateError(err)).toBe('要找的内容不存在（No agent with id x）')
  })

  test('English stays English', async () => {
    await i18next.changeLanguage('en')
    const r = AgentCreate.safeParse({ name: 'x', allowedOrigins: ['nope'] })
    expect(translateError(apiErrorFrom(validationError(r.error!).toBody(), 422))).toBe(
      'Please check: Allowed origins: must be an origin like https://example.com'
    )
    expect(translateError(apiErrorFrom({ error: { code: 'not_found', message: 'No agent with id x' } }, 404))).toBe('No agent with id x')
    await i18next.changeLanguage('zh-CN')
  })
})
