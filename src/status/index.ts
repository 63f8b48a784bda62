/**
 * status/ — pure: a Pod as the API serves it → `PodView` (time-independent) → `PodRow` at an
 * instant, exactly as `kubectl get pods -o wide` prints it; plus the kubectl table renderer.
 * No I/O, no clock, no Node modules: safe for the browser, the simulator and the hot path.
 * (`pod-document.ts`, which parses JSON/YAML text, is imported by path: it pulls in `yaml`.)
 */
export type * from './types.ts';
export { humanDuration, translateTimestampSince } from './human-duration.ts';
export { parseInstant } from './instant.ts';
export { podOwner } from './owner.ts';
export { podView } from './pod-view.ts';
export { podRow } from './pod-row.ts';
export { diffViews, sameLabels } from './diff-views.ts';
export { cellText, podTable, renderTable, type PodTableOptions } from './table.ts';
export { kubectlTabwriter, tabwrite } from './tabwriter.ts';
