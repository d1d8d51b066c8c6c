import { AgentError } from './errors';

/**
 * Inputs that are JSON of a cluster but not something the planner can reason
 * over. Each gets its own name and a message that says what it is, because a
 * list of schema issues ("cluster.version: expected string") would send the
 * user hunting for a typo that is not there.
 */

/** An EKS Connector (registered) cluster: EKS shows it but does not run its control plane. */
export class RegisteredClusterError extends AgentError {
  override readonly name = 'RegisteredClusterError';
  readonly retryable = false;
  constructor(
    readonly clusterName: string,
    readonly provider: string | undefined,
  ) {
    super(
      `cluster ${clusterName} is a registered cluster (EKS Connector${provider ? `, provider ${provider}` : ''}), ` +
        'not upgradable through EKS: EKS does not run its control plane. Upgrade it with the tooling of the platform it runs on.',
    );
  }
}

/** A part of the snapshot is in PascalCase: eksctl or Go SDK output, not the AWS API's JSON. */
export class NotAwsShapeError extends AgentError {
  override readonly name = 'NotAwsShapeError';
  readonly retryable = false;
  constructor(readonly paths: readonly string[]) {
    super(
      `not the AWS API shape: ${paths.join('; ')}. ` +
        'This looks like eksctl or Go SDK output (PascalCase members). EKS parts must be the camelCase JSON ' +
        'the EKS API and the AWS CLI return (e.g. `aws eks describe-addon-versions --output json`), ' +
        'or capture the whole snapshot with `eks-upgrade-agent snapshot --cluster NAME --out FILE`.',
    );
  }
}

// EC2's parts (subnets, launchTemplates) are PascalCase in AWS's own JSON; every other part is camelCase.
const EKS_PARTS = ['nodegroups', 'addons', 'addonVersions', 'insights', 'fargateProfiles', 'clusterVersions'];
const SHOWN_KEYS = 3;
const SHOWN_PATHS = 3;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Keys that all start with a capital letter (and at least one key): not camelCase JSON. */
function pascalKeys(value: unknown): string[] | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => /^[A-Z]/.test(key)) ? keys : undefined;
}

function describePascal(path: string, keys: readonly string[]): string {
  const shown = keys.slice(0, SHOWN_KEYS).join(', ');
  return `${path} has ${shown}${keys.length > SHOWN_KEYS ? ', …' : ''}`;
}

/**
 * Refuses, before schema validation, the inputs a schema error would explain badly.
 * @throws RegisteredClusterError for an EKS Connector cluster.
 * @throws NotAwsShapeError when the snapshot or one of its EKS parts is PascalCase.
 */
export function refuseForeignShapes(input: unknown): void {
  const top = pascalKeys(input);
  if (top) throw new NotAwsShapeError([describePascal('the snapshot', top)]);
  if (!isRecord(input)) return;
  const found: string[] = [];
  const clusterKeys = pascalKeys(input.cluster);
  if (clusterKeys) found.push(describePascal('cluster', clusterKeys));
  for (const part of EKS_PARTS) {
    const items = input[part];
    if (!Array.isArray(items)) continue;
    items.forEach((item, index) => {
      const keys = pascalKeys(item);
      if (keys) found.push(describePascal(`${part}[${index}]`, keys));
    });
  }
  if (found.length > 0) {
    const more = found.length > SHOWN_PATHS ? [`${found.length - SHOWN_PATHS} more`] : [];
    throw new NotAwsShapeError([...found.slice(0, SHOWN_PATHS), ...more]);
  }
  const cluster = input.cluster;
  if (isRecord(cluster) && isRecord(cluster.connectorConfig)) {
    const name = typeof cluster.name === 'string' ? cluster.name : '(unnamed)';
    const provider = cluster.connectorConfig.provider;
    throw new RegisteredClusterError(name, typeof provider === 'string' ? provider : undefined);
  }
}
