// The numeric parameters every surface takes (operations, experiment specs, CLI options): one schema each, with its range.
// The CLI parses its options through these same schemas (src/cli/options.ts), so a value the engine would refuse is
// refused on the command line before anything is created.
import { z } from 'zod'

/** Seeds of augmentations, training and bootstrap. */
export const SeedSchema = z
  .number()
  .int('the seed must be a whole number')
  .min(0, 'the seed must be 0 or more')
  .max(2 ** 32 - 1, 'the seed must be below 2^32')
/** Bootstrap resamples: at least one, since every metric carries a bootstrap CI (docs/attacks.md). */
export const ResamplesSchema = z
  .number()
  .int('resamples must be a whole number')
  .min(1, 'resamples must be at least 1 (every metric carries a bootstrap CI)')
  .max(100_000, 'resamples must be at most 100,000')
/** Images or captions per inference batch (and WSA training batch). */
export const BatchSizeSchema = z.number().int().min(1).max(4096)
/** onnxruntime threads per operator; more than a machine has only costs memory. */
export const ThreadsSchema = z.number().int().min(1).max(256)
/** WSA MLP epochs. */
export const EpochsSchema = z.number().int().min(1).max(1000)
/** WSA MLP early-stopping patience (epochs). */
export const PatienceSchema = z.number().int().min(1).max(100)
/** WSA threshold μ + λσ. */
/**
 * WSA's τ = μ + λσ. Down to −2.5, the lowest value of reds-lab's ablation grid (docs/attacks.md, WSA step 2); below it
 * nearly every pool item becomes a pseudo-member and the attack model learns nothing (issue 21: λ = −5).
 */
export const LambdaSchema = z.number().min(-2.5, 'λ must be at least −2.5 (lower makes nearly every pool item a pseudo-member)').max(10, 'λ must be at most 10')
/** Issues listed by validation (counts always cover all). */
export const MaxIssuesSchema = z.number().int().min(0).max(100_000)
/** PNG resolution of exported figures. */
export const DpiSchema = z.number().int().min(72).max(1200)
/** TCP port of browser mode; 0 picks a free one. */
export const PortSchema = z.number().int().min(0).max(65_535)

/** A false-positive rate budget, strictly inside (0, 1). */
export const FprSchema = z.number().gt(0).lt(1)
/** The loss-grad attack's InfoNCE batch: at least one other pair to contrast with. */
export const InfoNceBatchSchema = z.number().int().min(2).max(65_536)
/** A CLIP logit scale (exp of the learned temperature; 100 for OpenAI CLIP). */
export const LogitScaleSchema = z.number().gt(0).max(1e4)
/** Candidate captions per image in the rank attack, its own included. */
export const RankKSchema = z.number().int().min(2).max(100_000)
/** WSA's precision rule: the estimated pseudo-member precision λ is chosen to reach (docs/attacks.md "WSA"). */
export const TargetPrecisionSchema = z.number().gt(0).lt(1)
/** Cross-fitting folds (WSA over a transductive pool) and blind-baseline folds. */
export const FoldsSchema = z.number().int().min(2).max(20)

/** Suspect subsample size of `mia audit-set` (two items make the smallest testable set). */
export const SetSizeSchema = z.number().int().min(2).max(10_000_000)
