import type { FieldProblem } from '../errors/domain-error.js';

/**
 * Characters a name shown to people (a file name in the audit log, on the import page,
 * in a problem's detail) must not carry: C0 and C1 control characters and DEL (a
 * newline forges a second line in a log or a CSV export; NUL cuts a C string short),
 * the line and paragraph separators, and the bidirectional formatting characters that
 * make text display in another order than it is stored ("Trojan Source",
 * CVE-2021-42574; Unicode TR #36 §2.3 on spoofing with them).
 */
function isUnsafe(codePoint: number): boolean {
  return (
    codePoint <= 0x1f ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A problem naming the field, the rule and the first unsafe character by its code point
 * (never the character itself, which would carry the same trouble into the answer).
 */
export function unsafeCharacterProblem(field: string, value: string): FieldProblem | null {
  let position = 0;
  for (const char of value) {
    position += 1;
    const codePoint = char.codePointAt(0) ?? 0;
    if (isUnsafe(codePoint))
      return {
        field,
        rule: 'no-control-characters',
        message: `must not contain control, line-separator or bidirectional formatting characters (found ${hex(codePoint)} at character ${position})`,
      };
  }
  return null;
}
