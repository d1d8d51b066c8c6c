/**
 * `npm run mutate [-- domain|phases|event-pattern ...] [--report-only] [--fresh]`: runs
 * the scoped Stryker configs one after the other (each uses both cores; a split scope
 * shard by shard, see SHARDS) and prints each scope's score against its goal. Exit 1
 * when a scope is below its goal, 2 for a bad argument or a missing report.
 * --report-only reads the last reports; --fresh tests every mutant again, reusing no
 * incremental verdict (the incremental files are rewritten from the fresh results).
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
  mergeReports,
  parseMutateArgs,
  type Scope,
  SHARDS,
  scoreReport,
  shardFiles,
  shardName,
} from './score';

const root = join(__dirname, '..');

/** The scope's shards: each one's name and files (stryker/base.mjs reads them from the environment). */
function shards(scope: Scope): { name: string; files: string[] }[] {
  const count = SHARDS[scope];
  const files = sourceFiles(scope).sort();
  return Array.from({ length: count }, (_, index) => ({
    name: shardName(scope, index, count),
    files: shardFiles(files, index, count),
  })).filter((shard) => shard.files.length > 0);
}

function runStryker(scope: Scope, shard: { name: string; files: string[] }, fresh: boolean): number {
  const started = Date.now();
  const env =
    SHARDS[scope] === 1
      ? process.env
      : { ...process.env, STRYKER_SHARD: shard.name, STRYKER_SHARD_FILES: shard.files.join(',') };
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
      'run',
      `stryker/${scope}.conf.mjs`,
      ...(fresh ? ['--force'] : []),
    ],
    { cwd: root, stdio: 'inherit', env },
  );
  console.log(`stryker ${shard.name}: ${Math.round((Date.now() - started) / 1000)} s`);
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
  const files = shards(scope).map(({ name }) => join(root, 'reports', 'stryker', `${name}.json`));
  try {
    const report = mergeReports(files.map((file) => JSON.parse(readFileSync(file, 'utf8'))));
    assertCoversScope(report, sourceFiles(scope));
    return scoreReport(report);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new MutationReportError(
      `no usable report for ${scope} in ${files.join(', ')} (${why}): run npm run mutate -- ${scope}`,
    );
  }
}

function main(argv: readonly string[]): number {
  const { scopes, reportOnly, fresh } = parseMutateArgs(argv);
  for (const scope of reportOnly ? [] : scopes) {
    for (const shard of shards(scope)) {
      if (runStryker(scope, shard, fresh) !== 0) {
        console.error(`stryker failed for ${shard.name}; see its output above`);
        return 2;
      }
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
