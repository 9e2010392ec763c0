import type { CardProps } from './types'

export function ListCard({ data, onSend }: CardProps<'list'>) {
  return (
    <div className="card-list">
      <div className="card-title">{data.title}</div>
      {data.items.map((item, i) => {
        const body = (
          <>
            {item.image && <img className="card-list-img" src={item.image} alt="" loading="lazy" />}
            <div className="card-list-text">
              <div className="card-list-name">{item.title}</div>
              {item.subtitle && <div className="card-muted card-clamp">{item.subtitle}</div>}
              {item.tags?.length ? (
                <div className="card-tags">
                  {item.tags.map((tag) => (
                    <span key={tag} className="card-tag">
                      {tag}
                    </span>
                  ))}
                </div>
              ) : null}
            </div>
          </>
        )
        return item.link ? (
          <a key={i} className="card-list-item" href={item.link} target="_blank" rel="noreferrer noopener">
            {body}
          </a>
        ) : (
          <button key={i} type="button" className="card-list-item" onClick={() => onSend?.(item.title)} disabled={!onSend}>
            {body}
          </button>
        )
      })}
    </div>
  )
}
