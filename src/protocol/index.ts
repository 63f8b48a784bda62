/**
 * protocol/ — pure, runs in browsers too: label selectors, wire messages and codecs.
 * Each concept lives in its own file; this index re-exports the public surface.
 */
export {
  everything,
  formatLabelSelector,
  labelKeyProblem,
  labelValueProblem,
  matchesLabels,
  parseLabelSelector,
} from './label-selector.ts';
export type { LabelSelector, Requirement, SelectorOperator } from './label-selector.ts';
