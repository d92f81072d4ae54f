// A WSA ablation result around hand-made cells, for the table, chart and terminal tests (no fits run).
import type { AblationCell, WsaAblation } from '../../src/shared/contract/ablation'

/** 300 labelled targets, 400 reference items, CSA at AUC 0.8 and TPR@1% 0.05. */
export function ablationOf(cells: AblationCell[], notes: string[] = []): WsaAblation {
  return { experimentId: 'e1', name: 'WSA demo', nTargets: 300, nReference: 400, csa: { auc: 0.8, tpr1: 0.05 }, variant: 'workbench', cells, notes, seconds: 12 }
}
