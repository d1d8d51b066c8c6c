/**
 * EKS keeps a control-plane version rollback possible for 7 days after an in-place
 * upgrade (User Guide, "Rollback cluster to previous Kubernetes version"). What a
 * rollback reverts is decided in rollback-plan.ts.
 */
export const ROLLBACK_WINDOW_MS = 7 * 24 * 3600 * 1000;
