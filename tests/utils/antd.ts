// How the browser tests work antd's pop-up widgets on a loaded machine, written once. Two things
// cost CI runs: a click that lands while a pop-up is still growing or realigning does nothing, and
// a retry that clicks a toggle again closes what the first click had just opened.
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Opens the antd Select with this test id and picks the option labelled exactly `label`, then waits
 * until the select shows it. The options can arrive after the list opened (the dialog's first read
 * of them), and the list grows and realigns under the pointer: a click that selected nothing is
 * made again, on the list if it is still open, else after opening it again.
 */
export async function pickOption(page: Page, selectTestId: string, label: string): Promise<void> {
  const exact = new RegExp(`^${escapeRegExp(label)}$`)
  const select = page.getByTestId(selectTestId)
  const openLists = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
  // Another select's list may still be closing: it would be taken for this one's.
  await expect.poll(() => openLists.count()).toBe(0)
  for (let attempt = 1; ; attempt++) {
    if (!(await openLists.count())) await select.click()
    await openLists.locator('.ant-select-item-option').filter({ hasText: exact }).click()
    try {
      // antd 6 shows a single select's value as the title of its content.
      await select.locator(`.ant-select-content[title=${JSON.stringify(label)}]`).waitFor({ timeout: 3_000 })
      return
    } catch (err) {
      if (attempt === 3) throw new Error(`${selectTestId} does not show "${label}" after it was picked ${attempt} times`, { cause: err })
    }
  }
}

/**
 * Opens the dropdown menu of `button` once no other menu is open (antd keeps a closing menu a
 * moment, and an item's locator would match it too); returns the open menu to pick items from.
 */
export async function openMenu(page: Page, button: Locator): Promise<Locator> {
  const open = page.locator('.ant-dropdown:not(.ant-dropdown-hidden)')
  await expect.poll(() => open.count()).toBe(0)
  await button.click()
  return open
}

/**
 * Clicks `target` until `outcome` is visible (or, with `state: 'hidden'`, gone). Each click is given
 * `waitMs` to take effect before the next: a popover or a collapse toggles, and a click made while
 * the last one's effect was still rendering would close it again.
 */
export async function clickUntil(
  target: Locator,
  outcome: Locator,
  { state = 'visible', waitMs = 5_000 }: { state?: 'visible' | 'hidden'; waitMs?: number } = {}
) {
  for (let attempt = 1; ; attempt++) {
    await target.click()
    try {
      await outcome.first().waitFor({ state, timeout: waitMs })
      return
    } catch (err) {
      if (attempt === 3) throw err
    }
  }
}
