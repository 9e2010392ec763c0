import { App, type FormInstance } from 'antd'
import { useCallback, useEffect, useRef } from 'react'
import { toApiError, type ApiError } from '../api/errors'

/** Maps an issue path of the contract ("config.url", "quickPhrases.0") to a form field, or drops it. */
export type FieldMap = (path: string) => (string | number)[] | null

const samePath: FieldMap = (path) => (path ? path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null)

/** How every screen reports outcomes: a toast with the server's message, and field errors on forms. */
export function useFeedback() {
  const { message } = App.useApp()
  const fail = useCallback(
    (err: unknown, form?: FormInstance, fieldFor: FieldMap = samePath) => {
      const apiErr = toApiError(err)
      void message.error(apiErr.message)
      if (!form) return
      const fields = apiErr.issues.flatMap((i) => {
        const name = fieldFor(i.path)
        return name ? [{ name, errors: [i.message] }] : []
      })
      if (fields.length) form.setFields(fields)
    },
    [message]
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
