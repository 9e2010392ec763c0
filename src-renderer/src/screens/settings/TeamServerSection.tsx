import { ApiOutlined, CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons'
import type { ApiOutput } from '@contract/api'
import { Badge, Button, Form, Input, Space } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { translateError } from '../../api/errors'
import { useStudio } from '../../stores/hooks'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { SettingCard } from './SettingRow'
import { setTeamLink, useTeamLink } from '../../queries/team-link'

interface Values {
  url: string
  /** Empty keeps the saved token. */
  token: string
}

type TestState = { ok: true; who: ApiOutput<'teamLink.test'> } | { ok: false; error: string } | null

/** Settings → Team server: where agents are pushed to and pulled from (core/team-link). The token is never shown again. */
export function TeamServerSection() {
  const { t } = useTranslation()
  const studio = useStudio()
  const { api } = studio.connection
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<Values>()
  // The same answer the agent cards' menus read; a save puts its answer there (setTeamLink).
  const { data: link, error } = useTeamLink()
  useErrorToast(error)
  const [busy, setBusy] = useState<'save' | 'test' | null>(null)
  const [test, setTest] = useState<TestState>(null)

  useEffect(() => {
    // The saved link fills the form when it comes, unless the person has started typing.
    if (link && !form.isFieldsTouched()) form.setFieldsValue({ url: link.url ?? '', token: '' })
  }, [link, form])

  const save = async (v: Values) => {
    setBusy('save')
    setTest(null)
    try {
      const next = await setTeamLink(studio, { url: v.url.trim() || null, ...(v.token.trim() && { token: v.token.trim() }) })
      form.setFieldsValue({ url: next.url ?? '', token: '' })
      ok(next.url ? t('teamSync.linked', { url: next.url }) : t('teamSync.unlinked'))
    } catch (err) {
      fail(err, form)
    } finally {
      setBusy(null)
    }
  }
  const runTest = async () => {
    setBusy('test')
    setTest(null)
    try {
      setTest({ ok: true, who: await api.call('teamLink.test', {}) })
    } catch (err) {
      setTest({ ok: false, error: translateError(err, t) })
    } finally {
      setBusy(null)
    }
  }
  const unlink = () => void save({ url: '', token: '' })

  return (
    <SettingCard title={t('teamSync.title')} icon={<ApiOutlined />} testId="settings-team-server">
      <div className="setting-help">{t('teamSync.intro')}</div>
      <div style={{ margin: '8px 0' }}>
        <Badge
          status={link?.url && link.hasToken ? 'success' : 'default'}
          text={link?.url && link.hasToken ? t('teamSync.linked', { url: link.url }) : t('teamSync.notLinked')}
        />
      </div>
      {/* Disabled until the saved link has loaded: what is typed before would be overwritten by it. */}
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)} initialValues={{ url: '', token: '' }} disabled={!link}>
        <Form.Item name="url" label={t('teamSync.url')}>
          <Input placeholder={t('teamSync.urlHint')} data-testid="team-url" />
        </Form.Item>
        <Form.Item name="token" label={t('teamSync.token')} extra={link?.hasToken ? t('teamSync.tokenSaved') : undefined}>
          <Input.Password placeholder="agt_…" autoComplete="off" data-testid="team-token" />
        </Form.Item>
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={busy === 'save'} data-testid="team-save">
            {t('teamSync.save')}
          </Button>
          <Button onClick={() => void runTest()} loading={busy === 'test'} disabled={!link?.url || !link.hasToken} data-testid="team-test">
            {t('teamSync.test')}
          </Button>
          {link?.url && (
            <Button danger onClick={unlink} data-testid="team-unlink">
              {t('teamSync.unlink')}
            </Button>
          )}
        </Space>
      </Form>
      {test && (
        <div className={`smtp-test-result ${test.ok ? 'is-ok' : 'is-error'}`} data-testid="team-test-result" style={{ marginTop: 8 }}>
          {test.ok ? <CheckCircleFilled /> : <CloseCircleFilled />}{' '}
          {test.ok ? t('teamSync.whoAmI', { name: test.who.name, role: test.who.role, email: test.who.email ? ` · ${test.who.email}` : '' }) : test.error}
        </div>
      )}
    </SettingCard>
  )
}
