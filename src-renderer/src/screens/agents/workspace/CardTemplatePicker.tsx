import { cardTypes, type CardType } from '@contract/cards'
import { Checkbox } from 'antd'
import { useMemo, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { CardView } from '../../../chat/cards/CardView'
import { sampleCard } from '../../../chat/cards/samples'

interface Props {
  value?: string[]
  onChange?: (next: string[]) => void
}

/**
 * A form control: one tile per card type with a live preview; checked types are offered to the model.
 * The whole tile is the checkbox (role="checkbox"). It is not a <label>: a label forwards a click to
 * its first labelable descendant, and the previews of welcome/booking/detail/list contain buttons,
 * so a click on the tile pressed a preview button instead of ticking the box. The preview is inert.
 */
export function CardTemplatePicker({ value = [], onChange }: Props) {
  const { t } = useTranslation()
  const samples = useMemo(() => Object.fromEntries(cardTypes.map((type) => [type, { type, data: sampleCard(type, t) }])), [t])
  const toggle = (type: CardType) => {
    const on = value.includes(type)
    onChange?.(on ? value.filter((v) => v !== type) : [...value, type])
  }
  const onKey = (type: CardType) => (e: KeyboardEvent) => {
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault()
      toggle(type)
    }
  }
  return (
    <div className="card-picker">
      {cardTypes.map((type) => {
        const on = value.includes(type)
        const label = t(`cards.types.${type}`)
        return (
          <div
            key={type}
            role="checkbox"
            aria-checked={on}
            aria-label={label}
            tabIndex={0}
            className={`card-picker-tile ${on ? 'on' : ''}`}
            onClick={() => toggle(type)}
            onKeyDown={onKey(type)}
            data-testid={`card-template-${type}`}
          >
            <div className="card-picker-preview" aria-hidden="true" inert>
              <div className="card-picker-scale">{type === 'chart' ? <div className="card-picker-chart">📊</div> : <CardView card={samples[type]} />}</div>
            </div>
            <div className="card-picker-foot">
              {/* Shows the state only: the tile takes the click (tabIndex -1 keeps one tab stop per tile). */}
              <Checkbox checked={on} tabIndex={-1} aria-hidden="true" />
              <span>{label}</span>
            </div>
          </div>
        )
      })}
    </div>
  )
}
