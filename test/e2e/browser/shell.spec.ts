// Browser mode: the shell renders and the models list comes from the engine through HTTP + SSE.
import { test, expect, screenshot } from '../fixtures'
import { ModelsPage, ShellPage } from '../pages/shell-page'

test('shell renders with navigation and the engine-provided models list', async ({ workbenchPage: page, served }) => {
  const shell = new ShellPage(page)
  await expect(shell.sidebar).toBeVisible()
  await expect(shell.heading).toHaveText('Models')
  await expect(shell.providerBadge).toHaveText('CPU')

  // What the engine says, asked directly over the same API the renderer uses.
  const res = await page.request.post(`${served.url}api/ops/models.list`, {
    headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
    data: {}
  })
  const body = await res.text()
  const result = JSON.parse(/event: result\ndata: (.*)\n/.exec(body)![1]) as { models: Array<{ name: string }>; hint: string | null }

  const models = new ModelsPage(page)
  if (result.models.length === 0) {
    await expect(models.emptyState).toContainText(result.hint!)
  } else {
    for (const m of result.models) await expect(models.row(m.name)).toBeVisible()
  }
  await screenshot(page, 'models')

  for (const label of ['Datasets', 'Experiments', 'Compare'] as const) {
    await shell.goTo(label)
    await expect(shell.heading).toHaveText(label)
    await screenshot(page, label.toLowerCase())
  }
})

test('requests without the session token are refused', async ({ page, served }) => {
  const res = await page.request.post(`${served.url}api/ops/app.info`, { headers: { 'Content-Type': 'application/json' }, data: {} })
  expect(res.status()).toBe(403)
  const pageRes = await page.goto(served.url)
  expect(pageRes?.status()).toBe(403)
})
