import { cardSchemas, type CardType } from '@contract/cards'
import type { ComponentType } from 'react'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { CardData } from '../model'
import { BookingCard } from './BookingCard'
import { ChartCard } from './ChartCard'
import { DetailCard } from './DetailCard'
import { LinkCard } from './LinkCard'
import { ListCard } from './ListCard'
import { RouteCard } from './RouteCard'
import { TableCard } from './TableCard'
import type { CardProps } from './types'
import { WeatherCard } from './WeatherCard'
import { WelcomeCard } from './WelcomeCard'
import './cards.css'

const VIEWS: { [T in CardType]: ComponentType<CardProps<T>> } = {
  weather: WeatherCard,
  list: ListCard,
  detail: DetailCard,
  booking: BookingCard,
  route: RouteCard,
  welcome: WelcomeCard,
  chart: ChartCard,
  table: TableCard,
  link: LinkCard
}

/**
 * An interaction card drawn from its JSON. The data is checked against the card's schema again
 * here: a card from an older or foreign server that does not fit is shown as a notice, never half-drawn.
 */
export function CardView({ card, onSend }: { card: CardData; onSend?: (text: string) => void }) {
  const { t } = useTranslation()
  const parsed = useMemo(() => (card.type in cardSchemas ? cardSchemas[card.type as CardType].safeParse(card.data) : null), [card])
  if (!parsed?.success) {
    return (
      <div className="agenta-card card-invalid" data-testid="card-invalid">
        {t('cards.invalid', { type: card.type })}
      </div>
    )
  }
  const View = VIEWS[card.type as CardType] as ComponentType<CardProps<CardType>>
  return (
    <div className={`agenta-card card-${card.type}-wrap`} data-testid={`card-${card.type}`}>
      <View data={parsed.data} onSend={onSend} />
    </div>
  )
}
