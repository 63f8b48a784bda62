import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'podpulse-kc-'));
function kubeconfig(name: string, contexts: string[], current: string | null): string {
  const file = join(dir, name);
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...contexts.flatMap((c) => [
      `- name: ${c}-cluster`,
      '  cluster:',
      `    server: https://${c}.example:6443`,
    ]),
    'users:',
    '- name: u',
    '  user:',
    '    token: secret',
    'contexts:',
    ...contexts.flatMap((c) => [
      `- name: ${c}`,
      '  context:',
      `    cluster: ${c}-cluster`,
      '    user: u',
      `    namespace: ns-${c}`,
    ]),
    ...(current === null ? [] : [`current-context: ${current}`]),
  ].join('\n');
  writeFileSync(file, yaml);
  return file;
}

const emptyHome = mkdtempSync(join(tmpdir(), 'podpulse-home-'));

describe('loadKubeConfig', () => {
  const prod = kubeconfig('prod.yaml', ['prod', 'staging'], 'prod');

  it('reads --kubeconfig and its current context', () => {
    const loaded = loadKubeConfig({ kubeconfig: prod, env: {}, home: emptyHome });
    expect(loaded).toMatchObject({
      source: prod,
      context: 'prod',
      cluster: 'prod-cluster',
      server: 'https://prod.example:6443',
      namespace: 'ns-prod',
    });
  });

  it('switches to --context', () => {
    expect(
      loadKubeConfig({ kubeconfig: prod, context: 'staging', env: {}, home: emptyHome })?.server,
    ).toBe('https://staging.example:6443');
  });

  it('names an unknown context and the known ones', () => {
    expect(() =>
      loadKubeConfig({ kubeconfig: prod, context: 'dev', env: {}, home: emptyHome }),
    ).toThrow(
      new ConfigError([`--context: context 'dev' not found in ${prod} (known: prod, staging)`]),
    );
  });

  it('names a missing file', () => {
    expect(() => loadKubeConfig({ kubeconfig: '/nope/config', env: {} })).toThrow(
      "--kubeconfig: file '/nope/config' does not exist",
    );
  });

  it('names an unreadable file', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters: [: not yaml');
    expect(() => loadKubeConfig({ kubeconfig: bad, env: {} })).toThrow(ConfigError);
  });

  it('requires a current context', () => {
    const none = kubeconfig('none.yaml', ['a'], null);
    expect(() => loadKubeConfig({ kubeconfig: none, env: {} })).toThrow(
      `kubeconfig ${none}: no current-context set (pass --context)`,
    );
  });

  it('merges KUBECONFIG files first-wins, skipping missing ones', () => {
    const other = kubeconfig('other.yaml', ['other'], 'other');
    const loaded = loadKubeConfig({
      env: { KUBECONFIG: `/missing:${other}:${prod}` },
      home: emptyHome,
    });
    expect(loaded?.context).toBe('other');
    expect(
      loadKubeConfig({
        env: { KUBECONFIG: `${other}:${prod}` },
        context: 'staging',
        home: emptyHome,
      })?.server,
    ).toBe('https://staging.example:6443');
  });

  it('refuses a KUBECONFIG whose files are all missing, naming them, instead of falling back', () => {
    const home = mkdtempSync(join(tmpdir(), 'podpulse-home-'));
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), 'current-context: x\n');
    expect(() => loadKubeConfig({ env: { KUBECONFIG: '/tmp/missing.yaml' }, home })).toThrow(
      new ConfigError([
        "KUBECONFIG: file '/tmp/missing.yaml' does not exist (unset KUBECONFIG to use ~/.kube/config)",
      ]),
    );
    expect(() =>
      loadKubeConfig({ env: { KUBECONFIG: '/nope/a:/nope/b' }, home: emptyHome }),
    ).toThrow(
      new ConfigError([
        "KUBECONFIG: files '/nope/a', '/nope/b' do not exist (unset KUBECONFIG to use ~/.kube/config)",
      ]),
    );
  });

  it('names a KUBECONFIG file that exists but cannot be read', () => {
    expect(() => loadKubeConfig({ env: { KUBECONFIG: dir }, home: emptyHome })).toThrow(
      `kubeconfig ${dir}: cannot be read`,
    );
  });

  it('treats an empty KUBECONFIG as unset', () => {
    expect(loadKubeConfig({ env: { KUBECONFIG: '' }, home: emptyHome })).toBeNull();
    expect(loadKubeConfig({ env: { KUBECONFIG: ':' }, home: emptyHome })).toBeNull();
  });

  it('falls back to ~/.kube/config, then in-cluster, then null', () => {
    const home = mkdtempSync(join(tmpdir(), 'podpulse-home-'));
    mkdirSync(join(home, '.kube'));
    writeFileSync(
      join(home, '.kube', 'config'),
      `current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://home:6443'}}]\nusers: [{name: u, user: {}}]\n`,
    );
    expect(loadKubeConfig({ env: {}, home })?.server).toBe('https://home:6443');

    const root = mkdtempSync(join(tmpdir(), 'podpulse-sa-'));
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'tok');
    writeFileSync(join(sa, 'namespace'), 'podpulse');
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(loadKubeConfig({ env, home: emptyHome, inClusterRoot: root })).toMatchObject({
      source: 'in-cluster',
      server: 'https://10.96.0.1:443',
      namespace: 'podpulse',
    });
    expect(loadKubeConfig({ env: {}, home: emptyHome, inClusterRoot: root })).toBeNull();
  });
});
