// Page objects for the experiment screens: New experiment, Run, Results, Experiments list and Compare.
import { expect, type Download, type Locator, type Page } from '@playwright/test'

/** What the New experiment form is filled with. */
export interface NewExperimentInput {
  model: string
  compareModel?: string
  dataset: string
  attack: 'csa' | 'aea' | 'wsa' | 'blind'
  name?: string
  resamples?: number
  /** Reference-model calibration (CSA, AEA): the reference model's name and, unless the default auto, the rule. */
  referenceModel?: string
  calibration?: 'auto' | 'regression' | 'difference'
}

export class NewExperimentPage {
  readonly form: Locator
  readonly preview: Locator
  readonly previewViews: Locator
  readonly bank: Locator
  readonly bankError: Locator

  constructor(readonly page: Page) {
    this.form = page.getByTestId('experiment-form')
    this.preview = page.getByTestId('augment-preview')
    this.previewViews = page.getByTestId('preview-view')
    this.bank = page.getByTestId('exp-bank')
    this.bankError = page.getByTestId('bank-error')
  }

  /** Choose exactly this attack (the form takes several, queued as one study). */
  async chooseAttack(attack: NewExperimentInput['attack']): Promise<void> {
    await this.chooseAttacks([attack])
  }

  /** Tick exactly these attacks. */
  async chooseAttacks(attacks: ReadonlyArray<NewExperimentInput['attack']>): Promise<void> {
    for (const a of ['csa', 'aea', 'wsa', 'blind'] as const) {
      const box = this.page.getByTestId(`attack-${a}`)
      if (await box.isEnabled()) await box.setChecked(attacks.includes(a))
    }
  }

  /** Fill the form (values are option values: model and dataset names). */
  async fill(input: NewExperimentInput): Promise<void> {
    await expect(this.page.getByTestId('exp-model').locator(`option[value="${input.model}"]`)).toHaveCount(1)
    await expect(this.page.getByTestId('exp-dataset').locator(`option[value="${input.dataset}"]`)).toHaveCount(1)
    await this.page.getByTestId('exp-model').selectOption(input.model)
    await this.page.getByTestId('exp-dataset').selectOption(input.dataset)
    if (input.compareModel) await this.page.getByTestId('exp-compare-model').selectOption(input.compareModel)
    await this.chooseAttack(input.attack)
    if (input.name) await this.page.getByTestId('exp-name').fill(input.name)
    if (input.resamples !== undefined) await this.page.getByTestId('eval-resamples').fill(String(input.resamples))
    if (input.referenceModel) await this.page.getByTestId('calibration-reference').selectOption(input.referenceModel)
    if (input.calibration) await this.page.getByTestId('calibration-mode').selectOption(input.calibration)
  }

  async submit(): Promise<void> {
    await this.page.getByTestId('exp-submit').click()
  }
}

export class RunPage {
  constructor(readonly page: Page) {}

  /** Run cards, one per experiment on the screen. */
  get cards(): Locator {
    return this.page.locator('[data-testid^="run-"].run-card')
  }

  /** Every progress row of a card (one per phase seen so far). */
  phases(card: Locator): Locator {
    return card.getByTestId('phases').locator('li')
  }

  phase(card: Locator, phase: string): Locator {
    return card.getByTestId(`phase-${phase}`)
  }

  status(card: Locator): Locator {
    return card.getByTestId('run-status')
  }
}

export class ResultsPage {
  readonly name: Locator
  readonly metrics: Locator
  readonly auc: Locator
  readonly charts: Locator
  readonly slider: Locator
  readonly thresholdValue: Locator
  readonly tpr: Locator
  readonly fpr: Locator
  readonly accuracy: Locator
  readonly topMembers: Locator

  constructor(readonly page: Page) {
    this.name = page.getByTestId('results-name')
    this.metrics = page.getByTestId('metrics-table')
    this.auc = page.getByTestId('metric-auc')
    this.charts = page.getByTestId('chart')
    this.slider = page.getByTestId('threshold-slider')
    this.thresholdValue = page.getByTestId('threshold-value')
    this.tpr = page.getByTestId('rate-tpr')
    this.fpr = page.getByTestId('rate-fpr')
    this.accuracy = page.getByTestId('rate-accuracy')
    this.topMembers = page.getByTestId('top-members').getByTestId('item-card')
  }

  /** Move the threshold slider by `steps` histogram edges with the keyboard, as a user would. */
  async moveThreshold(steps: number): Promise<void> {
    await this.slider.focus()
    for (let i = 0; i < Math.abs(steps); i++) await this.slider.press(steps > 0 ? 'ArrowRight' : 'ArrowLeft')
  }
}

export class ExperimentsPage {
  readonly table: Locator
  readonly search: Locator
  readonly compareSelected: Locator

  constructor(readonly page: Page) {
    this.table = page.getByTestId('experiments-table')
    this.search = page.getByTestId('experiments-search')
    this.compareSelected = page.getByTestId('compare-selected')
  }

  row(id: string): Locator {
    return this.page.getByTestId(`experiment-row-${id}`)
  }
}

/** Export controls shared by Results and Compare. */
export class ExportPanel {
  readonly caption: Locator

  constructor(readonly page: Page) {
    this.caption = page.getByTestId('export-caption')
  }

  /** Export a figure and return the download the browser received. */
  async figure(kind: string, format: 'svg' | 'pdf' | 'png', widthIn: 3.3 | 6.9 = 3.3): Promise<Download> {
    await this.page.getByTestId('export-figure-kind').selectOption(kind)
    await this.page.getByTestId('export-width').selectOption(String(widthIn))
    const download = this.page.waitForEvent('download', { timeout: 60_000 })
    await this.page.getByTestId(`export-${format}`).click()
    return download
  }
}

export class ComparePage {
  readonly charts: Locator
  readonly metrics: Locator
  readonly paired: Locator
  readonly notes: Locator

  constructor(readonly page: Page) {
    this.charts = page.getByTestId('chart')
    this.metrics = page.getByTestId('compare-metrics')
    this.paired = page.getByTestId('compare-paired')
    this.notes = page.getByTestId('compare-notes')
  }
}
