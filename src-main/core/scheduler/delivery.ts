import { Marked } from 'marked'
import nodemailer from 'nodemailer'
import type { DeliveryResult, ScheduleRun, SmtpSettings } from '../../contract/schedules'
import { AppError, fieldError } from '../../contract/errors'
import type { SecretBox } from '../secrets/secret-box'
import type { SettingsService } from '../settings/settings-service'
import { APP_VERSION } from '../version'
import type { SchedulesRepo, StoredSchedule } from '../../store/repos/schedules'

/**
 * Where a run's result goes besides the history: the studio (a desktop notification when the task
 * asks), a webhook (POST JSON) and email. Email is sent with nodemailer from SMTP settings kept in
 * the app settings, not through the bundled email MCP server: delivery is the scheduler's own
 * guarantee, so it must not depend on a child process being found on PATH and started per run,
 * and it needs no agent tool binding. Every channel's failure is recorded on the run, never thrown.
 */

/** All the runner asks of delivery (runner.ts knows no channel). */
export interface RunDelivery {
  /**
   * A run has ended and its result is recorded. The studio is told at once (and notifies when the
   * task asks), before webhooks and email, which can take up to their timeouts; unless the run was
   * cancelled or `task` was deleted meanwhile, the result is then sent and each channel's result
   * recorded on the run (a second event carries them, without notifying again). `task` is the task
   * as it is now: it may have been edited during the run. Resolves with the run as recorded.
   */
  runEnded(task: StoredSchedule, run: ScheduleRun, taskDeleted: boolean): Promise<ScheduleRun>
}

export interface DeliveryDeps {
  settings: SettingsService
  secrets: SecretBox
  repo: SchedulesRepo
  /** Tells the studio about a run (event `schedules.run`); `notify`: show a desktop notification. */
  announce(task: StoredSchedule, run: ScheduleRun, notify: boolean): void
}

const SMTP_KEY = 'scheduler.smtp'
const WEBHOOK_TIMEOUT_MS = 15_000
const SMTP_TIMEOUT_MS = 15_000

interface StoredSmtp {
  host: string
  port: number
  secure: boolean
  user: string
  passwordEnc: string | null
  from: string
}
const emptySmtp: StoredSmtp = { host: '', port: 587, secure: false, user: '', passwordEnc: null, from: '' }

export interface DeliveryOptions {
  /** SMTP for email delivery given by the host instead of the stored settings (tests, `agenta serve` flags). */
  smtp?: { host: string; port: number; secure?: boolean; user?: string; password?: string; from: string }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
// Agent output is Markdown; raw HTML in it is shown as text, never rendered into the mail.
const markdown = new Marked({ renderer: { html: (token) => escapeHtml(token.text) } })

const statusWord: Record<string, string> = { ok: 'done', error: 'failed', timeout: 'timed out', cancelled: 'cancelled', skipped: 'skipped', running: 'running' }

export function deliveryService(deps: DeliveryDeps, opts: DeliveryOptions = {}) {
  const { settings, secrets, repo, announce } = deps
  const stored = async (): Promise<StoredSmtp> => ({ ...emptySmtp, ...((await settings.raw.get<StoredSmtp>(SMTP_KEY)) ?? {}) })
  const view = (s: StoredSmtp): SmtpSettings => ({
    host: s.host,
    port: s.port,
    secure: s.secure,
    user: s.user,
    hasPassword: !!s.passwordEnc,
    from: s.from,
    configured: !!(s.host && (s.from || s.user.includes('@')))
  })

  async function transportSettings() {
    if (opts.smtp) return { ...opts.smtp, secure: opts.smtp.secure ?? false, user: opts.smtp.user ?? '', password: opts.smtp.password ?? '' }
    const s = await stored()
    if (!s.host) throw new Error('email delivery needs an SMTP server: set it in Settings → Email (scheduler.smtp)')
    let password = ''
    if (s.passwordEnc) {
      try {
        password = secrets.decrypt(s.passwordEnc)
      } catch {
        throw new Error('the SMTP password cannot be decrypted on this machine; enter it again')
      }
    }
    return { host: s.host, port: s.port, secure: s.secure, user: s.user, password, from: s.from || s.user }
  }

  async function sendMail(to: string[], subject: string, text: string, html: string): Promise<void> {
    const s = await transportSettings()
    if (!s.from) throw new Error('email delivery needs a sender address (SMTP "from")')
    const transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.secure,
      auth: s.user ? { user: s.user, pass: s.password } : undefined,
      // nodemailer waits minutes by default; a run's record should say what happened soon.
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS
    })
    try {
      await transport.sendMail({ from: s.from, to, subject, text, html })
    } catch (err) {
      const e = err as Error & { code?: string; response?: string }
      const server = `${s.host}:${s.port}`
      if (e.code === 'EAUTH') throw new Error(`SMTP login as "${s.user}" was refused by ${server}${e.response ? `: ${e.response}` : ''}`)
      if (/ECONNREFUSED/.test(e.message)) throw new Error(`cannot connect to SMTP server ${server}: connection refused`)
      throw new Error(`sending through ${server} failed: ${e.response ?? e.message}`)
    } finally {
      transport.close()
    }
  }

  async function webhook(url: string, headers: Record<string, string>, body: unknown): Promise<void> {
    let res: Response
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': `AgentaStudio/${APP_VERSION}`, ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)
      })
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } }
      if (e.name === 'TimeoutError') throw new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)
      if (e.cause?.message === 'bad port') throw new Error(`the port of ${url} is one web clients refuse to call (unsafe port); use another`)
      throw new Error(`cannot reach ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`)
    }
    const text = await res.text().catch(() => '')
    if (!res.ok) throw new Error(`answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`)
  }

  /** Sends the run's result to the webhook and email the task asks for; one result per channel. */
  async function send(schedule: StoredSchedule, run: ScheduleRun): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = []
    const attempt = async (channel: DeliveryResult['channel'], target: string, go: () => Promise<void>) => {
      try {
        await go()
        results.push({ channel, target, ok: true, error: null, at: Date.now() })
      } catch (err) {
        results.push({ channel, target, ok: false, error: (err as Error)?.message ?? String(err), at: Date.now() })
      }
    }
    const { webhook: hook, email } = schedule.delivery
    if (hook) {
      const payload = {
        schedule: { id: schedule.id, name: schedule.name, agentId: schedule.agentId, instruction: schedule.instruction },
        run,
        output: run.output
      }
      await attempt('webhook', hook.url, () => webhook(hook.url, hook.headers ?? {}, payload))
    }
    if (email) {
      const when = new Date(run.startedAt).toLocaleString('sv-SE', { timeZone: schedule.timezone }).slice(0, 16)
      const subject = `${schedule.name} — ${statusWord[run.status] ?? run.status} (${when})`
      const footer = run.error ? `\n\n---\n${run.error}` : ''
      const body = (run.output || (run.error ? '' : '(no output)')) + footer
      const html = `<div style="font-family:system-ui,sans-serif;line-height:1.5">${await markdown.parse(body)}</div>`
      await attempt('email', email.to.join(', '), () => sendMail(email.to, subject, body, html))
    }
    return results
  }

  return {
    async runEnded(task: StoredSchedule, run: ScheduleRun, taskDeleted: boolean): Promise<ScheduleRun> {
      const cancelled = run.status === 'cancelled'
      announce(task, run, task.delivery.notify && !cancelled)
      if (taskDeleted || cancelled) return run
      const deliveries = await send(task, run)
      if (!deliveries.length) return run
      await repo.runs.update(run.id, { deliveries: JSON.stringify(deliveries) })
      const delivered = { ...run, deliveries }
      announce(task, delivered, false)
      return delivered
    },

    smtp: {
      get: async () => view(await stored()),
      async update(patch: { host?: string; port?: number; secure?: boolean; user?: string; password?: string | null; from?: string }): Promise<SmtpSettings> {
        const { password, ...rest } = patch
        const next: StoredSmtp = { ...(await stored()), ...rest }
        if (password !== undefined) next.passwordEnc = password ? secrets.encrypt(password) : null
        await settings.raw.set(SMTP_KEY, next)
        return view(next)
      },
      /** Sends a test message (to `to`, or to the sender) and says exactly what failed. */
      async test(to?: string): Promise<{ ok: boolean; error?: string }> {
        try {
          const s = await transportSettings()
          const target = to ?? s.from
          if (!target) throw fieldError('to', 'delivery_target_missing', undefined, 'Say where to send the test message (to)')
          await sendMail(
            [target],
            'Agenta Studio: test message',
            'Email delivery of digital employees works.',
            '<p>Email delivery of digital employees works.</p>'
          )
          return { ok: true }
        } catch (err) {
          if (err instanceof AppError) throw err
          return { ok: false, error: (err as Error).message }
        }
      }
    }
  }
}
