import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../errors.ts';

/** A kubeconfig resolved the way kubectl resolves it, with where it came from. */
export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  /** The file(s) read, or `in-cluster`. */
  readonly source: string;
  readonly context: string;
  readonly cluster: string;
  readonly server: string;
  /** The context's default namespace, null when it names none. */
  readonly namespace: string | null;
}

export interface LoadKubeConfigOptions {
  /** `--kubeconfig`: this file and nothing else. */
  kubeconfig?: string;
  /** `--context`: overrides the file's current-context. */
  context?: string;
  /** The environment (KUBECONFIG, KUBERNETES_SERVICE_HOST/PORT); the CLI passes process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory holding `.kube/config`; default `os.homedir()`. */
  home?: string;
  /** Prefix of the service account directory for in-cluster config (tests); default ''. */
  inClusterRoot?: string;
}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

function loadFiles(files: readonly string[]): KubeConfig {
  const [first, ...rest] = files;
  const kc = new KubeConfig();
  if (first === undefined) return kc;
  kc.loadFromFile(first);
  // Like kubectl: the first file that defines a name (or current-context) wins. client-node's
  // mergeConfig throws on duplicate names instead, so merge by hand.
  const clusters = [...kc.getClusters()];
  const users = [...kc.getUsers()];
  const contexts = [...kc.getContexts()];
  let current = kc.getCurrentContext();
  for (const file of rest) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    for (const c of more.getClusters())
      if (!clusters.some((x) => x.name === c.name)) clusters.push(c);
    for (const u of more.getUsers()) if (!users.some((x) => x.name === u.name)) users.push(u);
    for (const c of more.getContexts())
      if (!contexts.some((x) => x.name === c.name)) contexts.push(c);
    if (!current) current = more.getCurrentContext();
  }
  kc.loadFromOptions({ clusters, users, contexts, currentContext: current });
  return kc;
}

/**
 * Finds and loads a kubeconfig with kubectl's precedence: `--kubeconfig`, then the files in
 * `KUBECONFIG` (missing ones skipped as long as one exists, merged first-wins), then
 * `~/.kube/config`, then the in-cluster service account. Returns null only when there is no
 * configuration at all: KUBECONFIG unset or empty, no `~/.kube/config`, not in a cluster (`serve`
 * then starts the demo cluster).
 *
 * @throws ConfigError naming the file(s) when `--kubeconfig` is missing, when every file KUBECONFIG
 * lists is missing, when a file is unreadable, when `--context` names a context the file lacks
 * (listing the known ones), or when no current context is set.
 */
export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): LoadedKubeConfig | null {
  const env = opts.env ?? process.env;
  let kc: KubeConfig;
  let source = opts.kubeconfig ?? 'default';
  try {
    if (opts.kubeconfig !== undefined) {
      if (!existsSync(opts.kubeconfig)) {
        throw new ConfigError([`--kubeconfig: file '${opts.kubeconfig}' does not exist`]);
      }
      source = opts.kubeconfig;
      kc = loadFiles([opts.kubeconfig]);
    } else {
      const listed = (env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f !== '');
      const fromEnv = listed.filter((f) => existsSync(f));
      const homeFile = join(opts.home ?? homedir(), '.kube', 'config');
      const root = opts.inClusterRoot ?? '';
      if (listed.length > 0 && fromEnv.length === 0) {
        // A KUBECONFIG naming only missing files is a mistake (a typo, an unmounted volume), not
        // "no configuration": falling back to ~/.kube/config or the demo would watch the wrong
        // cluster without a word.
        throw new ConfigError([
          `KUBECONFIG: ${listed.length === 1 ? 'file' : 'files'} ${listed.map((f) => `'${f}'`).join(', ')} ${listed.length === 1 ? 'does' : 'do'} not exist (unset KUBECONFIG to use ~/.kube/config)`,
        ]);
      }
      if (fromEnv.length > 0) {
        source = fromEnv.join(delimiter);
        kc = loadFiles(fromEnv);
      } else if (existsSync(homeFile)) {
        source = homeFile;
        kc = loadFiles([homeFile]);
      } else if (
        env['KUBERNETES_SERVICE_HOST'] &&
        env['KUBERNETES_SERVICE_PORT'] &&
        existsSync(`${root}${serviceAccountDir}/token`)
      ) {
        source = 'in-cluster';
        kc = new KubeConfig();
        kc.loadFromCluster(root);
        // loadFromCluster reads process.env itself; the server comes from the env given here.
        const host = env['KUBERNETES_SERVICE_HOST'];
        const port = env['KUBERNETES_SERVICE_PORT'];
        const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
        const server = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
        kc.loadFromOptions({
          clusters: kc.getClusters().map((c) => ({ ...c, server })),
          users: kc.getUsers(),
          contexts: kc.getContexts(),
          currentContext: kc.getCurrentContext(),
        });
      } else {
        return null;
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError([`kubeconfig ${source}: cannot be read: ${why}`]);
  }

  const problems: string[] = [];
  if (opts.context !== undefined) {
    if (kc.getContextObject(opts.context) === null) {
      const known = kc.getContexts().map((c) => c.name);
      problems.push(
        `--context: context '${opts.context}' not found in ${source}` +
          (known.length > 0 ? ` (known: ${known.join(', ')})` : ' (it defines no contexts)'),
      );
    } else {
      kc.setCurrentContext(opts.context);
    }
  }
  const contextName = kc.getCurrentContext();
  const context = contextName ? kc.getContextObject(contextName) : null;
  if (problems.length === 0 && !context) {
    problems.push(
      contextName
        ? `kubeconfig ${source}: current-context '${contextName}' is not defined`
        : `kubeconfig ${source}: no current-context set (pass --context)`,
    );
  }
  const cluster = context ? kc.getCluster(context.cluster) : null;
  if (problems.length === 0 && (!cluster || !cluster.server)) {
    problems.push(
      `kubeconfig ${source}: context '${contextName}' names cluster '${context?.cluster ?? ''}', which is not defined or has no server`,
    );
  }
  if (problems.length > 0 || !context || !cluster) throw new ConfigError(problems);
  return Object.freeze({
    kubeConfig: kc,
    source,
    context: context.name,
    cluster: cluster.name,
    server: cluster.server,
    namespace: context.namespace ?? null,
  });
}
