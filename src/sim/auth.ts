/**
 * Users and rules for the simulator's TokenReview and SubjectAccessReview endpoints: a small
 * static RBAC (users with tokens and groups; rules granting verbs on resources in namespaces, `*`
 * as a wildcard). podpulse authenticates and authorises its own subscribers through these APIs.
 */

export interface SimUser {
  readonly name: string;
  readonly token: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
}

export interface SimRule {
  /** Subjects: user names and/or group names the rule applies to. */
  readonly users?: readonly string[];
  readonly groups?: readonly string[];
  readonly verbs: readonly string[];
  readonly resources: readonly string[];
  /** Omitted: every namespace (and cluster-scoped requests). */
  readonly namespaces?: readonly string[];
  /** Omitted: every API group. */
  readonly apiGroups?: readonly string[];
}

export interface SimAuthConfig {
  readonly users: readonly SimUser[];
  readonly rules: readonly SimRule[];
}

/** The default users: an admin, a cluster-wide viewer, and a team limited to namespace `shop`. */
export const defaultAuthConfig: SimAuthConfig = {
  users: [
    { name: 'admin', token: 'admin-token', uid: 'u-admin', groups: ['system:masters'] },
    { name: 'viewer', token: 'viewer-token', uid: 'u-viewer', groups: ['viewers'] },
    { name: 'shop-dev', token: 'shop-token', uid: 'u-shop', groups: ['shop-team'] },
  ],
  rules: [
    { groups: ['system:masters'], verbs: ['*'], resources: ['*'] },
    {
      groups: ['viewers'],
      verbs: ['get', 'list', 'watch'],
      resources: ['pods', 'namespaces', 'nodes'],
    },
    {
      groups: ['shop-team'],
      verbs: ['get', 'list', 'watch'],
      resources: ['pods'],
      namespaces: ['shop'],
    },
  ],
};

/** Checks the shape of a users-and-rules document (parsed YAML/JSON); throws naming the problem. */
export function parseAuthConfig(doc: unknown): SimAuthConfig {
  const problems: string[] = [];
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const users = Array.isArray(d.users) ? (d.users as unknown[]) : [];
  const rules = Array.isArray(d.rules) ? (d.rules as unknown[]) : [];
  if (!Array.isArray(d.users)) problems.push('users: must be a list');
  if (!Array.isArray(d.rules)) problems.push('rules: must be a list');
  users.forEach((u, i) => {
    const x = (u ?? {}) as Record<string, unknown>;
    if (typeof x.name !== 'string' || x.name === '') problems.push(`users[${i}].name: required`);
    if (typeof x.token !== 'string' || x.token === '') problems.push(`users[${i}].token: required`);
  });
  rules.forEach((r, i) => {
    const x = (r ?? {}) as Record<string, unknown>;
    if (!Array.isArray(x.verbs)) problems.push(`rules[${i}].verbs: must be a list`);
    if (!Array.isArray(x.resources)) problems.push(`rules[${i}].resources: must be a list`);
  });
  if (problems.length > 0) throw new Error(`invalid users-and-rules file: ${problems.join('; ')}`);
  return { users: users as SimUser[], rules: rules as SimRule[] };
}

export interface TokenReviewStatus {
  authenticated: boolean;
  user?: { username: string; uid: string; groups: string[] };
  audiences?: string[];
  error?: string;
}

export function reviewToken(config: SimAuthConfig, token: string): TokenReviewStatus {
  const user = config.users.find((u) => u.token === token);
  if (user === undefined) return { authenticated: false, error: 'invalid bearer token' };
  return {
    authenticated: true,
    user: {
      username: user.name,
      uid: user.uid ?? '',
      groups: [...(user.groups ?? []), 'system:authenticated'],
    },
  };
}

export interface AccessAttributes {
  user: string;
  groups: readonly string[];
  verb: string;
  resource: string;
  namespace: string;
  group: string;
}

const has = (list: readonly string[] | undefined, v: string): boolean =>
  list === undefined || list.includes('*') || list.includes(v);

export function reviewAccess(
  config: SimAuthConfig,
  a: AccessAttributes,
): { allowed: boolean; reason: string } {
  for (const [i, r] of config.rules.entries()) {
    const subject =
      (r.users ?? []).includes(a.user) || (r.groups ?? []).some((g) => a.groups.includes(g));
    if (!subject) continue;
    if (!has(r.verbs, a.verb) || !has(r.resources, a.resource) || !has(r.apiGroups, a.group))
      continue;
    if (
      r.namespaces !== undefined &&
      !(r.namespaces.includes('*') || (a.namespace !== '' && r.namespaces.includes(a.namespace)))
    )
      continue;
    return { allowed: true, reason: `allowed by rule ${i}` };
  }
  return { allowed: false, reason: 'no rule allows this request' };
}
