/**
 * Mutation scores from Stryker's JSON report (mutation-testing-report-schema).
 * The project's score counts every valid mutant: a mutant no test reaches
 * (NoCoverage) is a bug the tests would miss, so it counts as survived. Mutants
 * that do not compile or crash the runtime are not bugs anyone could ship, and
 * Ignored ones carry a `Stryker disable` comment with its reason; neither counts.
 */

import ts from 'typescript';

export const SCOPES = ['domain', 'phases', 'event-pattern'] as const;
export type Scope = (typeof SCOPES)[number];

/** The folder each scope mutates: every .ts file under it (its config's mutate glob). */
export const FOLDERS: Record<Scope, string> = {
  domain: 'lib/domain',
  phases: 'lib/phases',
  'event-pattern': 'lib/sandbox/event-pattern',
};

/**
 * How many Stryker runs a scope is split into. Each shard has its own incremental file,
 * so a run stopped part-way keeps the shards it finished: the domain's mutants take
 * more than an hour on two cores.
 */
export const SHARDS: Record<Scope, number> = { domain: 4, phases: 1, 'event-pattern': 1 };

/** A shard's name (its incremental file and report): the scope's own when it is not split. */
export function shardName(scope: Scope, index: number, count: number): string {
  return count === 1 ? scope : `${scope}.${index + 1}-of-${count}`;
}

/**
 * The files of shard `index` (0-based) of `count`. A file's shard depends on its path
 * alone (FNV-1a), so adding a file moves no other file to another shard and its
 * incremental results stay where they are.
 */
export function shardFiles(files: readonly string[], index: number, count: number): string[] {
  return files.filter((file) => fnv1a(file) % count === index);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The shards' reports as one report of the scope.
 * @throws MutationReportError when two shards hold the same file.
 */
export function mergeReports(reports: readonly MutationReport[]): MutationReport {
  const files: Record<string, MutationReport['files'][string]> = {};
  for (const report of reports) {
    for (const [file, result] of Object.entries(report.files ?? {})) {
      if (file in files) throw new MutationReportError(`${file} is in two shards' reports`);
      files[file] = result;
    }
  }
  return { files };
}

/** The goals of issue 15, in % of valid mutants killed. */
export const GOALS: Record<Scope, number> = { domain: 85, phases: 85, 'event-pattern': 95 };

export interface ReportMutant {
  readonly status: string;
  readonly mutatorName?: string;
  readonly replacement?: string;
  readonly location?: { readonly start: { readonly line: number; readonly column: number } };
}

export interface MutationReport {
  readonly files: Record<string, { readonly mutants: readonly ReportMutant[] }>;
}

export interface Tally {
  readonly killed: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly ignored: number;
  readonly invalid: number;
  /** killed / (killed + survived + noCoverage), in %; null when no valid mutant exists. */
  readonly score: number | null;
}

export interface FileTally extends Tally {
  readonly file: string;
}

/** A report holding no result of a scope is an error, not a score of zero or a hundred. */
export class MutationReportError extends Error {
  override readonly name = 'MutationReportError';
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived']);
const UNCOVERED = new Set(['NoCoverage']);
const NOT_COUNTED = new Set(['CompileError', 'RuntimeError']);

export function tally(mutants: readonly ReportMutant[]): Tally {
  let killed = 0;
  let survived = 0;
  let noCoverage = 0;
  let ignored = 0;
  let invalid = 0;
  for (const { status } of mutants) {
    if (DETECTED.has(status)) killed++;
    else if (UNDETECTED.has(status)) survived++;
    else if (UNCOVERED.has(status)) noCoverage++;
    else if (status === 'Ignored') ignored++;
    else if (NOT_COUNTED.has(status)) invalid++;
    // Pending or an unknown status means the run did not finish: count it against the score.
    else survived++;
  }
  const valid = killed + survived + noCoverage;
  return {
    killed,
    survived,
    noCoverage,
    ignored,
    invalid,
    score: valid === 0 ? null : (100 * killed) / valid,
  };
}

/** The whole scope's tally and one per file, weakest file first. */
export function scoreReport(report: MutationReport): { total: Tally; files: FileTally[] } {
  const entries = Object.entries(report.files ?? {});
  if (entries.length === 0) throw new MutationReportError('the report holds no mutated file');
  const files = entries
    .map(([file, { mutants }]) => ({ file, ...tally(mutants) }))
    .sort((a, b) => (a.score ?? 100) - (b.score ?? 100) || a.file.localeCompare(b.file));
  return { total: tally(entries.flatMap(([, { mutants }]) => mutants)), files };
}

/**
 * A report written by a run with `--mutate <file>` holds that file only; scoring it as
 * the scope would pass a folder on one file's strength.
 * @throws MutationReportError naming the files of the scope the report lacks.
 */
export function assertCoversScope(report: MutationReport, sourceFiles: readonly string[]): void {
  const missing = sourceFiles.filter((file) => !(file in (report.files ?? {})));
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).join(', ');
    throw new MutationReportError(
      `the report lacks ${missing.length} of the scope's ${sourceFiles.length} files (${shown}${missing.length > 3 ? ', …' : ''}): it comes from a run of some files only`,
    );
  }
}

/**
 * Whether a TypeScript source leaves anything to run once its types are erased. Stryker
 * has nothing to mutate in a file of types only (interfaces, type aliases, `import type`)
 * and leaves it out of its report; such a file must not count as missing from a run.
 */
export function hasRuntimeCode(source: string): boolean {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: true },
    reportDiagnostics: false,
  });
  const left = outputText
    .replace(/^\s*(?:"use strict"|'use strict');?/m, '')
    .replace(/export\s*\{\s*\};?/g, '')
    .trim();
  return left.length > 0;
}

/** Rounds down so a score printed as "85.0" is never in fact 84.96. */
export function formatScore(score: number | null): string {
  return score === null ? 'n/a' : (Math.floor(score * 10) / 10).toFixed(1);
}

export function meetsGoal(total: Tally, goal: number): boolean {
  return total.score !== null && total.score >= goal;
}

/** `npm run mutate`'s arguments: scopes, and the two flags. */
export interface MutateArgs {
  readonly scopes: Scope[];
  /** Print the last reports' scores without running Stryker. */
  readonly reportOnly: boolean;
  /** Test every mutant again, reusing no incremental verdict (Stryker's --force). */
  readonly fresh: boolean;
}

/**
 * Parses `npm run mutate`'s arguments: the flags anywhere, the rest scopes.
 * @throws MutationReportError naming an unknown option or scope and the known ones.
 */
export function parseMutateArgs(argv: readonly string[]): MutateArgs {
  const flags = ['--report-only', '--fresh'];
  const unknown = argv.find((a) => a.startsWith('--') && !flags.includes(a));
  if (unknown !== undefined) {
    throw new MutationReportError(`unknown option "${unknown}": choose from ${flags.join(', ')}`);
  }
  return {
    scopes: parseScopes(argv.filter((a) => !flags.includes(a))),
    reportOnly: argv.includes('--report-only'),
    fresh: argv.includes('--fresh'),
  };
}

/**
 * Parses the scopes named on the command line; none means all three.
 * @throws MutationReportError naming the unknown scope and the known ones.
 */
export function parseScopes(args: readonly string[]): Scope[] {
  if (args.length === 0) return [...SCOPES];
  for (const arg of args) {
    if (!(SCOPES as readonly string[]).includes(arg)) {
      throw new MutationReportError(`unknown scope "${arg}": choose from ${SCOPES.join(', ')}`);
    }
  }
  return [...new Set(args as Scope[])];
}
