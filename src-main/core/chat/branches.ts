import { AppError } from '../../contract/errors'
import type { ChatRepo } from '../../store/repos/chat'

/**
 * Branches of a conversation. Editing a message or regenerating an answer starts a new branch
 * beside the old one instead of deleting it: messages form a tree (each row's `parent_id`), each
 * parent remembers which child was shown last (`selected`), and the rows off the branch shown now
 * are `hidden` (migration 012 says why it is columns). Everything that reads a session — the
 * model's history, the chat, the export, the search — reads the shown branch only.
 */

type Node = Awaited<ReturnType<ChatRepo['messages']['tree']>>[number]

const key = (parentId: string | null) => parentId ?? ''

function childrenOf(nodes: Node[]): Map<string, Node[]> {
  const children = new Map<string, Node[]>()
  for (const n of nodes) {
    const list = children.get(key(n.parent_id)) ?? []
    list.push(n)
    children.set(key(n.parent_id), list)
  }
  return children
}

/** The branch to show: from the first messages down, each parent's selected child (its newest if none is). */
function shownPath(nodes: Node[]): Set<string> {
  const children = childrenOf(nodes)
  const shown = new Set<string>()
  for (let at = children.get(''); at?.length;) {
    const next = at.filter((n) => Number(n.selected)).at(-1) ?? at.at(-1)!
    shown.add(next.id)
    at = children.get(next.id)
  }
  return shown
}

/**
 * Starts a new branch after `parentId` (null: before the first message): the shown messages after
 * it are hidden and none of its children stays selected, so the next message written follows it.
 */
export async function branchAfter(repo: ChatRepo, sessionId: string, parentId: string | null): Promise<void> {
  const shown = (await repo.messages.tree(sessionId)).filter((n) => !Number(n.hidden))
  const at = parentId === null ? -1 : shown.findIndex((n) => n.id === parentId)
  await repo.messages.select(sessionId, parentId, null)
  await repo.messages.setHidden(
    shown.slice(at + 1).map((n) => n.id),
    true
  )
}

/** Shows the branch that goes through `messageId`, as it was left (its own later branches as last shown). */
export async function showBranch(repo: ChatRepo, sessionId: string, messageId: string): Promise<void> {
  const nodes = await repo.messages.tree(sessionId)
  const target = nodes.find((n) => n.id === messageId)
  if (!target) throw new AppError('not_found', `No message ${messageId} in this session`, undefined, { reason: 'no_message', params: { id: messageId } })
  await repo.messages.select(sessionId, target.parent_id, target.id)
  for (const n of nodes) if (n.parent_id === target.parent_id) n.selected = n.id === target.id ? 1 : 0
  const shown = shownPath(nodes)
  await repo.messages.setHidden(
    nodes.filter((n) => Number(n.hidden) && shown.has(n.id)).map((n) => n.id),
    false
  )
  await repo.messages.setHidden(
    nodes.filter((n) => !Number(n.hidden) && !shown.has(n.id)).map((n) => n.id),
    true
  )
}

/**
 * For each message with alternatives (other edits of it, other answers to the same message): the
 * ids of all of them, oldest first. Messages without alternatives are not in the map.
 */
export async function alternatives(repo: ChatRepo, sessionId: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (const siblings of childrenOf(await repo.messages.tree(sessionId)).values()) {
    if (siblings.length < 2) continue
    const ids = siblings.map((n) => n.id)
    for (const id of ids) out.set(id, ids)
  }
  return out
}
