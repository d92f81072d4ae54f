// The handler table: one function per contract operation, wired to the engine's services.
import type { EventSink } from '../../../shared/contract/events'
import type { OperationName, OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import type { EngineConfig } from '../config'
import { ablationOp, exportAblationOp } from './ablation'
import { appInfo } from './app-info'
import { agreementOp, seedsOp } from './agreement'
import { auditSetOp } from './audit-set'
import { augmentPreviewOp } from './augment-preview'
import { addDatasetOp, datasetItemsOp, listDatasetsOp, removeDatasetOp, validateDatasetOp } from './datasets'
import { embedOp } from './embed'
import { compareExperimentsOp, createExperimentOp, deleteExperimentOp, getExperimentOp, listExperimentsOp, renameExperimentOp, rerunOp, runExperimentOp, tagExperimentOp } from './experiments'
import { itemDetailOp, itemThumbnailsOp } from './item-detail'
import { exportAgreementOp, exportFigureOp, exportRecordOp, exportScoresOp, exportSlicesOp, exportTableOp } from './export'
import { importScoresOp } from './import-scores'
import { evaluateOp } from './metrics'
import { createServices } from '../services'
import { RunRegistry } from './runs'
import { addModelOp, inspectModelOp, listModelsOp, pullModelOp, removeModelOp } from './models'
import { resolveExperimentRef } from '../runner/record'

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
  const runs = new RunRegistry(s, runExperimentOp)
  // Every operation on stored experiments accepts an id, a unique id prefix or a name (issue 22).
  const ref = (r: string): string => resolveExperimentRef(s.store(), r)
  const refs = (rs: string[]): string[] => rs.map(ref)
  const handlers: Handlers = {
    'app.info': async () => appInfo(config),
    'models.list': async () => listModelsOp(s),
    'models.add': async (i) => addModelOp(s, i),
    'models.inspect': async (i) => inspectModelOp(s, i),
    'models.pull': async (i, c) => pullModelOp(s, i, c),
    'models.remove': async (i) => removeModelOp(s, i.path),
    'datasets.list': async () => listDatasetsOp(s),
    'datasets.add': async (i, c) => addDatasetOp(s, i.path, c.signal),
    'datasets.remove': async (i) => removeDatasetOp(s, i.path),
    'datasets.validate': async (i, c) => validateDatasetOp(s, i, c.signal, c.emit),
    'datasets.items': async (i, c) => datasetItemsOp(s, i, c.signal),
    'augment.preview': async (i, c) => augmentPreviewOp(s, i, c.signal),
    embed: async (i, c) => embedOp(s, i, c),
    'experiments.create': async (i, c) => createExperimentOp(s, i.spec, c.signal),
    'experiments.run': async (i, c) => runs.runAndWait(ref(i.id), c.emit, c.signal),
    'experiments.start': async (i) => runs.start(ref(i.id)),
    'experiments.follow': async (i, c) => runs.follow(ref(i.id), c.emit, c.signal),
    'experiments.cancel': async (i) => ({ cancelled: runs.cancel(ref(i.id)) }),
    'experiments.active': async () => ({ ids: runs.active() }),
    'experiments.rerun': async (i, c) => rerunOp(s, i.record, c),
    'experiments.list': async (i) => listExperimentsOp(s, i),
    'experiments.get': async (i) => getExperimentOp(s, ref(i.id), i.top, i.slice),
    'experiments.item': async (i) => itemDetailOp(s, ref(i.id), i.itemId, i.size),
    'experiments.thumbnails': async (i) => itemThumbnailsOp(s, ref(i.id), i.itemIds, i.size),
    'experiments.rename': async (i) => renameExperimentOp(s, ref(i.id), i.name),
    'experiments.tag': async (i) => tagExperimentOp(s, ref(i.id), i.tags),
    'experiments.delete': async (i) => deleteExperimentOp(s, ref(i.id)),
    'experiments.compare': async (i, c) => compareExperimentsOp(s, { ...i, ids: refs(i.ids) }, c),
    'experiments.import': async (i, c) => importScoresOp(s, i, c.signal),
    'experiments.agreement': async (i) => agreementOp(s, refs(i.ids), i.fpr),
    'experiments.seeds': async (i) => seedsOp(s, refs(i.ids), i.fpr),
    'experiments.ablation': async (i, c) => ablationOp(s, ref(i.id), i, c),
    'export.ablation': async (i) => exportAblationOp(s, i),
    'audit.set': async (i, c) => auditSetOp(s, i, c),
    'export.agreement': async (i) => exportAgreementOp(s, { ...i, ids: refs(i.ids) }),
    'metrics.evaluate': async (i, c) => evaluateOp(i, c),
    'export.figure': async (i, c) => exportFigureOp(s, { ...i, ids: refs(i.ids) }, c),
    'export.table': async (i, c) => exportTableOp(s, { ...i, ids: refs(i.ids) }, c),
    'export.slices': async (i) => exportSlicesOp(s, { ...i, id: ref(i.id) }),
    'export.scores': async (i) => exportScoresOp(s, ref(i.id)),
    'export.record': async (i) => exportRecordOp(s, ref(i.id))
  }
  const dispose = async (): Promise<void> => {
    await runs.dispose()
    await s.dispose()
  }
  return { handlers, dispose }
}
