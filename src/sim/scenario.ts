/**
 * The kubelet-like scenario engine, pure: a pod's life is a value (`PodLife`), `advanceLife(life,
 * now)` applies every transition due by `now` and returns the next life (whose `nextAt` is the
 * next deadline, null when it is stable), and `podStatusOf(life)` renders the core/v1 PodStatus
 * a kubelet would post. Time and randomness are inputs (the life carries its own seed), so the
 * same life advanced to the same instant always gives the same status.
 *
 * Timings are real kubelet timings divided by `timeScale`: image pulls of seconds, crash-loop
 * back-off of 10 s doubling to 5 min, ImagePullBackOff likewise.
 */
import { rfc3339 } from './clock.ts';

export const scenarioAnnotation = 'sim.podpulse.dev/scenario';

export const scenarioNames = [
  'healthy',
  'crashloop',
  'oom',
  'imagepull',
  'configerror',
  'init',
  'init-crashloop',
  'sidecar',
  'job-complete',
  'job-fail',
  'flapping',
  'evicted',
  'static',
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export function isScenarioName(v: unknown): v is ScenarioName {
  return typeof v === 'string' && (scenarioNames as readonly string[]).includes(v);
}

type CtrKind = 'init' | 'sidecar' | 'regular';

export interface ContainerLife {
  name: string;
  image: string;
  kind: CtrKind;
  state: 'waiting' | 'running' | 'terminated';
  reason: string;
  message: string;
  exitCode: number;
  startedAt: number | null;
  finishedAt: number | null;
  ready: boolean;
  started: boolean;
  restartCount: number;
  pulled: boolean;
  last: { reason: string; exitCode: number; startedAt: number; finishedAt: number } | null;
  /** Increments per container start, for containerID. */
  runs: number;
}

export type Stage =
  | 'scheduling'
  | 'init'
  | 'creating'
  | 'starting'
  | 'running'
  | 'crash'
  | 'crashed'
  | 'backoff'
  | 'errimagepull'
  | 'imagepullbackoff'
  | 'finish'
  | 'flap'
  | 'evict'
  | 'done'
  | 'terminating'
  | 'stopping'
  | 'gone';

export interface PodLife {
  scenario: ScenarioName;
  namespace: string;
  name: string;
  uid: string;
  stage: Stage;
  nextAt: number | null;
  timeScale: number;
  seed: number;
  node: string;
  hostIP: string;
  podIP: string;
  createdAt: number;
  scheduledAt: number | null;
  startTime: number | null;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  reason: string;
  message: string;
  init: ContainerLife[];
  containers: ContainerLife[];
  initIndex: number;
  /** The container a fault scenario acts on: [list, index]. */
  faulty: ['init' | 'containers', number] | null;
  backoffMs: number;
  readyChangedAt: number | null;
  initializedAt: number | null;
  /** Set when termination starts: how long the containers take to stop. */
  stopMs: number;
}

export interface PodSpecInput {
  initContainers?: { name?: string; image?: string; restartPolicy?: string }[] | null;
  containers?: { name?: string; image?: string }[] | null;
}

export interface NewLifeInput {
  scenario: ScenarioName;
  namespace: string;
  name: string;
  uid: string;
  spec: PodSpecInput;
  node: string;
  hostIP: string;
  podIP: string;
  now: number;
  timeScale: number;
  seed: number;
}

function ctr(
  c: { name?: string; image?: string; restartPolicy?: string },
  kind: CtrKind,
): ContainerLife {
  return {
    name: c.name ?? 'app',
    image: c.image ?? 'busybox',
    kind: kind === 'init' && c.restartPolicy === 'Always' ? 'sidecar' : kind,
    state: 'waiting',
    reason: kind === 'regular' ? 'ContainerCreating' : 'PodInitializing',
    message: '',
    exitCode: 0,
    startedAt: null,
    finishedAt: null,
    ready: false,
    started: false,
    restartCount: 0,
    pulled: false,
    last: null,
    runs: 0,
  };
}

const backoffStart = 10_000;
const backoffCap = 300_000;

/** A new pod's life, bound to `node`, first transition shortly after `now`. */
export function newLife(i: NewLifeInput): PodLife {
  const init = (i.spec.initContainers ?? []).map((c) => ctr(c, 'init'));
  const containers = (i.spec.containers ?? []).map((c) => ctr(c, 'regular'));
  if (init.length > 0) for (const c of containers) c.reason = 'PodInitializing';
  let faulty: PodLife['faulty'] = null;
  if (i.scenario === 'init-crashloop') {
    const idx = init.findIndex((c) => c.kind === 'init');
    if (idx >= 0) faulty = ['init', idx];
  } else if (containers.length > 0) {
    faulty = ['containers', 0];
  }
  const life: PodLife = {
    scenario: i.scenario,
    namespace: i.namespace,
    name: i.name,
    uid: i.uid,
    stage: 'scheduling',
    nextAt: null,
    timeScale: i.timeScale,
    seed: i.seed >>> 0,
    node: i.node,
    hostIP: i.hostIP,
    podIP: i.podIP,
    createdAt: i.now,
    scheduledAt: null,
    startTime: null,
    phase: 'Pending',
    reason: '',
    message: '',
    init,
    containers,
    initIndex: 0,
    faulty,
    backoffMs: backoffStart,
    readyChangedAt: null,
    initializedAt: null,
    stopMs: 0,
  };
  life.nextAt = i.scenario === 'static' ? null : i.now + dur(life, 300, 1200);
  return life;
}

/** Next pseudo-random float in [0,1) from the life's own seed (mulberry32 step). */
function rand(l: PodLife): number {
  l.seed = (l.seed + 0x6d2b79f5) >>> 0;
  let t = l.seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A duration drawn in [minMs, maxMs] of real time, compressed by timeScale. */
function dur(l: PodLife, minMs: number, maxMs: number): number {
  return Math.max(1, Math.round((minMs + rand(l) * (maxMs - minMs)) / l.timeScale));
}

function faultyCtr(l: PodLife): ContainerLife | undefined {
  if (l.faulty === null) return undefined;
  return (l.faulty[0] === 'init' ? l.init : l.containers)[l.faulty[1]];
}

function run(c: ContainerLife, now: number): void {
  c.state = 'running';
  c.reason = '';
  c.message = '';
  c.startedAt = now;
  c.finishedAt = null;
  c.started = true;
  c.pulled = true;
  c.runs++;
}

function terminate(c: ContainerLife, now: number, reason: string, exitCode: number): void {
  c.state = 'terminated';
  c.reason = reason;
  c.exitCode = exitCode;
  c.finishedAt = now;
  c.ready = false;
  c.started = false;
}

function wait(c: ContainerLife, reason: string, message: string): void {
  c.state = 'waiting';
  c.reason = reason;
  c.message = message;
  c.ready = false;
  c.started = false;
}

function setReady(l: PodLife, now: number): void {
  const all = [...l.containers, ...l.init.filter((c) => c.kind === 'sidecar')];
  const ready = all.length > 0 && all.every((c) => c.ready);
  const was = l.readyChangedAt !== null && l.readyChangedAt >= 0;
  if (ready !== was) l.readyChangedAt = ready ? now : -now;
}

function startRegular(l: PodLife, now: number): void {
  l.initializedAt = now;
  // After init containers, kubectl shows PodInitializing until the app containers start.
  for (const c of l.containers)
    wait(c, l.init.length > 0 ? 'PodInitializing' : 'ContainerCreating', '');
  l.stage = 'creating';
  l.nextAt = now + dur(l, 1500, 4000);
}

function step(l: PodLife, now: number): void {
  const f = faultyCtr(l);
  switch (l.stage) {
    case 'scheduling':
      l.scheduledAt = now;
      l.startTime = now;
      if (l.init.length === 0) {
        startRegular(l, now);
      } else {
        l.stage = 'init';
        l.nextAt = now + dur(l, 1000, 3000);
      }
      return;
    case 'init': {
      const c = l.init[l.initIndex];
      if (c === undefined) {
        startRegular(l, now);
        return;
      }
      if (c.state === 'waiting') {
        run(c, now);
        if (c === f) {
          l.stage = 'crash';
          l.nextAt = now + dur(l, 1000, 3000);
        } else {
          l.nextAt = c.kind === 'sidecar' ? now + dur(l, 500, 1500) : now + dur(l, 2000, 5000);
        }
        return;
      }
      if (c.kind === 'sidecar') c.ready = true;
      else terminate(c, now, 'Completed', 0);
      l.initIndex++;
      l.nextAt = now + dur(l, 200, 800);
      return;
    }
    case 'creating':
      l.phase = 'Running';
      for (const c of l.containers) {
        if (c === f && l.scenario === 'imagepull') {
          wait(
            c,
            'ErrImagePull',
            `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": not found`,
          );
          l.phase = 'Pending';
        } else if (c === f && l.scenario === 'configerror') {
          wait(
            c,
            'CreateContainerConfigError',
            `configmap "${l.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')}-config" not found`,
          );
          l.phase = 'Pending';
        } else run(c, now);
      }
      if (l.scenario === 'imagepull') {
        l.stage = 'errimagepull';
        l.nextAt = now + dur(l, 2000, 4000);
      } else {
        l.stage = 'starting';
        l.nextAt = now + dur(l, 1000, 4000);
      }
      return;
    case 'starting':
      for (const c of l.containers) if (c.state === 'running') c.ready = true;
      setReady(l, now);
      l.stage = 'running';
      switch (l.scenario) {
        case 'crashloop':
          l.stage = 'crash';
          l.nextAt = now + dur(l, 2000, 6000);
          return;
        case 'oom':
          l.stage = 'crash';
          l.nextAt = now + dur(l, 3000, 9000);
          return;
        case 'job-complete':
        case 'job-fail':
          l.stage = 'finish';
          l.nextAt = now + dur(l, 5000, 15000);
          return;
        case 'flapping':
          l.stage = 'flap';
          l.nextAt = now + dur(l, 5000, 15000);
          return;
        case 'evicted':
          l.stage = 'evict';
          l.nextAt = now + dur(l, 20000, 60000);
          return;
        case 'healthy':
        case 'imagepull':
        case 'configerror':
        case 'init':
        case 'init-crashloop':
        case 'sidecar':
        case 'static':
          l.nextAt = null;
          return;
      }
      return;
    case 'crash':
      if (f === undefined) {
        l.nextAt = null;
        return;
      }
      terminate(
        f,
        now,
        l.scenario === 'oom' ? 'OOMKilled' : 'Error',
        l.scenario === 'oom' ? 137 : 1,
      );
      setReady(l, now);
      l.stage = 'crashed';
      l.nextAt = now + dur(l, 500, 1500);
      return;
    case 'crashed':
      if (f === undefined) return;
      f.last = {
        reason: f.reason,
        exitCode: f.exitCode,
        startedAt: f.startedAt ?? now,
        finishedAt: f.finishedAt ?? now,
      };
      if (f.restartCount === 0) {
        // The kubelet restarts a container at once after its first exit; back-off starts after that.
        l.stage = 'backoff';
        l.nextAt = now;
        return;
      }
      wait(
        f,
        'CrashLoopBackOff',
        `back-off ${goDuration(l.backoffMs)} restarting failed container=${f.name} pod=${l.name}_${l.namespace}(${l.uid})`,
      );
      l.stage = 'backoff';
      l.nextAt = now + Math.max(1, Math.round(l.backoffMs / l.timeScale));
      l.backoffMs = Math.min(l.backoffMs * 2, backoffCap);
      return;
    case 'backoff':
      if (f === undefined) return;
      run(f, now);
      f.restartCount++;
      if (l.faulty?.[0] === 'init') {
        l.stage = 'crash';
        l.nextAt = now + dur(l, 1000, 3000);
      } else {
        l.stage = 'starting';
        l.nextAt = now + dur(l, 1000, 3000);
      }
      return;
    case 'errimagepull':
      if (f === undefined) return;
      wait(f, 'ImagePullBackOff', `Back-off pulling image "${f.image}"`);
      l.stage = 'imagepullbackoff';
      l.nextAt = now + Math.max(1, Math.round(l.backoffMs / l.timeScale));
      l.backoffMs = Math.min(l.backoffMs * 2, backoffCap);
      return;
    case 'imagepullbackoff':
      if (f === undefined) return;
      wait(
        f,
        'ErrImagePull',
        `failed to pull and unpack image "${f.image}": failed to resolve reference "${f.image}": not found`,
      );
      l.stage = 'errimagepull';
      l.nextAt = now + dur(l, 2000, 5000);
      return;
    case 'finish': {
      const ok = l.scenario === 'job-complete';
      for (const c of l.containers) terminate(c, now, ok ? 'Completed' : 'Error', ok ? 0 : 1);
      for (const c of l.init)
        if (c.kind === 'sidecar' && c.state === 'running') terminate(c, now, 'Completed', 0);
      l.phase = ok ? 'Succeeded' : 'Failed';
      setReady(l, now);
      l.stage = 'done';
      l.nextAt = null;
      return;
    }
    case 'flap':
      if (f !== undefined) f.ready = !f.ready;
      setReady(l, now);
      l.nextAt = now + dur(l, 5000, 15000);
      return;
    case 'evict':
      // The kubelet stops the containers without a terminated reason: kubectl shows the pod's reason, Evicted.
      for (const c of [...l.containers, ...l.init]) wait(c, '', '');
      l.phase = 'Failed';
      l.reason = 'Evicted';
      l.message =
        'The node was low on resource: memory. Threshold quantity: 100Mi, available: 42Mi. ';
      setReady(l, now);
      l.stage = 'done';
      l.nextAt = null;
      return;
    case 'terminating':
      for (const c of [...l.containers, ...l.init]) c.ready = false;
      setReady(l, now);
      l.stage = 'stopping';
      l.nextAt = now + Math.max(1, l.stopMs);
      return;
    case 'stopping':
      for (const c of [...l.containers, ...l.init])
        if (c.state === 'running')
          terminate(c, now, l.phase === 'Running' ? 'Completed' : 'Error', 0);
      l.stage = 'gone';
      l.nextAt = null;
      return;
    case 'running':
    case 'done':
    case 'gone':
      l.nextAt = null;
      return;
  }
}

/** Applies every transition due at or before `now`; returns a new life (the input is unchanged). */
export function advanceLife(life: PodLife, now: number): PodLife {
  if (life.nextAt === null || life.nextAt > now) return life;
  const l = structuredClone(life);
  let guard = 10_000;
  while (l.nextAt !== null && l.nextAt <= now && guard-- > 0) step(l, l.nextAt);
  return l;
}

/**
 * Starts graceful termination: containers lose readiness at once and stop within the grace
 * period (a few seconds, scaled), then the life reaches stage 'gone'.
 */
export function beginTermination(life: PodLife, now: number, graceSeconds: number): PodLife {
  if (life.stage === 'terminating' || life.stage === 'stopping' || life.stage === 'gone')
    return life;
  const l = structuredClone(life);
  l.stopMs = Math.min(graceSeconds * 1000, dur(l, 1000, 3000) * l.timeScale) / l.timeScale;
  l.stage = 'terminating';
  l.nextAt = now;
  return advanceLife(l, now);
}

function time(ms: number | null): string | null {
  return ms === null ? null : rfc3339(ms);
}

function containerID(l: PodLife, c: ContainerLife): string {
  let h = 2166136261;
  for (const ch of `${l.uid}/${c.name}/${c.runs}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return `containerd://${(h >>> 0).toString(16).padStart(8, '0').repeat(8)}`;
}

function containerStatus(l: PodLife, c: ContainerLife): Record<string, unknown> {
  const state =
    c.state === 'running'
      ? { running: { startedAt: time(c.startedAt) } }
      : c.state === 'terminated'
        ? {
            terminated: {
              exitCode: c.exitCode,
              reason: c.reason,
              startedAt: time(c.startedAt),
              finishedAt: time(c.finishedAt),
              containerID: containerID(l, c),
            },
          }
        : {
            waiting:
              c.message === '' ? { reason: c.reason } : { reason: c.reason, message: c.message },
          };
  const out: Record<string, unknown> = {
    name: c.name,
    state,
    lastState:
      c.last === null
        ? {}
        : {
            terminated: {
              exitCode: c.last.exitCode,
              reason: c.last.reason,
              startedAt: rfc3339(c.last.startedAt),
              finishedAt: rfc3339(c.last.finishedAt),
              containerID: containerID(l, { ...c, runs: c.runs - 1 }),
            },
          },
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.pulled ? `${imageRepository(c.image)}@sha256:${'0'.repeat(64)}` : '',
    started: c.started,
  };
  if (c.runs > 0 && c.state !== 'waiting') out.containerID = containerID(l, c);
  return out;
}

function condition(
  type: string,
  ok: boolean,
  at: number | null,
  reason?: string,
  message?: string,
): Record<string, unknown> {
  const c: Record<string, unknown> = {
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: time(at),
  };
  if (!ok && reason !== undefined) c.reason = reason;
  if (!ok && message !== undefined) c.message = message;
  return c;
}

/** The PodStatus a kubelet would post for `life`. */
export function podStatusOf(l: PodLife): Record<string, unknown> {
  const status: Record<string, unknown> = { phase: l.phase };
  if (l.scheduledAt === null) {
    return { phase: 'Pending', qosClass: 'BestEffort' };
  }
  const initDone = l.initializedAt !== null;
  const notInit = l.init
    .filter((c) => !(c.kind === 'init' ? c.state === 'terminated' && c.exitCode === 0 : c.ready))
    .map((c) => c.name);
  const readyNow = l.readyChangedAt !== null && l.readyChangedAt >= 0;
  const readyAt = l.readyChangedAt === null ? l.scheduledAt : Math.abs(l.readyChangedAt);
  const done = l.phase === 'Succeeded' || l.phase === 'Failed';
  const unready = l.containers.filter((c) => !c.ready).map((c) => c.name);
  const containersReady = readyNow
    ? condition('ContainersReady', true, readyAt)
    : condition(
        'ContainersReady',
        false,
        readyAt,
        done ? 'PodCompleted' : 'ContainersNotReady',
        done ? undefined : `containers with unready status: [${unready.join(' ')}]`,
      );
  const ready = { ...containersReady, type: 'Ready' };
  status.conditions = [
    condition('PodReadyToStartContainers', !done, l.scheduledAt),
    initDone || l.init.length === 0
      ? condition('Initialized', true, l.initializedAt ?? l.scheduledAt)
      : condition(
          'Initialized',
          false,
          l.scheduledAt,
          'ContainersNotInitialized',
          `containers with incomplete status: [${notInit.join(' ')}]`,
        ),
    ready,
    containersReady,
    condition('PodScheduled', true, l.scheduledAt),
  ];
  if (l.reason === 'Evicted') {
    (status.conditions as Record<string, unknown>[]).unshift({
      type: 'DisruptionTarget',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: time(l.readyChangedAt === null ? null : Math.abs(l.readyChangedAt)),
      reason: 'TerminationByKubelet',
      message: 'The node was low on resource: memory.',
    });
  }
  if (l.reason !== '') {
    status.reason = l.reason;
    status.message = l.message;
  }
  status.hostIP = l.hostIP;
  status.hostIPs = [{ ip: l.hostIP }];
  if (!done || l.reason !== 'Evicted') {
    status.podIP = l.podIP;
    status.podIPs = [{ ip: l.podIP }];
  }
  status.startTime = time(l.startTime);
  if (l.init.length > 0) status.initContainerStatuses = l.init.map((c) => containerStatus(l, c));
  status.containerStatuses = l.containers.map((c) => containerStatus(l, c));
  status.qosClass = 'BestEffort';
  return status;
}

/**
 * Go's time.Duration.String for whole seconds, as the kubelet prints back-off in its messages:
 * 10s, 40s, 1m20s, 2m40s, 5m0s.
 */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/**
 * An image reference's fully qualified repository, as the container runtime reports it in
 * imageID: tag and digest dropped, Docker Hub's implied registry and `library/` made explicit
 * (`nginx:1.27` → `docker.io/library/nginx`, `localhost:5000/app:1` → `localhost:5000/app`).
 */
export function imageRepository(image: string): string {
  const name = image.split('@')[0] ?? '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const repo = colon > slash ? name.slice(0, colon) : name;
  const first = repo.split('/')[0] ?? '';
  const hasRegistry =
    repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return repo;
  return repo.includes('/') ? `docker.io/${repo}` : `docker.io/library/${repo}`;
}
