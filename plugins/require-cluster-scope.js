'use strict';

/**
 * The execution and rollback roles may update the EKS clusters whose names match
 * `clusterNamePattern` (and that carry the opt-in tag). A stage without its own
 * pattern would otherwise fall back to every cluster in the account, so packaging
 * (and therefore deploying) stops here with what to set. `*` is accepted when a
 * stage writes it explicitly.
 */
const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9*?][A-Za-z0-9*?_-]{0,99}$/;

class RequireClusterScope {
  constructor(serverless) {
    this.hooks = {
      'before:package:initialize': () => {
        const stage = serverless.getProvider('aws').getStage();
        const pattern = serverless.service.custom?.clusterNamePattern;
        if (typeof pattern !== 'string' || pattern.trim() === '') {
          throw new serverless.classes.Error(
            `clusterNamePattern is not set for stage "${stage}": the agent's execution and rollback roles need to know which EKS clusters they may update. ` +
              `Set params.${stage}.clusterNamePattern in serverless.yml or pass --param="clusterNamePattern=<pattern>" (for example "payments-*"; "*" only if every cluster tagged eks-upgrade-agent/managed=${stage} may be upgraded).`,
          );
        }
        if (!CLUSTER_NAME_PATTERN.test(pattern)) {
          throw new serverless.classes.Error(
            `clusterNamePattern "${pattern}" for stage "${stage}" is not an EKS cluster name pattern: letters, digits, "-", "_" and the wildcards "*" and "?", at most 100 characters, not starting with "-" or "_".`,
          );
        }
      },
    };
  }
}

module.exports = RequireClusterScope;
