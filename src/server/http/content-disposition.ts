/**
 * `Content-Disposition: attachment` for a download named `fileName` (RFC 6266 §4.1, with
 * RFC 8187 for the extended parameter): `filename="…"` is a plain-ASCII fallback for old
 * clients, with every character outside letters, digits and `-._ ()` made an underscore
 * (so no quote, backslash or line break can end the parameter or the header), and
 * `filename*=UTF-8''…` is the exact name, percent-encoded. Browsers prefer the latter.
 */
export function attachment(fileName: string): string {
  const fallback = fileName.replace(/[^A-Za-z0-9\-._ ()]/g, '_') || 'download';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(fileName)}`;
}

/** RFC 8187 §3.2.1 value-chars: attr-char as it is, everything else as %XX of its UTF-8. */
function encodeExtValue(value: string): string {
  return Array.from(new TextEncoder().encode(value), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9!#$&+\-.^_`|~]/.test(char) && byte < 0x80
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}
