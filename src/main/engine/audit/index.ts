// Public surface of the audit module: is a membership-inference number membership or distribution shift?
export { permutationTest, type PermutationOptions, type PermutationResult } from './permutation'
export { twoSampleTest, type TwoSampleOptions, type TwoSampleResult } from './two-sample'
export { AUDIT_ALPHA, auditVerdict, type VerdictInput } from './verdict'
