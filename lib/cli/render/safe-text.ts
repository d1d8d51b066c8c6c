/**
 * C0 controls but newline, DEL, C1 controls (U+0080-U+009F: 8-bit CSI and OSC on
 * some terminals), and the bidirectional overrides that make text read in another
 * order than it is stored. Cluster, node-group and add-on names, insight text and
 * event details come from data the agent does not control; printed raw, an ESC
 * sequence in a name could clear the screen, retitle the window or hide a line.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print on a terminal: every control character but newline shown as
 * its \uXXXX escape, so nothing is hidden and nothing is interpreted. The escape
 * is plain text, so applying it twice changes nothing more, and JSON stays JSON
 * (raw controls can only appear inside its strings, where \uXXXX means the same).
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
