import { useTranslation } from 'react-i18next'
import type { CardProps } from './types'

export function RouteCard({ data }: CardProps<'route'>) {
  const { t } = useTranslation()
  return (
    <div className="card-route">
      <div className="card-title">{data.title}</div>
      {(data.totalDuration || data.distance) && (
        <div className="card-route-meta">
          {data.totalDuration && (
            <span>
              {t('cards.duration')} <b>{data.totalDuration}</b>
            </span>
          )}
          {data.distance && (
            <span>
              {t('cards.distance')} <b>{data.distance}</b>
            </span>
          )}
          <span>
            {t('cards.stops')} <b>{data.stops.length}</b>
          </span>
        </div>
      )}
      <ol className="card-route-stops">
        {data.stops.map((s, i) => (
          <li key={i}>
            <span className="card-route-dot">{i + 1}</span>
            <div>
              <div className="card-list-name">
                {s.name}
                {s.duration && <span className="card-muted"> · {s.duration}</span>}
              </div>
              {s.description && <div className="card-muted">{s.description}</div>}
            </div>
          </li>
        ))}
      </ol>
    </div>
  )
}
