// Page object for the app shell and the Models screen: locators and actions.
import type { Locator, Page } from '@playwright/test'

/** The shell: sidebar navigation plus the routed screen. */
export class ShellPage {
  readonly sidebar: Locator
  readonly heading: Locator
  readonly providerBadge: Locator

  constructor(readonly page: Page) {
    this.sidebar = page.getByTestId('sidebar')
    this.heading = page.getByRole('heading', { level: 1 })
    this.providerBadge = page.getByTestId('provider-badge')
  }

  /** Click a main navigation entry by its label. */
  async goTo(label: 'Models' | 'Datasets' | 'New experiment' | 'Experiments' | 'Compare'): Promise<void> {
    await this.page.getByTestId(`nav-${label.toLowerCase().replace(' ', '-')}`).click()
  }
}

/** The Models screen. */
export class ModelsPage {
  readonly table: Locator
  readonly emptyState: Locator

  constructor(readonly page: Page) {
    this.table = page.getByTestId('models-table')
    this.emptyState = page.getByTestId('empty-state')
  }

  /** The row of a model by name. */
  row(name: string): Locator {
    return this.page.getByTestId(`model-row-${name}`)
  }

  /** Add a model folder through the path field (browser mode has no native dialog). */
  async add(folder: string): Promise<void> {
    await this.page.getByTestId('add-model-input').fill(folder)
    await this.page.getByTestId('add-model-submit').click()
  }
}
