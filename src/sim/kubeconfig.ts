/** Kubeconfig text for the simulator, as kubectl and @kubernetes/client-node read it. */
import { stringify } from 'yaml';

export interface KubeconfigParams {
  server: string;
  token: string | undefined;
  /** PEM of the server's (self-signed) certificate, for https. */
  caPem: string | undefined;
  context?: string;
  namespace?: string;
}

export function kubeconfigText(p: KubeconfigParams): string {
  const name = p.context ?? 'podpulse-sim';
  const cluster: Record<string, unknown> = { server: p.server };
  if (p.caPem !== undefined)
    cluster['certificate-authority-data'] = Buffer.from(p.caPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: p.token === undefined ? {} : { token: p.token } }],
    contexts: [
      { name, context: { cluster: name, user: name, namespace: p.namespace ?? 'default' } },
    ],
    'current-context': name,
    preferences: {},
  });
}
