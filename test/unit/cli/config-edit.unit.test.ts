import fc from 'fast-check';
import type { ConfigTree } from '../../../lib/aws/ssm/config-tree';
import {
  changesBetween,
  mergeTrees,
  planConfigEdit,
  treeFromPairs,
  unknownKeys,
  validateConfigTree,
} from '../../../lib/cli/config-edit';
import { InvalidConfigError, parseAgentConfig } from '../../../lib/domain/config';

describe('treeFromPairs', () => {
  it('builds nested keys; values read as JSON when they parse, as text otherwise', () => {
    expect(
      treeFromPairs([
        'execution/maxParallelNodegroups=8',
        'execution/forceNodegroupUpdates=true',
        'a/b/c=x=y',
        'a/b/d=',
      ]),
    ).toEqual({
      execution: { maxParallelNodegroups: 8, forceNodegroupUpdates: true },
      a: { b: { c: 'x=y', d: '' } },
    });
  });

  it.each(['noequals', '=8', 'a//b=1', '/a=1', 'a/=1'])('refuses %j', (pair) => {
    expect(() => treeFromPairs([pair])).toThrow('is not KEY=VALUE');
  });
});

describe('mergeTrees', () => {
  it('merges objects key by key and replaces leaves and arrays', () => {
    expect(mergeTrees({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, e: null })).toEqual({
      a: { b: 1, c: [3] },
      d: 'x',
      e: null,
    });
  });

  it('a leaf replaced by an object, and an object by a leaf', () => {
    expect(mergeTrees({ a: 1, b: { c: 1 } }, { a: { x: 1 }, b: 2 })).toEqual({ a: { x: 1 }, b: 2 });
  });
});

const leaf = fc.oneof(fc.integer(), fc.boolean(), fc.constantFrom('x', 'y', 'true', ''));
const tree: fc.Arbitrary<ConfigTree> = fc.letrec<{ node: ConfigTree }>((tie) => ({
  node: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof({ depthSize: 'small' }, leaf, tie('node')), {
    maxKeys: 3,
  }),
})).node;

describe('changesBetween', () => {
  it('is empty for an edit that repeats what is stored', () => {
    fc.assert(fc.property(tree, (t) => changesBetween(t, t).length === 0));
  });

  it('an edit applied leaves nothing to change', () => {
    fc.assert(
      fc.property(tree, tree, (stored, edit) => changesBetween(mergeTrees(stored, edit), edit).length === 0),
    );
  });

  it('names each changed or new leaf with its stored texts', () => {
    expect(changesBetween({ e: { n: 5, f: false } }, { e: { n: 8, f: false, s: 'PRESERVE' } })).toEqual([
      { key: 'e/n', before: '5', after: '8' },
      { key: 'e/s', after: 'PRESERVE' },
    ]);
  });
});

describe('unknown keys', () => {
  it('finds the keys the schema drops, not the ones it knows', () => {
    const input = { execution: { maxParalelNodegroups: 8, busyRetrySeconds: 90 }, extra: 1 };
    expect(unknownKeys(input, parseAgentConfig(input))).toEqual(['execution/maxParalelNodegroups', 'extra']);
  });

  it('free-form maps the schema keeps (custom metric dimensions) are known', () => {
    const input = {
      validation: {
        metrics: {
          type: 'custom',
          namespace: 'N',
          errorRateMetric: 'E',
          latencyP99Metric: 'L',
          dimensions: { Svc: 'api' },
        },
      },
    };
    expect(() => validateConfigTree(input)).not.toThrow();
  });

  it('validateConfigTree names the unknown key and the known ones beside it', () => {
    expect(() => validateConfigTree({ rollback: { revert: true } })).toThrow(
      'unknown configuration key rollback/revert; known keys under rollback: revertControlPlane',
    );
    expect(() => validateConfigTree({ rollback: { revert: true } })).toThrow(InvalidConfigError);
  });
});

describe('planConfigEdit', () => {
  const stored = { execution: { maxParallelNodegroups: 5 }, validation: { metrics: { type: 'none' } } };

  it('returns the changes and the whole configuration after them', () => {
    const { changes, result } = planConfigEdit(stored, { execution: { maxParallelNodegroups: 8 } });
    expect(changes).toEqual([{ key: 'execution/maxParallelNodegroups', before: '5', after: '8' }]);
    expect(result.execution.maxParallelNodegroups).toBe(8);
    expect(result.lockTtlSeconds).toBe(172_800);
  });

  it('judges the merged result: a metrics type needs its own keys', () => {
    expect(() => planConfigEdit(stored, { validation: { metrics: { type: 'alb' } } })).toThrow(
      InvalidConfigError,
    );
  });

  it('a stray key already stored does not block an edit; a stray key in the edit does', () => {
    const withStray = { ...stored, legacy: 'x' };
    expect(planConfigEdit(withStray, { lockTtlSeconds: 600 }).changes).toHaveLength(1);
    expect(() => planConfigEdit(withStray, { legacy2: 'y' })).toThrow('unknown configuration key legacy2');
  });
});

describe('a maintenance window from the terminal', () => {
  it('config set takes the window keys as SSM holds them, enabled included', () => {
    const tree = treeFromPairs([
      'maintenanceWindow/days=MON-FRI',
      'maintenanceWindow/hours=02:00-06:00',
      'maintenanceWindow/timeZone=Europe/Berlin',
    ]);
    expect(unknownKeys(tree, validateConfigTree(tree))).toEqual([]);
    const off = treeFromPairs(['maintenanceWindow/enabled=false', 'maintenanceWindow/hours=02:00-06:00']);
    expect(validateConfigTree(off).maintenanceWindow?.enabled).toBe(false);
    const edit = planConfigEdit({}, tree);
    expect(edit.changes.map((c) => c.key)).toEqual([
      'maintenanceWindow/days',
      'maintenanceWindow/hours',
      'maintenanceWindow/timeZone',
    ]);
  });

  it('refuses a bad zone, naming the key and what to give instead', () => {
    const tree = treeFromPairs(['maintenanceWindow/hours=02:00-06:00', 'maintenanceWindow/timeZone=CEST']);
    expect(() => validateConfigTree(tree)).toThrow(InvalidConfigError);
    expect(() => validateConfigTree(tree)).toThrow(
      'maintenanceWindow.timeZone: maintenance window time zone "CEST" is not an IANA time zone',
    );
  });

  it('refuses a misspelt window key', () => {
    const tree = treeFromPairs(['maintenanceWindow/hours=02:00-06:00', 'maintenanceWindow/timezone=UTC']);
    expect(() => validateConfigTree(tree)).toThrow('unknown configuration key maintenanceWindow/timezone');
  });
});
