/**
 * CloudWatch Logs JSON filter patterns (metric filters), the subset the stack uses,
 * with the semantics of the CloudWatch Logs User Guide ("Filter pattern syntax",
 * JSON log events): `{ TERM && TERM ... }`, a TERM being `$.a.b-c OP VALUE` with OP
 * `=`/`!=` on a quoted string (where `*` matches any characters) or a bare `*` (the
 * field is there, with a value), and `=`/`!=`/`<`/`<=`/`>`/`>=` on a number. A field
 * that is absent matches no term. Anything else (`||`, parentheses, arrays, regex,
 * IS NULL, EXISTS) is refused: a pattern this does not understand fails the test
 * instead of passing it. No package implements these patterns (the sandbox's
 * matcher is EventBridge's pattern language, another thing).
 */

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';

interface Term {
  readonly path: readonly string[];
  readonly op: Op;
  readonly value: { kind: 'any' } | { kind: 'string'; text: string } | { kind: 'number'; n: number };
}

const TERM = /^\$((?:\.[A-Za-z0-9_-]+)+)\s*(=|!=|<=|>=|<|>)\s*(\*|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)$/;

/** @throws Error for a pattern outside the subset. */
export function parseFilterPattern(pattern: string): readonly Term[] {
  const body = /^\{\s*(.*?)\s*\}$/s.exec(pattern.trim())?.[1];
  if (body === undefined) throw new Error(`not a JSON filter pattern: ${pattern}`);
  if (/\|\||[()[\]]|IS NULL|EXISTS|%/.test(body)) throw new Error(`outside the supported subset: ${pattern}`);
  return body.split('&&').map((raw) => {
    const m = TERM.exec(raw.trim());
    if (!m) throw new Error(`cannot read the term ${JSON.stringify(raw.trim())} of ${pattern}`);
    const [, path = '', op = '=', value = ''] = m;
    const parsed: Term['value'] =
      value === '*'
        ? { kind: 'any' }
        : value.startsWith('"')
          ? { kind: 'string', text: JSON.parse(value) as string }
          : { kind: 'number', n: Number(value) };
    if (parsed.kind !== 'number' && op !== '=' && op !== '!=') {
      throw new Error(`${op} needs a number: ${pattern}`);
    }
    return { path: path.slice(1).split('.'), op: op as Op, value: parsed };
  });
}

/** The value at `$.a.b`, or undefined. */
export function selectField(json: unknown, path: readonly string[]): unknown {
  let at: unknown = json;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function wildcard(text: string): RegExp {
  return new RegExp(
    `^${text
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function termMatches(term: Term, json: unknown): boolean {
  const field = selectField(json, term.path);
  if (field === undefined || field === null) return false;
  const v = term.value;
  if (v.kind === 'any') {
    const present = typeof field !== 'object';
    return term.op === '=' ? present : !present;
  }
  if (v.kind === 'string') {
    if (typeof field !== 'string') return false;
    const equal = wildcard(v.text).test(field);
    return term.op === '=' ? equal : !equal;
  }
  if (typeof field !== 'number') return false;
  switch (term.op) {
    case '=':
      return field === v.n;
    case '!=':
      return field !== v.n;
    case '<':
      return field < v.n;
    case '<=':
      return field <= v.n;
    case '>':
      return field > v.n;
    case '>=':
      return field >= v.n;
  }
}

/** Whether a log event's message matches the pattern (a message that is not JSON never does). */
export function filterMatches(pattern: string, message: string): boolean {
  const terms = parseFilterPattern(pattern);
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return false;
  }
  return terms.every((t) => termMatches(t, json));
}

/** The paths a pattern constrains (`$.detail.clusterName`), for checking that a metric's fields are matched. */
export function patternPaths(pattern: string): string[] {
  return parseFilterPattern(pattern).map((t) => `$.${t.path.join('.')}`);
}
