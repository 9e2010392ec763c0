import type { cardSchemas, CardType } from '@contract/cards'
import type { z } from 'zod'

export type CardDataOf<T extends CardType> = z.output<(typeof cardSchemas)[T]>

export interface CardProps<T extends CardType> {
  data: CardDataOf<T>
  /** Sends a message as the user (a card's button or suggested question). */
  onSend?: (text: string) => void
}
