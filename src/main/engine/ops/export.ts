// export.*: figures (SVG/PDF/PNG), metrics tables (CSV/LaTeX), per-item scores CSV and the record JSON.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ExportFile } from '../../../shared/contract/exports'
import type { OpParsedInput } from '../../../shared/contract/operations'
import { requireRow, toRecord } from '../runner/record'
import type { Services } from './services'

const slug = (name: string): string => name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'experiment'

/** The record JSON: enough to rerun with `mia rerun`. */
export async function exportRecordOp(s: Services, id: string): Promise<ExportFile> {
  const record = toRecord(requireRow(s.store(), id))
  return { fileName: `${slug(record.name)}.record.json`, mime: 'application/json', encoding: 'utf8', data: `${JSON.stringify(record, null, 2)}\n`, caption: '' }
}

const pending = (what: string): never => {
  throw new WorkbenchError({ code: 'unsupported', message: `${what} export is not available in this build yet.`, hint: 'Export the record JSON instead.' })
}

export async function exportFigureOp(_s: Services, _i: OpParsedInput<'export.figure'>): Promise<ExportFile> {
  return pending('Figure')
}
export async function exportTableOp(_s: Services, _i: OpParsedInput<'export.table'>, _c: { emit: EventSink }): Promise<ExportFile> {
  return pending('Table')
}
export async function exportScoresOp(_s: Services, _id: string): Promise<ExportFile> {
  return pending('Scores')
}
