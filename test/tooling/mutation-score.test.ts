import {
  assertCoversScope,
  formatScore,
  hasRuntimeCode,
  MutationReportError,
  meetsGoal,
  mergeReports,
  parseMutateArgs,
  parseScopes,
  type ReportMutant,
  scoreReport,
  shardFiles,
  shardName,
  tally,
} from '../../stryker/score';

/** `npm run mutate` judges the scopes by these scores: what counts, what does not, and the goals. */
const mutants = (counts: Record<string, number>): ReportMutant[] =>
  Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

describe('tally', () => {
  it('counts a mutant no test reaches as survived, and timeouts as killed', () => {
    const t = tally(mutants({ Killed: 6, Timeout: 2, Survived: 1, NoCoverage: 1 }));
    expect(t).toEqual({ killed: 8, survived: 1, noCoverage: 1, ignored: 0, invalid: 0, score: 80 });
  });

  it('leaves out ignored mutants and those that do not compile or crash the runtime', () => {
    const t = tally(mutants({ Killed: 3, Survived: 1, Ignored: 5, CompileError: 2, RuntimeError: 1 }));
    expect(t).toEqual({ killed: 3, survived: 1, noCoverage: 0, ignored: 5, invalid: 3, score: 75 });
  });

  it('counts a mutant of an unfinished run against the score', () => {
    expect(tally(mutants({ Killed: 1, Pending: 1 })).score).toBe(50);
  });

  it('has no score without a valid mutant', () => {
    expect(tally(mutants({ Ignored: 2 })).score).toBeNull();
    expect(tally([]).score).toBeNull();
  });
});

describe('scoreReport', () => {
  it('scores the whole scope and lists files weakest first', () => {
    const { total, files } = scoreReport({
      files: {
        'lib/b.ts': { mutants: mutants({ Killed: 1, Survived: 1 }) },
        'lib/a.ts': { mutants: mutants({ Killed: 3 }) },
        'lib/c.ts': { mutants: mutants({ Killed: 1, NoCoverage: 3 }) },
      },
    });
    expect(total.score).toBeCloseTo((100 * 5) / 9);
    expect(files.map((f) => [f.file, f.score])).toEqual([
      ['lib/c.ts', 25],
      ['lib/b.ts', 50],
      ['lib/a.ts', 100],
    ]);
  });

  it('refuses a report with no file', () => {
    expect(() => scoreReport({ files: {} })).toThrow(MutationReportError);
  });
});

describe('goals and printing', () => {
  it('meets a goal at or above it, never without a score', () => {
    expect(meetsGoal(tally(mutants({ Killed: 17, Survived: 3 })), 85)).toBe(true);
    expect(meetsGoal(tally(mutants({ Killed: 84, Survived: 16 })), 85)).toBe(false);
    expect(meetsGoal(tally([]), 0)).toBe(false);
  });

  it('rounds down so a score shown at the goal is at the goal', () => {
    expect(formatScore(84.96)).toBe('84.9');
    expect(formatScore(85)).toBe('85.0');
    expect(formatScore(null)).toBe('n/a');
  });
});

describe('parseScopes', () => {
  it('runs all three scopes by default, and the named ones once each otherwise', () => {
    expect(parseScopes([])).toEqual(['domain', 'phases', 'event-pattern']);
    expect(parseScopes(['event-pattern', 'domain', 'domain'])).toEqual(['event-pattern', 'domain']);
  });

  it('refuses an unknown scope naming the known ones', () => {
    expect(() => parseScopes(['lib/domain'])).toThrow(
      'unknown scope "lib/domain": choose from domain, phases, event-pattern',
    );
  });
});

describe('parseMutateArgs', () => {
  it('takes the flags anywhere among the scopes', () => {
    expect(parseMutateArgs(['domain', '--fresh'])).toEqual({
      scopes: ['domain'],
      reportOnly: false,
      fresh: true,
    });
    expect(parseMutateArgs(['--report-only'])).toEqual({
      scopes: ['domain', 'phases', 'event-pattern'],
      reportOnly: true,
      fresh: false,
    });
  });

  it('refuses an unknown option naming the known ones, rather than taking it for a scope', () => {
    expect(() => parseMutateArgs(['--force'])).toThrow(
      'unknown option "--force": choose from --report-only, --fresh',
    );
  });
});

describe('assertCoversScope', () => {
  it('accepts a report of every file of the scope', () => {
    expect(() =>
      assertCoversScope({ files: { 'lib/a.ts': { mutants: [] }, 'lib/b.ts': { mutants: [] } } }, [
        'lib/a.ts',
        'lib/b.ts',
      ]),
    ).not.toThrow();
  });

  it('refuses the report of a run over some files only, naming what it lacks', () => {
    expect(() =>
      assertCoversScope({ files: { 'lib/a.ts': { mutants: [] } } }, ['lib/a.ts', 'lib/b.ts', 'lib/c.ts']),
    ).toThrow(
      "the report lacks 2 of the scope's 3 files (lib/b.ts, lib/c.ts): it comes from a run of some files only",
    );
  });
});

describe('hasRuntimeCode: which files a full run must report', () => {
  it('is false for a file of types only, which Stryker leaves out of its report', () => {
    const typesOnly = [
      "import type { Plan } from './plan';",
      '/** A step. */',
      'export interface Step { readonly id: string }',
      "export type Kind = 'a' | 'b';",
      "export type { Plan } from './plan';",
    ].join('\n');
    expect(hasRuntimeCode(typesOnly)).toBe(false);
    expect(hasRuntimeCode('')).toBe(false);
  });

  it.each([
    ['a constant', 'export const LIMIT = 3;'],
    ['a function', 'export function f(x: number): number { return x + 1; }'],
    ['an enum', 'export enum Kind { A, B }'],
    ['a class', 'export class E extends Error {}'],
    ['a re-export of values', "export { planUpgrade } from './planner';"],
  ])('is true for a file with %s', (_what, source) => {
    expect(hasRuntimeCode(source)).toBe(true);
  });
});

describe('shards of a scope', () => {
  const files = Array.from({ length: 40 }, (_, i) => `lib/domain/file-${i}.ts`);

  it('puts every file in exactly one shard', () => {
    const shards = [0, 1, 2, 3].map((i) => shardFiles(files, i, 4));
    expect(shards.flat().sort()).toEqual([...files].sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThan(0);
  });

  it('keeps a file in its shard when other files come and go', () => {
    const before = shardFiles(files, 2, 4);
    const after = shardFiles([...files.slice(5), 'lib/domain/new.ts'], 2, 4);
    expect(after.filter((f) => f !== 'lib/domain/new.ts')).toEqual(
      before.filter((f) => files.slice(5).includes(f)),
    );
  });

  it('names shards after their scope, and an unsplit scope by its own name', () => {
    expect(shardName('domain', 1, 4)).toBe('domain.2-of-4');
    expect(shardName('phases', 0, 1)).toBe('phases');
  });

  it("merges the shards' reports, and refuses a file in two of them", () => {
    const a = { files: { 'lib/domain/a.ts': { mutants: mutants({ Killed: 2 }) } } };
    const b = { files: { 'lib/domain/b.ts': { mutants: mutants({ Survived: 2 }) } } };
    expect(scoreReport(mergeReports([a, b])).total.score).toBe(50);
    expect(() => mergeReports([a, a])).toThrow(
      new MutationReportError("lib/domain/a.ts is in two shards' reports"),
    );
  });
});
