import { cardTypes, type CardType } from '@contract/cards'
import { Checkbox } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { CardView } from '../../../chat/cards/CardView'
import { sampleCard } from '../../../chat/cards/samples'

interface Props {
  value?: string[]
  onChange?: (next: string[]) => void
}

/** A form control: one tile per card type with a live preview; checked types are offered to the model. */
export function CardTemplatePicker({ value = [], onChange }: Props) {
  const { t } = useTranslation()
  const samples = useMemo(() => Object.fromEntries(cardTypes.map((type) => [type, { type, data: sampleCard(type, t) }])), [t])
  const toggle = (type: CardType, on: boolean) => onChange?.(on ? [...value.filter((v) => v !== type), type] : value.filter((v) => v !== type))
  return (
    <div className="card-picker">
      {cardTypes.map((type) => {
        const on = value.includes(type)
        return (
          <label key={type} className={`card-picker-tile ${on ? 'on' : ''}`} data-testid={`card-template-${type}`}>
            <div className="card-picker-preview" aria-hidden="true">
              <div className="card-picker-scale">{type === 'chart' ? <div className="card-picker-chart">📊</div> : <CardView card={samples[type]} />}</div>
            </div>
            <div className="card-picker-foot">
              <Checkbox checked={on} onChange={(e) => toggle(type, e.target.checked)} />
              <span>{t(`cards.types.${type}`)}</span>
            </div>
          </label>
        )
      })}
    </div>
  )
}
