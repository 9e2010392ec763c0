import { PlusOutlined, SearchOutlined } from '@ant-design/icons'
import { Button, Input, Skeleton } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo, useRouteParam } from '../../shell/route'
import { useSchedules } from '../../queries/employees'
import { CreateCard } from '../../ui/CreateCard'
import { useErrorToast } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { TaskCard } from './TaskCard'
import { TaskDetail } from './TaskDetail'
import { TaskDialog } from './TaskDialog'
import './employees.css'

/** 数字员工: the grid of scheduled agent tasks, or one of them (#/employees/<id>). */
export function EmployeesScreen() {
  const id = useRouteParam()
  return id ? <TaskDetail id={id} /> : <TaskGrid />
}

function TaskGrid() {
  const { t } = useTranslation()
  const { items: tasks, loaded, error } = useSchedules()
  const [query, setQuery] = useState('')
  const [creating, setCreating] = useState(false)
  useErrorToast(error)

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return q ? tasks.filter((x) => `${x.name} ${x.instruction}`.toLowerCase().includes(q)) : tasks
  }, [tasks, query])

  return (
    <div className="page">
      <PageHeader
        title={t('nav.employees')}
        subtitle={t('employees.subtitle', { count: tasks.length })}
        extra={
          <>
            <Input
              allowClear
              prefix={<SearchOutlined />}
              placeholder={t('employees.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="page-search"
            />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="task-new">
              {t('employees.new')}
            </Button>
          </>
        }
      />
      {!loaded ? (
        <Skeleton active />
      ) : (
        <div className="card-grid" data-testid="task-grid">
          {!query && <CreateCard title={t('employees.createTitle')} hint={t('employees.createHint')} onClick={() => setCreating(true)} />}
          {shown.map((x) => (
            <TaskCard key={x.id} task={x} onOpen={() => routeTo('employees', x.id)} />
          ))}
        </div>
      )}
      <TaskDialog open={creating} task={null} onClose={() => setCreating(false)} />
    </div>
  )
}
