// Every operation of the workbench: name, input schema, output schema. Transports are generic over this table.
import { z } from 'zod'
import { CapabilitiesSchema, ModelInfoSchema } from './models'

/** Definition of one operation; `long` ones stream events and honour cancellation. */
export interface OperationDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  long: boolean
  summary: string
}

function op<I extends z.ZodType, O extends z.ZodType>(def: OperationDef<I, O>): OperationDef<I, O> {
  return def
}

/** Application identity, where it keeps data, and what it can run. */
export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  runtime: z.enum(['node', 'electron']),
  nodeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  paths: z.object({ workspace: z.string(), bundledModels: z.string(), bundledDatasets: z.string() }),
  capabilities: CapabilitiesSchema
})
export type AppInfo = z.infer<typeof AppInfoSchema>

/** The operation table. Adding an operation = adding it here and to the engine's handlers. */
export const operations = {
  'app.info': op({
    input: z.object({}).strict(),
    output: AppInfoSchema,
    long: false,
    summary: 'Version, runtime, paths and capabilities (execution providers, Electron runtime, fallbacks).'
  }),
  'models.list': op({
    input: z.object({}).strict(),
    output: z.object({ models: z.array(ModelInfoSchema), hint: z.string().nullable() }),
    long: false,
    summary: 'Bundled and user-added models with architecture facts, fingerprint and load errors.'
  })
} as const

export type Operations = typeof operations
export type OperationName = keyof Operations
/** What a caller passes (before schema defaults apply). */
export type OpInput<K extends OperationName> = z.input<Operations[K]['input']>
/** What the engine receives after validation (defaults applied). */
export type OpParsedInput<K extends OperationName> = z.output<Operations[K]['input']>
export type OpOutput<K extends OperationName> = z.output<Operations[K]['output']>

/** True when `name` is an operation of the contract. */
export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(operations, name)
}
