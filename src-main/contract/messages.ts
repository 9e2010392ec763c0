import { z } from 'zod'

/**
 * Messages as codes. Every error the core sends keeps its English `message` for API clients and
 * logs, and adds a stable code with parameters (`reason` + `params` on the error, `code` +
 * `params` on each entry of `fields`) that the studio translates (src-renderer/src/api/errors.ts,
 * strings under `errors.*` in en and zh-CN). Field codes are zod 4's issue codes (`too_small`,
 * `invalid_format`…, with the issue's limits as params) or one of the contract's own below.
 */

/** Values put into a translation: scalars only, so any client can print them. */
export const ErrorParams = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
export type ErrorParams = z.infer<typeof ErrorParams>

/** One wrong field of a request: where (`schedule.expression`, `allowedOrigins.0`), what, and in English. */
export const FieldError = z.object({
  path: z.string(),
  code: z.string(),
  params: ErrorParams.optional(),
  message: z.string()
})
export type FieldError = z.infer<typeof FieldError>

/**
 * The contract's own field messages (regex and refine rules zod cannot name), English by code.
 * A schema writes `says('origin')`; a failing value is reported with the code `origin`.
 */
const contractMessages = {
  origin: 'must be an origin like https://example.com',
  colour: 'must be a colour like #1677ff',
  http_url: 'must start with http:// or https://',
  clock_time: 'time must be HH:MM between 00:00 and 23:59',
  date_time: "at must be a date and time like 2026-12-01T08:00 (in the task's time zone) or 2026-12-01T00:00:00Z",
  email: 'must be an email address like name@example.com',
  webhook_url: 'must be a URL like https://example.com/hook',
  not_empty: 'must not be empty',
  kiosk_pin: 'must be 4 to 12 digits'
} as const
export type ContractMessage = keyof typeof contractMessages

export const says = (code: ContractMessage): string => contractMessages[code]
const codeOfMessage = new Map<string, string>(Object.entries(contractMessages).map(([code, text]) => [text, code]))

/**
 * The codes the core puts in `reason` (whole errors) and in `fields[].code` beyond zod's, with the
 * params each one fills. The studio has a translation for every one (checked by a unit test).
 */
export const messageCodes = {
  // fields of the contract (above)
  origin: [],
  colour: [],
  http_url: [],
  clock_time: [],
  date_time: [],
  email: [],
  webhook_url: [],
  not_empty: [],
  kiosk_pin: [],
  time_zone: ['input'],
  // whole requests
  invalid_request: [],
  // schedules (core/scheduler)
  cron_seconds: [],
  cron_field_count: ['count'],
  cron_out_of_range: ['field', 'value', 'min', 'max'],
  cron_bad_value: ['field', 'value', 'min', 'max'],
  cron_day_never: ['day', 'month'],
  schedule_never_runs: ['expression'],
  at_not_real: ['at'],
  at_past: ['at'],
  no_run_left: ['name'],
  task_running: ['name'],
  task_not_running: ['name'],
  delivery_target_missing: [],
  // references that do not resolve
  no_agent: ['id'],
  no_provider: ['id'],
  no_model: ['id'],
  model_wrong_type: ['id', 'type', 'wanted'],
  model_in_use: ['name', 'users'],
  // model providers (core/providers/provider-errors.ts)
  provider_unreachable: ['baseUrl'],
  provider_timeout: ['baseUrl'],
  provider_unauthorized: ['status', 'detail'],
  provider_model_not_found: ['detail'],
  provider_rate_limited: ['detail'],
  provider_failed: ['status', 'detail'],
  provider_refused: ['status', 'detail'],
  provider_error: ['detail'],
  key_undecryptable: ['name'],
  // knowledge
  source_cron: ['input'],
  listed_twice: [],
  // a source's last sync (core/knowledge/sources/readers.ts) and a re-embed (ingest/reembed.ts)
  source_sync_failed: ['detail'],
  source_columns_missing: ['missing', 'available'],
  source_fields_missing: ['missing', 'available'],
  source_sqlite_open: ['path', 'detail'],
  source_query_failed: ['detail'],
  source_not_select: [],
  source_connect: ['url', 'detail'],
  source_api_timeout: ['url', 'seconds'],
  source_api_unreachable: ['url', 'detail'],
  source_api_too_large: ['url', 'limit'],
  source_api_status: ['method', 'url', 'status', 'detail'],
  source_api_not_json: ['url', 'start'],
  source_api_no_list: ['url', 'path', 'keys'],
  reembed_failed: ['detail'],
  // files not taken by "add paths" (core/knowledge/documents-service.ts), beside doc_unsupported, doc_too_large, doc_empty
  path_not_found: ['path'],
  path_unreadable: ['path', 'detail'],
  path_not_file_or_folder: ['path'],
  folder_unreadable: ['path', 'detail'],
  // a document that could not be ingested (core/knowledge/parse, ingest/content.ts, ingest/queue.ts, embedder.ts)
  doc_unsupported: ['name', 'ext', 'supported'],
  doc_legacy_word: ['name'],
  doc_powerpoint: ['name'],
  doc_empty: ['name'],
  doc_no_text: ['name'],
  doc_pdf_no_text: ['name'],
  doc_pdf_password: ['name'],
  doc_corrupt: ['name', 'format', 'detail'],
  doc_not_zip: ['name', 'format'],
  doc_unreadable: ['name', 'detail'],
  doc_gone: ['name'],
  doc_not_file: ['name'],
  doc_too_large: ['name', 'size', 'limit'],
  doc_item_no_text: ['name'],
  embed_dimension_mismatch: ['model', 'got', 'expected'],
  embed_bad_vector: ['model', 'index'],
  embed_count_mismatch: ['model', 'got', 'expected'],
  ingest_index_failed: ['attempts', 'detail'],
  ingest_failed: ['detail'],
  // agents between a desktop and a team server (core/agents/agent-bundle.ts, core/team-link)
  sync_conflict: ['name', 'fields'],
  team_not_linked: [],
  team_refused: ['origin', 'detail'],
  // chat sessions and their branches (core/chat/branches.ts)
  no_message: ['id'],
  nothing_to_regenerate: [],
  // MCP servers: connecting and "test connection" (core/mcp/errors.ts)
  mcp_command_not_found: ['command'],
  mcp_start_denied: ['target', 'detail'],
  mcp_start_missing: ['target', 'detail'],
  mcp_start_failed: ['target', 'detail'],
  mcp_exited: ['target', 'code', 'stderr'],
  mcp_unauthorized: ['status', 'target', 'detail'],
  mcp_not_found: ['status', 'target', 'detail'],
  mcp_http: ['status', 'target', 'detail'],
  mcp_unreachable: ['target', 'code'],
  mcp_connection_lost: ['target'],
  mcp_timeout: ['target', 'seconds'],
  mcp_removed: [],
  mcp_failed: ['detail'],
  // knowledge uploads (server/knowledge/upload.ts)
  upload_not_multipart: [],
  upload_request_too_large: ['max', 'limit'],
  upload_too_many: ['max'],
  upload_too_large: ['files', 'limit'],
  upload_unsupported: ['files', 'supported'],
  upload_no_file: [],
  upload_empty: ['files'],
  upload_interrupted: [],
  upload_invalid: ['detail'],
  // people (core/accounts)
  preferences_need_person: [],
  accounts_already_on: [],
  accounts_already_off: [],
  accounts_first_admin: [],
  accounts_sso_configured: [],
  // the local model servers probe and templates
  template_unknown: ['id'],
  // the kiosk admin PIN (core/settings/kiosk-pin.ts)
  kiosk_pin_required: [],
  kiosk_pin_wrong: [],
  kiosk_pin_locked: ['seconds'],
  kiosk_reset_password_required: [],
  kiosk_reset_password_wrong: [],
  kiosk_reset_locked: ['seconds'],
  kiosk_reset_no_password: [],
  // the desktop kiosk window (electron/kiosk-window.ts, kiosk-platform.ts)
  kiosk_not_published: [],
  kiosk_pin_not_set: [],
  kiosk_app_starting: [],
  kiosk_server_off: ['detail'],
  // a team server that does not answer as one (core/team-servers.ts, core/team-link)
  team_unreachable: ['origin', 'detail'],
  team_not_agenta: ['origin'],
  team_version: ['origin', 'version', 'ours'],
  team_not_ready: ['origin', 'failed'],
  team_no_accounts: ['origin']
} as const satisfies Record<string, readonly string[]>
export type MessageCode = keyof typeof messageCodes

type ZodIssue = z.core.$ZodIssue

const scalar = (v: unknown): string | number | boolean | undefined =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'bigint' ? Number(v) : undefined

function scalars(o: Record<string, unknown>): ErrorParams | undefined {
  const out: ErrorParams = {}
  for (const [k, v] of Object.entries(o)) {
    const s = scalar(v)
    if (s !== undefined) out[k] = s
  }
  return Object.keys(out).length ? out : undefined
}

/** The params of a zod 4 issue a translation needs (limits, expected type, format, allowed values). */
function zodParams(i: ZodIssue): ErrorParams | undefined {
  switch (i.code) {
    case 'too_small':
      return scalars({ origin: i.origin, minimum: i.minimum, inclusive: i.inclusive, exact: i.exact })
    case 'too_big':
      return scalars({ origin: i.origin, maximum: i.maximum, inclusive: i.inclusive, exact: i.exact })
    case 'invalid_type':
      return scalars({ expected: i.expected })
    case 'invalid_format':
      return scalars({ format: i.format })
    case 'invalid_value':
      return scalars({ values: i.values.map((v) => JSON.stringify(v)).join(', ') })
    case 'not_multiple_of':
      return scalars({ divisor: i.divisor })
    case 'unrecognized_keys':
      return scalars({ keys: i.keys.join(', ') })
    default:
      return undefined
  }
}

/** zod issues as field errors: the contract's own code where it has one, else zod's code and params. */
export function fieldsFromIssues(issues: readonly ZodIssue[]): FieldError[] {
  return issues.map((i) => {
    const path = i.path.map(String).join('.')
    const own = i.code === 'custom' ? (i.params as Record<string, unknown> | undefined) : undefined
    if (own && typeof own.reason === 'string') {
      const { reason, ...rest } = own
      const params = scalars(rest)
      return { path, code: reason, ...(params && { params }), message: i.message }
    }
    const known = codeOfMessage.get(i.message)
    if (known) return { path, code: known, message: i.message }
    const params = zodParams(i)
    return { path, code: i.code, ...(params && { params }), message: i.message }
  })
}
