import type { CardProps } from './types'

const hostOf = (url: string) => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

export function LinkCard({ data }: CardProps<'link'>) {
  return (
    <div className="card-links">
      {data.title && <div className="card-title">{data.title}</div>}
      {data.links.map((l, i) => (
        <a key={i} className="card-link" href={l.url} target="_blank" rel="noreferrer noopener">
          <span className="card-list-name">{l.title}</span>
          {l.description && <span className="card-muted card-clamp">{l.description}</span>}
          <span className="card-link-host">{hostOf(l.url)}</span>
        </a>
      ))}
    </div>
  )
}
