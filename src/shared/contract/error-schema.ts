// Zod schema of WorkbenchErrorData, kept apart from errors.ts so that file stays dependency-free.
import { z } from 'zod'
import { ERROR_CODES } from './errors'

/** Schema of the plain-data error value that crosses transports. */
export const WorkbenchErrorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  item: z.string().optional(),
  hint: z.string().optional()
})
