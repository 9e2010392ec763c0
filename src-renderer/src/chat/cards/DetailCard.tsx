import type { CardProps } from './types'

export function DetailCard({ data, onSend }: CardProps<'detail'>) {
  return (
    <div className="card-detail">
      {data.images?.length ? (
        <div className="card-detail-images">
          {data.images.slice(0, 6).map((src) => (
            <img key={src} src={src} alt="" loading="lazy" />
          ))}
        </div>
      ) : null}
      <div className="card-title">{data.title}</div>
      <p className="card-detail-desc">{data.description}</p>
      {data.fields?.length ? (
        <dl className="card-fields">
          {data.fields.map((f, i) => (
            <div key={i}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {data.actions?.length ? (
        <div className="card-actions">
          {data.actions.map((a, i) => (
            <button key={i} type="button" className="card-button" onClick={() => onSend?.(a.message)} disabled={!onSend}>
              {a.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  )
}
