/**
 * `npm run mutate [-- domain|phases|event-pattern ...] [--report-only]`: runs the
 * scoped Stryker configs one after the other (each uses both cores) and prints
 * each scope's score against its goal. Exit 1 when a scope is below its goal,
 * 2 for a bad argument or a missing report. --report-only reads the last reports.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import {
  assertCoversScope,
  FOLDERS,
  formatScore,
  GOALS,
  hasRuntimeCode,
  MutationReportError,
  meetsGoal,
  parseScopes,
  type Scope,
  scoreReport,
} from './score';

const root = join(__dirname, '..');

function runStryker(scope: Scope): number {
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
      'run',
      `stryker/${scope}.conf.mjs`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  console.log(`stryker ${scope}: ${Math.round((Date.now() - started) / 1000)} s`);
  return result.status ?? 1;
}

/**
 * The scope's TypeScript sources that hold code to mutate, as paths relative to the
 * repository (the report's keys). Files of types only have no mutant and no entry.
 */
function sourceFiles(scope: Scope): string[] {
  const folder = FOLDERS[scope];
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${folder}/${name.split(sep).join('/')}`)
    .filter((file) => hasRuntimeCode(readFileSync(join(root, file), 'utf8')));
}

function readReport(scope: Scope) {
  const file = join(root, 'reports', 'stryker', `${scope}.json`);
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    assertCoversScope(report, sourceFiles(scope));
    return scoreReport(report);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new MutationReportError(
      `no usable report for ${scope} at ${file} (${why}): run npm run mutate -- ${scope}`,
    );
  }
}

function main(argv: readonly string[]): number {
  const reportOnly = argv.includes('--report-only');
  const scopes = parseScopes(argv.filter((a) => a !== '--report-only'));
  for (const scope of scopes) {
    if (!reportOnly && runStryker(scope) !== 0) {
      console.error(`stryker failed for ${scope}; see its output above`);
      return 2;
    }
  }
  const results = scopes.map((scope) => ({ scope, ...readReport(scope) }));
  let allMet = true;
  console.log('\nscope          score   goal  killed survived no-cov ignored');
  for (const { scope, total, files } of results) {
    const met = meetsGoal(total, GOALS[scope]);
    allMet &&= met;
    console.log(
      `${scope.padEnd(14)} ${formatScore(total.score).padStart(5)} % ${String(GOALS[scope]).padStart(3)} %` +
        ` ${String(total.killed).padStart(7)} ${String(total.survived).padStart(8)} ${String(total.noCoverage).padStart(6)}` +
        ` ${String(total.ignored).padStart(7)}  ${met ? 'ok' : 'BELOW GOAL'}`,
    );
    for (const f of files.filter((f) => f.score !== null && f.score < GOALS[scope])) {
      console.log(`  ${formatScore(f.score).padStart(5)} %  ${f.file} (${f.survived + f.noCoverage} left)`);
    }
  }
  return allMet ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof MutationReportError)) throw error;
  console.error(`npm run mutate: ${error.message}`);
  process.exitCode = 2;
}
