// Public surface of the attacks module: CSA, AEA, WSA (MLP / logistic regression), QMIA, loss + gradient norm, zero-shot rank and the blind baseline.
export { l2NormalizeRows, csaScores, pairwiseScores } from './csa'
export { AEA_AGGREGATIONS, aeaCosineVectors, aeaScores, type AeaAggregation } from './aea'
export {
  WSA_DEFAULT_LAMBDA,
  WSA_LAMBDA_GRID,
  wsaThreshold,
  selectPseudoMembers,
  balanceClasses,
  wsaFeatureDim,
  wsaFeatures,
  runWsa,
  type EmbeddingRows,
  type WsaFeatureOptions,
  type WsaInput,
  type WsaReport
} from './wsa'
export { MLP_DEFAULT_HIDDEN, initMlp, trainMlp, predictMlp, type MlpOptions, type MlpProgress, type MlpTrainingSummary, type TrainingData } from './mlp'
export type { MlpModel, MlpLayer } from './mlp-network'
export { denseMatrix, fitLogreg, logregScores, type DesignMatrix, type LogregOptions, type LogregModel, type LogregFit } from './logreg'
export { captionFeatures, captionTokens, imageStats, imageFeatureVector, IMAGE_FORMATS, IMAGE_FEATURE_DIM, type ImageStats, type SparseRows, type CaptionFeatureOptions } from './blind-features'
export { stratifiedFolds } from './folds'
export { BLIND_WARNING_AUC, BLIND_WARNING_MARGIN, blindBaseline, blindWarning, type BlindInput, type BlindResult } from './blind'
export { QMIA_MAX_REFERENCE, normalQuantile, runQmia, type QmiaInput, type QmiaResult, type QmiaRows } from './qmia'
export { RIDGE_GRID, centredGram, fitDualRidge, predictDualRidge, type RidgeFit } from './kernel-ridge'
export { DEFAULT_LOGIT_SCALE, batchLossGrad, runLossGrad, type BatchTerms, type LossGradInput, type LossGradResult } from './loss-grad'
export { runRank, type RankInput, type RankResult } from './rank'
export { ABLATION_FPR, ablationCsa, ablationMetrics, ablationPool, ablationSizes, runWsaAblation, type AblationInput, type AblationWsaSettings } from './wsa-ablation'
