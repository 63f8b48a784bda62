/**
 * What a kubectl STATUS string means, for colouring: pure, DOM-free.
 *
 * kubectl's STATUS is an open set (kubelet waiting reasons, `status.reason`, `ExitCode:N`,
 * `Signal:N`, `Init:` prefixes), so this maps the strings kubectl's `printPod` can produce and
 * falls back to `unknown` for anything it has never seen rather than guessing.
 */

export type StatusClass = 'healthy' | 'progressing' | 'failing' | 'terminating' | 'unknown';

export const statusClasses: readonly StatusClass[] = [
  'healthy',
  'progressing',
  'failing',
  'terminating',
  'unknown',
];

const healthy = new Set(['Running', 'Completed', 'Succeeded']);

const progressing = new Set(['Pending', 'ContainerCreating', 'PodInitializing', 'SchedulingGated']);

// Waiting and terminated reasons (kubelet), pod `status.reason` values (eviction, admission,
// node shutdown) and the phase Failed: all mean the pod is not doing its job.
const failing = new Set([
  'CrashLoopBackOff',
  'Error',
  'OOMKilled',
  'ContainerCannotRun',
  'DeadlineExceeded',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'ImageInspectError',
  'RegistryUnavailable',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'StartError',
  'PreStartHookError',
  'PostStartHookError',
  'ContainerStatusUnknown',
  'NotReady',
  'Failed',
  'Evicted',
  'NodeLost',
  'NodeAffinity',
  'UnexpectedAdmissionError',
  'Shutdown',
  'Terminated',
]);

const numbered = /^(?:ExitCode|Signal):-?\d+$/;
const initProgress = /^Init:\d+\/\d+$/;

/** The meaning of one STATUS string as kubectl prints it; never throws, `unknown` when unsure. */
export function statusClass(status: string): StatusClass {
  if (healthy.has(status)) return 'healthy';
  if (progressing.has(status)) return 'progressing';
  if (status === 'Terminating') return 'terminating';
  if (failing.has(status) || numbered.test(status) || status.startsWith('OutOf')) return 'failing';
  if (status.startsWith('Init:')) {
    if (initProgress.test(status)) return 'progressing';
    // Init:<reason> carries an init container's waiting/terminated reason, which means what the
    // same reason means for a regular container (Init:CrashLoopBackOff, Init:ExitCode:1).
    const inner = statusClass(status.slice(5));
    return inner === 'healthy' ? 'progressing' : inner;
  }
  return 'unknown';
}
