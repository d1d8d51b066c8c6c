import type { Finding, PlanningPolicy, UpgradeRequest } from './plan-types';
import type { EnvironmentSnapshot, Insight } from './snapshot';
import { previousMinor } from './version';

/**
 * EKS cluster insights as findings. EKS has three categories (User Guide, "View
 * cluster insights"): upgrade readiness, configuration (MISCONFIGURATION) and
 * rollback readiness. For upgrade readiness, ERROR concerns the next minor (N+1)
 * and WARNING a later one (N+2 or more): a WARNING for a hop beyond the first
 * becomes an ERROR once the cluster is one minor below it.
 */

const HOUR_MS = 3_600_000;

function describeDeprecations(insight: Insight): string {
  const details = insight.categorySpecificSummary?.deprecationDetails ?? [];
  const parts = details.map((d) => {
    const clients = (d.clientStats ?? [])
      .map(
        (c) => `${c.userAgent ?? 'unknown client'} (${c.numberOfRequestsLast30Days ?? 0} calls in 30 days)`,
      )
      .join(', ');
    const replacement = d.replacedWith ? `; use ${d.replacedWith}` : '';
    const removed = d.stopServingVersion ? ` removed in ${d.stopServingVersion}` : '';
    return `${d.usage ?? 'a deprecated API'}${removed}${replacement}${clients ? `; still called by ${clients}` : ''}`;
  });
  return parts.length > 0 ? ` ${parts.join(' | ')}.` : '';
}

function title(insight: Insight): string {
  const version = insight.kubernetesVersion;
  return `${insight.name ?? insight.id}${version ? ` (for ${version})` : ''}`;
}

function details(insight: Insight): string {
  const why = insight.insightStatus.reason ? ` ${insight.insightStatus.reason}` : '';
  const advice = insight.recommendation ? ` ${insight.recommendation}` : '';
  return `${why}${describeDeprecations(insight)}${advice}`;
}

/** True when the plan should hear about this upgrade-readiness insight. */
function concernsPlan(insight: Insight, versions: readonly string[]): boolean {
  const version = insight.kubernetesVersion;
  return version === undefined || versions.includes(version);
}

/**
 * UPGRADE_READINESS insights for the versions the plan passes through (`versions`,
 * first hop first): ERROR blocks (EKS refuses UpdateClusterVersion without `force`)
 * unless the request forces; a WARNING for a later hop says it will block that hop;
 * another WARNING warns; UNKNOWN asks for a refresh.
 */
function upgradeReadiness(insight: Insight, versions: readonly string[], request: UpgradeRequest): Finding[] {
  const version = insight.kubernetesVersion;
  switch (insight.insightStatus.status) {
    case 'ERROR':
      return [
        {
          code: 'INSIGHT_ERROR',
          severity: request.force ? 'warn' : 'block',
          message: `Upgrade insight ${title(insight)} is failing.${details(insight)}${request.force ? ' Forced: EKS is told to proceed anyway.' : ' Fix it, or pass --force to override as EKS allows.'}`,
          resource: insight.id,
        },
      ];
    case 'WARNING':
      if (version !== undefined && version !== versions[0]) {
        const before = previousMinor(version);
        return [
          {
            code: 'INSIGHT_BLOCKS_LATER_HOP',
            severity: 'warn',
            message: `Upgrade insight ${title(insight)} warns now and becomes blocking when the cluster reaches ${before}: EKS reports ERROR for the next minor version and WARNING for later ones.${details(insight)} Execution re-reads insights before each control-plane hop and stops before ${version} if this one is then in ERROR${request.force ? ' (forced: EKS is told to proceed anyway)' : ' (unless forced)'}.`,
            resource: insight.id,
          },
        ];
      }
      return [
        {
          code: 'INSIGHT_WARNING',
          severity: 'warn',
          message: `Upgrade insight ${title(insight)} warns.${details(insight)}`,
          resource: insight.id,
        },
      ];
    case 'UNKNOWN':
      return [
        {
          code: 'INSIGHT_UNKNOWN',
          severity: 'info',
          message: `Upgrade insight ${title(insight)} has no result yet; refresh insights (StartInsightsRefresh) before upgrading.`,
          resource: insight.id,
        },
      ];
    case 'PASSING':
      return [];
  }
}

/**
 * Configuration insights: ERROR is "a misconfiguration that is likely impacting
 * cluster functionality" (warn: EKS does not refuse the upgrade for it, a person
 * should look first); WARNING is a configuration that "doesn't match the documented
 * approach" (info).
 */
function misconfiguration(insight: Insight): Finding[] {
  const status = insight.insightStatus.status;
  if (status !== 'ERROR' && status !== 'WARNING') return [];
  return [
    {
      code: status === 'ERROR' ? 'CONFIG_INSIGHT_ERROR' : 'CONFIG_INSIGHT_WARNING',
      severity: status === 'ERROR' ? 'warn' : 'info',
      message: `Configuration insight ${title(insight)} is ${status}.${details(insight)}`,
      resource: insight.id,
    },
  ];
}

/**
 * Rollback-readiness insights: a failing one means EKS's version rollback, which
 * the agent uses when validation fails after a hop, may be refused (warn).
 */
function rollbackReadiness(insight: Insight): Finding[] {
  const status = insight.insightStatus.status;
  if (status !== 'ERROR' && status !== 'WARNING') return [];
  return [
    {
      code: status === 'ERROR' ? 'ROLLBACK_INSIGHT_ERROR' : 'ROLLBACK_INSIGHT_WARNING',
      severity: status === 'ERROR' ? 'warn' : 'info',
      message: `Rollback-readiness insight ${title(insight)} is ${status}: a control-plane version rollback after a failed validation may be refused.${details(insight)}`,
      resource: insight.id,
    },
  ];
}

/** "2 d 3 h" or "30 h": how old an insight is, for a person. */
export function formatAge(ms: number): string {
  const hours = Math.floor(ms / HOUR_MS);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * Insights older than their 24 h refresh when the snapshot was captured: their
 * status may no longer be true. Ages are measured from `capturedAt` (the domain
 * has no clock), so a snapshot without it is not judged.
 */
function staleInsights(
  insights: readonly Insight[],
  capturedAt: string | undefined,
  policy: PlanningPolicy,
): Finding[] {
  // A missing time parses as NaN, and NaN is greater than nothing: such an insight is never stale.
  // Stryker disable next-line StringLiteral: any text that is not a date parses as NaN alike (equivalent)
  const captured = Date.parse(capturedAt ?? '');
  const stale = insights.flatMap((insight) => {
    // Stryker disable next-line StringLiteral: as above (equivalent)
    const age = captured - Date.parse(insight.lastRefreshTime ?? '');
    return age > policy.insightMaxAgeHours * HOUR_MS ? [{ insight, age }] : [];
  });
  if (stale.length === 0) return [];
  const list = stale.map(({ insight, age }) => `${title(insight)}: ${formatAge(age)} old`).join('; ');
  return [
    {
      code: 'INSIGHTS_STALE',
      severity: 'warn',
      message: `${stale.length} insight(s) were last refreshed more than ${policy.insightMaxAgeHours} h before the snapshot was captured, so their status may be out of date (${list}). Refresh them (StartInsightsRefresh) and capture the snapshot again.`,
      resource: stale.map(({ insight }) => insight.id).join(','),
    },
  ];
}

/**
 * Every insight category as findings, for the versions the plan passes through
 * (first hop first), and a finding for stale ones among them.
 */
export function checkInsights(
  snapshot: EnvironmentSnapshot,
  versions: readonly string[],
  request: UpgradeRequest,
  policy: PlanningPolicy,
): Finding[] {
  const findings: Finding[] = [];
  const considered: Insight[] = [];
  for (const insight of snapshot.insights) {
    switch (insight.category) {
      case 'UPGRADE_READINESS':
        if (!concernsPlan(insight, versions)) continue;
        findings.push(...upgradeReadiness(insight, versions, request));
        break;
      case 'MISCONFIGURATION':
        findings.push(...misconfiguration(insight));
        break;
      case 'ROLLBACK_READINESS':
        findings.push(...rollbackReadiness(insight));
        break;
      default:
        continue;
    }
    considered.push(insight);
  }
  findings.push(...staleInsights(considered, snapshot.capturedAt, policy));
  return findings;
}
