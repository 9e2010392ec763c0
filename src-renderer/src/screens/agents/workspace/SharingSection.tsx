import { TeamOutlined } from '@ant-design/icons'
import { Alert, Radio, Select } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiOutput } from '@contract/api'
import { toApiError } from '../../../api/errors'
import { useAuth } from '../../../stores/auth-context'
import { useStudio } from '../../../stores/hooks'
import { Section } from './Section'

type Sharing = ApiOutput<'agents.sharing'>

/**
 * Accounts on: who may chat with the agent — everyone signed in, or the people listed (its
 * builder and admins always may). Saved as soon as it changes, apart from the agent's form.
 */
export function SharingSection({ agentId }: { agentId: string }) {
  const { t } = useTranslation()
  const { api } = useStudio().connection
  const accounts = useAuth((s) => !!s.accounts)
  const [sharing, setSharing] = useState<Sharing | null>(null)
  const [people, setPeople] = useState<{ id: string; name: string }[]>([])
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (!accounts) return
    Promise.all([api.call('agents.sharing', { id: agentId }), api.call('users.people', {})]).then(
      ([s, p]) => {
        setSharing(s)
        setPeople(p)
      },
      (err: unknown) => setError(toApiError(err).message)
    )
  }, [api, agentId, accounts])

  if (!accounts) return null
  const save = async (next: { everyone: boolean; people: string[] }) => {
    try {
      setSharing(await api.call('agents.setSharing', { id: agentId, ...next }))
      setError(null)
    } catch (err) {
      setError(toApiError(err).message)
    }
  }
  return (
    <Section icon={<TeamOutlined />} title={t('people.sharing.title')} testId="agent-sharing">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {sharing && (
        <>
          <Radio.Group
            value={sharing.everyone ? 'everyone' : 'people'}
            onChange={(e) => void save({ everyone: e.target.value === 'everyone', people: sharing.people })}
            options={[
              { value: 'everyone', label: t('people.sharing.everyone') },
              { value: 'people', label: t('people.sharing.people') }
            ]}
            data-testid="sharing-mode"
          />
          {!sharing.everyone && (
            <Select
              mode="multiple"
              style={{ width: '100%', marginTop: 12 }}
              placeholder={t('people.sharing.pick')}
              value={sharing.people}
              onChange={(ids: string[]) => void save({ everyone: false, people: ids })}
              options={people.filter((p) => p.id !== sharing.ownerId).map((p) => ({ value: p.id, label: p.name }))}
              optionFilterProp="label"
              data-testid="sharing-people"
            />
          )}
          <p className="muted small" style={{ marginTop: 8 }}>
            {t('people.sharing.help')}
          </p>
        </>
      )}
    </Section>
  )
}
