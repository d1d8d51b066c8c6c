import audit from '../../events/rules/audit.json';
import notifications from '../../events/rules/notifications.json';
import rollbackAutomation from '../../events/rules/rollback-automation.json';
import upgradeTrigger from '../../events/rules/upgrade-trigger.json';

/**
 * The EventBridge rule patterns, from the same files serverless.yml reads
 * (events/rules/*.json), so the local bus routes exactly as the deployed rules do.
 */
export const RULE_PATTERNS = {
  'upgrade-trigger': upgradeTrigger,
  'rollback-automation': rollbackAutomation,
  notifications,
  audit,
} as const;

export type RuleName = keyof typeof RULE_PATTERNS;
