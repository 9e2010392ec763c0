import { App, type FormInstance } from 'antd'
import { useCallback, useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { toApiError, translateError, translateField, type ApiError } from '../api/errors'

/** Maps an issue path of the contract ("config.url", "quickPhrases.0") to a form field, or drops it. */
export type FieldMap = (path: string) => (string | number)[] | null

const samePath: FieldMap = (path) => (path ? path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null)

/**
 * How every screen reports outcomes: a toast in the user's language (api/errors.ts translates the
 * server's message code), and each wrong field's message on its form field.
 */
export function useFeedback() {
  const { message } = App.useApp()
  const { t } = useTranslation()
  const fail = useCallback(
    (err: unknown, form?: FormInstance, fieldFor: FieldMap = samePath) => {
      const apiErr = toApiError(err)
      const byField = new Map<string, { name: (string | number)[]; errors: string[] }>()
      let unplaced = false
      for (const f of form ? apiErr.fields : []) {
        const name = fieldFor(f.path)
        if (!name) {
          unplaced = true
          continue
        }
        const key = JSON.stringify(name)
        const entry = byField.get(key) ?? { name, errors: [] }
        entry.errors.push(translateField(f, t))
        byField.set(key, entry)
      }
      if (form && byField.size) form.setFields([...byField.values()])
      // Every problem is on its field: the toast only points there.
      void message.error(byField.size && !unplaced ? t('errors.checkFields') : translateError(apiErr, t))
    },
    [message, t]
  )
  const ok = useCallback((text: string) => void message.success(text), [message])
  return { fail, ok }
}

/** Toasts a store's load error once per failure. */
export function useErrorToast(error: ApiError | null) {
  const { fail } = useFeedback()
  const shown = useRef<ApiError | null>(null)
  useEffect(() => {
    if (error && error !== shown.current) fail(error)
    shown.current = error
  }, [error, fail])
}
