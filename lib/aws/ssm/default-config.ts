import { defaultConfig } from '../../domain/config';
import type { ConfigTree } from './config-tree';

/**
 * The seed's create_default_agent_config(): the agent's configuration with every
 * default filled, as a tree ready for putConfiguration. It is the domain's
 * defaultConfig() itself (lib/domain/config.ts), so the stored defaults and the
 * ones the handlers fall back on never drift apart.
 */
export function createDefaultAgentConfig(): ConfigTree {
  // A JSON round trip: a deep copy, and the config's plain data typed as a tree.
  return JSON.parse(JSON.stringify(defaultConfig())) as ConfigTree;
}
