import { ApiOutlined } from '@ant-design/icons'
import type { Provider } from '@contract/entities'
import { Alert, Button } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { translateMessage } from '../../api/errors'
import { useStudio } from '../../stores/hooks'
import type { TestResult } from '../../queries/models'
import { useFeedback } from '../../ui/feedback'

/** "Does this URL answer with this key?": one button and its verdict. */
export function ConnectionTest({ provider }: { provider: Provider }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const [testing, setTesting] = useState(false)
  const [result, setResult] = useState<TestResult | null>(null)

  const run = async () => {
    setTesting(true)
    setResult(null)
    try {
      setResult(await studio.connection.api.call('providers.test', { id: provider.id }))
    } catch (err) {
      fail(err)
    } finally {
      setTesting(false)
    }
  }

  return (
    <div className="detail-section">
      <div className="section-title">{t('models.connection')}</div>
      <div className="connection-row">
        <Button icon={<ApiOutlined />} loading={testing} onClick={() => void run()} data-testid="provider-test">
          {t('models.testConnection')}
        </Button>
        {result && (
          <Alert
            className="connection-result"
            showIcon
            type={result.ok ? 'success' : 'error'}
            data-testid="provider-test-result"
            title={
              result.ok
                ? t('models.testOk', { ms: result.latencyMs, count: result.modelCount ?? 0 })
                : t('models.testFailed', { message: result.error ? translateMessage(result.error, t) : '', ms: result.latencyMs })
            }
          />
        )}
      </div>
    </div>
  )
}
