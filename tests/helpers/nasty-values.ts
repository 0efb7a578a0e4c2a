import { RawJsonNumber } from './raw-json.js';

/**
 * Text that has broken servers elsewhere: NUL (PostgreSQL refuses it in text), other
 * control characters, bidi overrides, a lone surrogate, combining marks, astral
 * characters (two UTF-16 units, one code point), markup, SQL and formula starts.
 */
export const NASTY_TEXT: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\u0001\u0007\u001b[31m',
  '\r\n',
  '\t',
  '\u007f',
  '\u202eevil\u202c',
  '\u2066x\u2069',
  '\ud800',
  '\udfff\ud800',
  'e\u0301\u0301\u0301',
  '\ufeff',
  '\u00a0',
  '😀',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '<script>alert(1)</script>',
  "'; drop table patients; --",
  '" or 1=1 --',
  '=HYPERLINK("http://x.invalid","y")',
  '+1',
  '-1',
  '@sum(1)',
  '%s%n%x',
  '../../etc/passwd',
  '${7*7}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '1e308',
  'true',
  '[]',
  '{}',
  ' ',
  '',
];

/** Query and path text a client may send in place of a number, boolean or id. */
export const NASTY_PARAMS: readonly string[] = [
  ...NASTY_TEXT,
  '0',
  '-0',
  '1.5',
  '-1e308',
  '1e999',
  '-Infinity',
  '9007199254740993',
  '18446744073709551616',
  '0x10',
  '1_000',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

/** Numbers at and past the edges of IEEE doubles, 32/64-bit integers and JavaScript's safe range. */
export const EDGE_NUMBERS: readonly unknown[] = [
  0,
  -1,
  1,
  0.5,
  -0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 53,
  2 ** 63,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  new RawJsonNumber('1e999'),
  new RawJsonNumber('-1e999'),
  new RawJsonNumber('-0'),
  new RawJsonNumber('123456789012345678901234567890'),
  new RawJsonNumber('0.1e-400'),
];
