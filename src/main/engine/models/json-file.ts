// Reads a model's JSON config files: null when absent, a 'bad-model' error naming the file when malformed.
import fs from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'

/** The JSON object in `file`, or null when the file does not exist. */
export async function readJsonObject(file: string): Promise<Record<string, unknown> | null> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch {
    return null
  }
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch (err) {
    throw new WorkbenchError(
      { code: 'bad-model', item: file, message: `${path.basename(file)} is not valid JSON: ${(err as Error).message}`, hint: 'Restore the file from the model export.' },
      { cause: err }
    )
  }
  throw new WorkbenchError({ code: 'bad-model', item: file, message: `${path.basename(file)} is not a JSON object.`, hint: 'Restore the file from the model export.' })
}

/** `value` when it is a positive integer, else null. */
export function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null
}

/** True when `file` exists (following symlinks, as the Hugging Face cache uses them). */
export async function exists(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => null)) !== null
}
