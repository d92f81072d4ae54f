// Page object for the Datasets screen: list, validation, counts and the paged thumbnail grid.
import type { Locator, Page } from '@playwright/test'

export class DatasetsPage {
  readonly table: Locator
  readonly detail: Locator
  readonly validateButton: Locator
  readonly report: Locator
  readonly counts: Locator
  readonly cards: Locator
  readonly pageLabel: Locator
  readonly nextPage: Locator

  constructor(readonly page: Page) {
    this.table = page.getByTestId('datasets-table')
    this.detail = page.getByTestId('dataset-detail')
    this.validateButton = page.getByTestId('validate')
    this.report = page.getByTestId('validation-report')
    this.counts = page.getByTestId('counts-table')
    this.cards = page.getByTestId('item-grid').getByTestId('item-card')
    this.pageLabel = page.getByTestId('page-label')
    this.nextPage = page.getByTestId('page-next')
  }

  row(name: string): Locator {
    return this.page.getByTestId(`dataset-row-${name}`)
  }

  /** Import a manifest or folder through the path field. */
  async add(target: string): Promise<void> {
    await this.page.getByTestId('add-dataset-input').fill(target)
    await this.page.getByTestId('add-dataset-submit').click()
  }

  async select(name: string): Promise<void> {
    await this.row(name).click()
  }
}
