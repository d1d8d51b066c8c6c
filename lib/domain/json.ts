/**
 * The value of a JSON text; undefined when there is no text or it is not JSON (a
 * Step Functions Cause may be either, and a person's answer may be anything).
 */
export function parseJsonOrUndefined(text: string | undefined): unknown {
  let value: unknown;
  try {
    // An absent text parses as the text "undefined": not JSON either.
    value = JSON.parse(String(text));
  } catch {
    // Not JSON: no value.
  }
  return value;
}
