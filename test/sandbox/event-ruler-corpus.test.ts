import { readFileSync } from 'node:fs';
import { compilePatternJson, InvalidEventPatternError } from '../../lib/sandbox/event-pattern';
import { rawValuesOf, realworldPath } from '../support/realworld';

/**
 * aws/event-ruler's own cases (README rules, JsonRuleCompilerTest, $or tests), gathered in
 * ../shared/realworld/event-ruler-cases.json: 196 patterns with an event each and what Ruler
 * says: a match, no match, or an invalid pattern. Patterns are compiled from their raw text,
 * as `aws events test-event-pattern` and PutRule receive them.
 */
interface RulerCase {
  readonly name: string;
  readonly pattern: unknown;
  readonly event: unknown;
  readonly expect: boolean | 'invalid';
  readonly source: string;
}

const file = realworldPath('event-ruler-cases.json');
const text = readFileSync(file, 'utf8');
const cases = JSON.parse(text) as RulerCase[];
const rawPatterns = rawValuesOf(text, 'pattern');

function verdict(patternText: string, event: unknown): boolean | 'invalid' {
  try {
    return compilePatternJson(patternText).matches(event);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return 'invalid';
    throw error;
  }
}

describe('aws/event-ruler cases', () => {
  test('the corpus is whole: one raw pattern per case, and all three verdicts present', () => {
    expect(cases).toHaveLength(196);
    expect(rawPatterns).toHaveLength(cases.length);
    rawPatterns.forEach((raw, i) => {
      expect(JSON.parse(raw)).toEqual(cases[i]?.pattern);
    });
    const kinds = new Set(cases.map((c) => String(c.expect)));
    expect([...kinds].sort()).toEqual(['false', 'invalid', 'true']);
  });

  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const rulerCase = cases[i] as RulerCase;
    expect(verdict(rawPatterns[i] as string, rulerCase.event)).toBe(rulerCase.expect);
  });
});
