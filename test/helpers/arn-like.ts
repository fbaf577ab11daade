/**
 * IAM's ArnLike condition operator, for the tests of the sso form's trust:
 * an ARN and a pattern are each split into their six colon-separated parts
 * (the last keeps any further colons), and each part of the ARN must match
 * the pattern's, where `*` is any run of characters (none included, "/"
 * included) and `?` exactly one; a wildcard never spans a colon. Case
 * sensitive, as IAM compares ARNs (IAM User Guide, condition operators).
 */
export function arnLike(arn: string, pattern: string): boolean {
  const arnParts = sixParts(arn);
  const patternParts = sixParts(pattern);
  if (!arnParts || !patternParts) return false;
  return patternParts.every((part, index) => glob(part).test(arnParts[index]!));
}

function sixParts(text: string): string[] | undefined {
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

const compiled = new Map<string, RegExp>();

function glob(part: string): RegExp {
  const known = compiled.get(part);
  if (known) return known;
  const source = [...part]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 's');
  compiled.set(part, regex);
  return regex;
}
