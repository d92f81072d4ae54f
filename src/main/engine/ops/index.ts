// The handler table: one function per contract operation, wired to the engine's services.
import type { EventSink } from '../../../shared/contract/events'
import type { OperationName, OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import type { EngineConfig } from '../config'
import { appInfo } from './app-info'
import { agreementOp, seedsOp } from './agreement'
import { auditSetOp } from './audit-set'
import { augmentPreviewOp } from './augment-preview'
import { addDatasetOp, datasetItemsOp, listDatasetsOp, removeDatasetOp, validateDatasetOp } from './datasets'
import { embedOp } from './embed'
import {
  compareExperimentsOp,
  createExperimentOp,
  deleteExperimentOp,
  getExperimentOp,
  listExperimentsOp,
  renameExperimentOp,
  rerunOp,
  runExperimentOp,
  tagExperimentOp
} from './experiments'
import { exportAgreementOp, exportFigureOp, exportRecordOp, exportScoresOp, exportTableOp } from './export'
import { evaluateOp } from './metrics'
import { addModelOp, listModelsOp, removeModelOp } from './models'
import { createServices } from './services'

/** What a handler receives besides its validated input. */
export interface HandlerContext {
  signal?: AbortSignal
  emit: EventSink
}

/** A handler per operation, typed by the contract. */
export type Handlers = {
  [K in OperationName]: (input: OpParsedInput<K>, ctx: HandlerContext) => Promise<OpOutput<K>>
}

/** Build the handler table for one engine instance and a function releasing its resources. */
export function createHandlers(config: EngineConfig): { handlers: Handlers; dispose(): Promise<void> } {
  const s = createServices(config)
  const handlers: Handlers = {
    'app.info': async () => appInfo(config),
    'models.list': async () => listModelsOp(s),
    'models.add': async (i) => addModelOp(s, i.path),
    'models.remove': async (i) => removeModelOp(s, i.path),
    'datasets.list': async () => listDatasetsOp(s),
    'datasets.add': async (i, c) => addDatasetOp(s, i.path, c.signal),
    'datasets.remove': async (i) => removeDatasetOp(s, i.path),
    'datasets.validate': async (i, c) => validateDatasetOp(s, i, c.signal, c.emit),
    'datasets.items': async (i, c) => datasetItemsOp(s, i, c.signal),
    'augment.preview': async (i, c) => augmentPreviewOp(s, i, c.signal),
    embed: async (i, c) => embedOp(s, i, c),
    'experiments.create': async (i, c) => createExperimentOp(s, i.spec, c.signal),
    'experiments.run': async (i, c) => runExperimentOp(s, i.id, c),
    'experiments.rerun': async (i, c) => rerunOp(s, i.record, c),
    'experiments.list': async (i) => listExperimentsOp(s, i),
    'experiments.get': async (i) => getExperimentOp(s, i.id),
    'experiments.rename': async (i) => renameExperimentOp(s, i.id, i.name),
    'experiments.tag': async (i) => tagExperimentOp(s, i.id, i.tags),
    'experiments.delete': async (i) => deleteExperimentOp(s, i.id),
    'experiments.compare': async (i, c) => compareExperimentsOp(s, i, c),
    'experiments.agreement': async (i) => agreementOp(s, i.ids, i.fpr),
    'experiments.seeds': async (i) => seedsOp(s, i.ids, i.fpr),
    'audit.set': async (i, c) => auditSetOp(s, i, c),
    'export.agreement': async (i) => exportAgreementOp(s, i),
    'metrics.evaluate': async (i, c) => evaluateOp(i, c.signal),
    'export.figure': async (i, c) => exportFigureOp(s, i, c),
    'export.table': async (i, c) => exportTableOp(s, i, c),
    'export.scores': async (i) => exportScoresOp(s, i.id),
    'export.record': async (i) => exportRecordOp(s, i.id)
  }
  return { handlers, dispose: () => s.dispose() }
}
