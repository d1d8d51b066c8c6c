import type { Finding } from './plan-types';
import type { EnvironmentSnapshot, LaunchTemplate, Nodegroup } from './snapshot';

type TemplateRef = NonNullable<Nodegroup['launchTemplate']>;

/**
 * The template version a node group runs: DescribeNodegroup gives a number as a
 * string, or `$Latest` / `$Default`; none at all means the default version (as
 * CreateNodegroup reads an omitted version).
 */
function versionInUse(ref: TemplateRef, template: LaunchTemplate): number | undefined {
  const given = ref.version ?? '$Default';
  // Stryker disable next-line ConditionalExpression,StringLiteral: $Latest is never behind, and an unread version is skipped alike (equivalent)
  if (given === '$Latest') return template.LatestVersionNumber;
  if (given === '$Default') return template.DefaultVersionNumber;
  return /^[1-9]\d*$/.test(given) ? Number(given) : undefined;
}

function findTemplate(ref: TemplateRef, templates: readonly LaunchTemplate[]): LaunchTemplate | undefined {
  if (ref.id !== undefined) return templates.find((t) => t.LaunchTemplateId === ref.id);
  return templates.find((t) => ref.name !== undefined && t.LaunchTemplateName === ref.name);
}

/** How a finding names a template: its name and id, else (it was found by its id) the id. */
function templateLabel(template: LaunchTemplate, ref: TemplateRef): string {
  if (template.LaunchTemplateName) {
    return `${template.LaunchTemplateName} (${template.LaunchTemplateId ?? 'no id'})`;
  }
  // Stryker disable next-line LogicalOperator,StringLiteral: a template without a name was found by its id, so LaunchTemplateId is set (equivalent)
  return template.LaunchTemplateId ?? ref.id ?? ref.name ?? 'unnamed';
}

/**
 * eksup EKS006: a managed node group behind its launch template's newest version.
 * eksup compares the template's default and latest version numbers; the node group
 * may pin a number, so the version it actually runs is compared with the latest.
 * The agent's node-group update keeps the version in use, so newer versions (an AMI,
 * user data, instance types) are not rolled out by it: they reach the nodes at a later
 * node-group update that names them, or never. Without the `launchTemplates` part
 * (an older snapshot) nothing is said.
 */
export function checkLaunchTemplates(snapshot: EnvironmentSnapshot): Finding[] {
  const templates = snapshot.launchTemplates;
  if (templates === undefined) return [];
  const findings: Finding[] = [];
  for (const ng of snapshot.nodegroups) {
    const ref = ng.launchTemplate;
    if (ref === undefined) continue;
    const template = findTemplate(ref, templates);
    if (template === undefined) continue;
    const inUse = versionInUse(ref, template);
    const latest = template.LatestVersionNumber;
    if (inUse === undefined || latest === undefined || inUse >= latest) continue;
    const name = ng.nodegroupName;
    const label = templateLabel(template, ref);
    const pinned = ref.version?.startsWith('$') ? ` (${ref.version})` : '';
    const newer = inUse + 1 === latest ? `version ${latest}` : `versions ${inUse + 1} to ${latest}`;
    const defaultText =
      template.DefaultVersionNumber === undefined ? '' : `, default ${template.DefaultVersionNumber}`;
    findings.push({
      code: 'LAUNCH_TEMPLATE_UPDATE_PENDING',
      severity: 'warn',
      message: `Node group ${name} runs version ${inUse}${pinned} of launch template ${label}, whose latest version is ${latest}${defaultText}. Its update keeps version ${inUse}, so the changes in ${newer} (AMI, user data, instance settings) are not rolled out now; they reach the nodes at a later node-group update to them, or never. Review them, and move the node group to the version you mean to run before upgrading.`,
      resource: name,
    });
  }
  return findings;
}
