// The numeric parameters every surface takes (operations, experiment specs, CLI options): one schema each, with its range.
// The CLI parses its options through these same schemas (src/cli/options.ts), so a value the engine would refuse is
// refused on the command line before anything is created.
import { z } from 'zod'

/** Seeds of augmentations, training and bootstrap. */
export const SeedSchema = z.number().int().min(0).max(2 ** 32 - 1)
/** Bootstrap resamples (metrics/bootstrap.ts refuses fewer than 1). */
export const ResamplesSchema = z.number().int().min(1).max(100_000)
/** Images or captions per inference batch (and WSA training batch). */
export const BatchSizeSchema = z.number().int().min(1).max(4096)
/** onnxruntime threads per operator; more than a machine has only costs memory. */
export const ThreadsSchema = z.number().int().min(1).max(256)
/** WSA MLP epochs. */
export const EpochsSchema = z.number().int().min(1).max(1000)
/** WSA MLP early-stopping patience (epochs). */
export const PatienceSchema = z.number().int().min(1).max(100)
/** WSA threshold μ + λσ. */
export const LambdaSchema = z.number().min(-10).max(10)
/** Issues listed by validation (counts always cover all). */
export const MaxIssuesSchema = z.number().int().min(0).max(100_000)
/** PNG resolution of exported figures. */
export const DpiSchema = z.number().int().min(72).max(1200)
/** TCP port of browser mode; 0 picks a free one. */
export const PortSchema = z.number().int().min(0).max(65_535)
