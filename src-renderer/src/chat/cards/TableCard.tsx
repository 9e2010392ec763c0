import type { CardProps } from './types'

export function TableCard({ data }: CardProps<'table'>) {
  return (
    <div className="card-table">
      {data.title && <div className="card-title">{data.title}</div>}
      <div className="card-table-scroll">
        <table>
          <thead>
            <tr>
              {data.columns.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row, r) => (
              <tr key={r}>
                {data.columns.map((_, c) => (
                  <td key={c}>{row[c] === null || row[c] === undefined ? '' : String(row[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
