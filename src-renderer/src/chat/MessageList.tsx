import { useCallback, useRef, type ReactNode } from 'react'
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso'
import type { ChatItem } from './model'

interface Props {
  items: ChatItem[]
  /** Remounts the list (and starts at the bottom) when the conversation changes. */
  listKey: string
  render: (item: ChatItem, index: number) => ReactNode
  header?: ReactNode
}

/**
 * Only the messages in view are in the DOM (react-virtuoso measures their heights as they render),
 * so a session of thousands of messages opens and scrolls like a short one. While the user stays at
 * the bottom, the list follows the answer as it grows; scrolling up to read stops that.
 */
export function MessageList({ items, listKey, render, header }: Props) {
  const ref = useRef<VirtuosoHandle>(null)
  const stick = useRef(true)
  const follow = useCallback(() => {
    if (stick.current) ref.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })
  }, [])
  const leave = useCallback((e: { deltaY?: number }) => {
    if ((e.deltaY ?? -1) < 0) stick.current = false
  }, [])
  return (
    <Virtuoso
      key={listKey}
      ref={ref}
      className="message-list"
      data={items}
      computeItemKey={(_, item) => item.id}
      initialTopMostItemIndex={items.length ? { index: 'LAST', align: 'end' } : 0}
      itemContent={(index, item) => <div className="message-row">{render(item, index)}</div>}
      followOutput={(atBottom) => (atBottom || stick.current ? 'auto' : false)}
      atBottomStateChange={(atBottom) => {
        if (atBottom) stick.current = true
      }}
      atBottomThreshold={80}
      totalListHeightChanged={follow}
      onWheel={leave}
      onTouchMove={() => (stick.current = false)}
      increaseViewportBy={{ top: 200, bottom: 200 }}
      {...(header ? { components: { Header: () => <>{header}</> } } : {})}
      data-testid="message-list"
    />
  )
}
