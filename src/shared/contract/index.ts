// Public surface of the contract shared by engine, transports and renderer.
export { ERROR_CODES, WorkbenchError, isWorkbenchErrorData, toErrorData, throwIfAborted } from './errors'
export type { ErrorCode, WorkbenchErrorData } from './errors'
export { WorkbenchErrorDataSchema } from './error-schema'
export {
  PhaseSchema,
  ProgressEventSchema,
  ItemSkippedEventSchema,
  LogEventSchema,
  WorkbenchEventSchema,
  throttleProgress
} from './events'
export type { Phase, ProgressEvent, ItemSkippedEvent, LogEvent, WorkbenchEvent, EventSink } from './events'
export { ModelInfoSchema, ModelFileSchema, CapabilitiesSchema, ModelFormatSchema, ModelInspectionSchema, TowerIoSchema } from './models'
export type { ModelInfo, ModelInspection, Capabilities } from './models'
export * from './datasets'
export * from './metrics'
export * from './experiments'
export * from './audit'
export * from './exports'
export { operations, AppInfoSchema, isOperationName } from './operations'
export type { OperationDef, Operations, OperationName, OpInput, OpParsedInput, OpOutput, AppInfo } from './operations'
export type { WorkbenchApi, CallOptions } from './api'
export * from './numbers'
