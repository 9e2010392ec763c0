import { App } from 'antd'
import { useTranslation } from 'react-i18next'
import { useLeaveGuard } from '../shell/route'

/**
 * While `dirty`, leaving the screen asks "leave without saving?" (in-app navigation, back, forward),
 * and a reload or closing the tab gets the browser's prompt. One dialog for every editor.
 */
export function useUnsavedGuard(dirty: boolean) {
  const { t } = useTranslation()
  const { modal } = App.useApp()
  useLeaveGuard(
    dirty,
    () =>
      new Promise<boolean>((resolve) => {
        modal.confirm({
          title: t('unsaved.title'),
          content: t('unsaved.content'),
          okText: t('unsaved.leave'),
          cancelText: t('unsaved.stay'),
          okButtonProps: { danger: true, 'data-testid': 'unsaved-leave' },
          cancelButtonProps: { 'data-testid': 'unsaved-stay' },
          onOk: () => resolve(true),
          onCancel: () => resolve(false)
        })
      })
  )
}
