'use strict';

/**
 * serverless-iam-roles-per-function gives every function its own role, copied from
 * the framework's default role, and leaves that default role in the stack although
 * no function uses it (osls even adds destination permissions to it). This removes
 * it once the template is final, and only when nothing refers to it.
 */
class DropUnusedDefaultRole {
  constructor(serverless) {
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => {
        const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
        const id = serverless.getProvider('aws').naming.getRoleLogicalId();
        const others = Object.entries(Resources).filter(([name]) => name !== id);
        if (Resources[id] && !JSON.stringify(others).includes(`"${id}"`)) delete Resources[id];
      },
    };
  }
}

module.exports = DropUnusedDefaultRole;
