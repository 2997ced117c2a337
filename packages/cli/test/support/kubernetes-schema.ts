// Validates a Kubernetes object offline against the API's schemas as the kubernetes-models package
// ships them (compiled validators: types, formats, required fields), and rejects unknown fields as
// `kubectl apply --validate=strict` would. The shipped validators do not reject unknown fields,
// but each one reads every property its schema declares: watching which properties it reads
// (a Proxy) leaves the fields no schema declares. An object the validator enumerates (a map such
// as labels or data) accepts any key.

type JsonObject = Record<string, unknown>;
type Validate = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string; params?: unknown }[] | null;
};

/** `apps/v1` Deployment → `IoK8sApiAppsV1Deployment` (the core group `v1` → `IoK8sApiCoreV1...`). */
export function schemaNameOf(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return `IoK8sApi${pascal((group ?? '').split('.')[0] ?? '')}${pascal(version ?? '')}${kind}`;
}

/** Problems with one object: schema errors, unknown fields (as JSON pointers), or a kind with no schema. */
export async function kubernetesProblemsOf(object: unknown): Promise<string[]> {
  if (typeof object !== 'object' || object === null) return ['not an object'];
  const { apiVersion, kind } = object as JsonObject;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['no apiVersion or kind'];
  let validate: Validate;
  try {
    ({ validate } = (await import(`kubernetes-models/_schemas/${schemaNameOf(apiVersion, kind)}`)) as {
      validate: Validate;
    });
  } catch {
    return [`no schema for ${apiVersion} ${kind}`];
  }
  const read = new WeakMap<object, Set<string>>();
  const enumerated = new WeakSet<object>();
  const watch = (target: object): object =>
    new Proxy(target, {
      get(inner, key, receiver) {
        if (typeof key === 'string') {
          const keys = read.get(inner) ?? new Set<string>();
          keys.add(key);
          read.set(inner, keys);
        }
        const value: unknown = Reflect.get(inner, key, receiver);
        return typeof value === 'object' && value !== null ? watch(value) : value;
      },
      ownKeys(inner) {
        enumerated.add(inner);
        return Reflect.ownKeys(inner);
      },
    });
  const problems: string[] = [];
  if (!validate(watch(object))) {
    for (const error of validate.errors ?? [])
      problems.push(`${error.instancePath || '/'}: ${error.message ?? JSON.stringify(error.params)}`);
  }
  const walk = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${path}/${index}`);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (!enumerated.has(value) && read.get(value)?.has(key) !== true)
        problems.push(`${path}/${key}: unknown field`);
      walk(child, `${path}/${key}`);
    }
  };
  walk(object, '');
  return problems;
}
