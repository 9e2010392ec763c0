import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CardProps } from './types'

const money = (amount: number, currency: string, lang: string) => {
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount)
  } catch {
    return `${amount} ${currency}`
  }
}

/** Pick an option, a date and a count; "book" sends the choice as the user's message. */
export function BookingCard({ data, onSend }: CardProps<'booking'>) {
  const { t, i18n } = useTranslation()
  const [option, setOption] = useState(0)
  const [date, setDate] = useState(data.dates?.[0])
  const [count, setCount] = useState(1)
  const chosen = data.options[option]
  const soldOut = chosen.stock !== undefined && chosen.stock <= 0
  const max = chosen.stock ?? 99
  const book = () => onSend?.(t('cards.bookMessage', { name: chosen.name, count, date: date ?? '' }).trim())
  return (
    <div className="card-booking">
      <div className="card-title">{data.title}</div>
      {data.dates?.length ? (
        <div className="card-chips" role="radiogroup" aria-label={t('cards.date')}>
          {data.dates.map((d) => (
            <button
              key={d}
              type="button"
              role="radio"
              aria-checked={d === date}
              className={`card-chip ${d === date ? 'active' : ''}`}
              onClick={() => setDate(d)}
            >
              {d}
            </button>
          ))}
        </div>
      ) : null}
      <div className="card-booking-options" role="radiogroup" aria-label={t('cards.option')}>
        {data.options.map((o, i) => (
          <button
            key={i}
            type="button"
            role="radio"
            aria-checked={i === option}
            className={`card-booking-option ${i === option ? 'active' : ''}`}
            onClick={() => setOption(i)}
          >
            <span>{o.name}</span>
            <span className="card-price">{money(o.price, o.currency, i18n.language)}</span>
          </button>
        ))}
      </div>
      <div className="card-booking-foot">
        <div className="card-stepper">
          <button type="button" onClick={() => setCount((c) => Math.max(1, c - 1))} aria-label={t('cards.less')}>
            −
          </button>
          <span>{count}</span>
          <button type="button" onClick={() => setCount((c) => Math.min(max, c + 1))} aria-label={t('cards.more')}>
            +
          </button>
        </div>
        <span className="card-total">
          {t('cards.total')} <b className="card-price">{money(chosen.price * count, chosen.currency, i18n.language)}</b>
        </span>
        <button type="button" className="card-button primary" onClick={book} disabled={!onSend || soldOut}>
          {soldOut ? t('cards.soldOut') : t('cards.book')}
        </button>
      </div>
      {data.note && <div className="card-muted card-note">{data.note}</div>}
    </div>
  )
}
