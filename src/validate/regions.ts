/**
 * AWS regions robo accepts, and the partition each belongs to. A typo in a
 * region would send every engineer's CLI to a name that does not resolve, so
 * unknown regions are refused with the nearest known one suggested.
 */
import { closest, distance } from 'fastest-levenshtein';

export const KNOWN_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
];
const KNOWN = new Set(KNOWN_REGIONS);

export function isKnownRegion(region: string): boolean {
  return KNOWN.has(region);
}

/** "did you mean" for a near miss; undefined when nothing is close. */
export function suggestRegion(region: string): string | undefined {
  const best = closest(region.toLowerCase(), KNOWN_REGIONS);
  return distance(region.toLowerCase(), best) <= 3 ? best : undefined;
}

/** The AWS partition a region belongs to: ARNs differ between them, and roles cannot be assumed across them. */
export function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** The closest of some names, for "did you mean" on team and account names. */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(name, known);
  return distance(name, best) <= Math.max(2, Math.ceil(name.length / 2)) ? best : undefined;
}
