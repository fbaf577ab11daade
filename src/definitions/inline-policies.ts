/**
 * Stage 2 for the IAM side: read the inline policy files organization.json's
 * iam roles name (docs/iam.md), with the definition files' own safe reader;
 * validate/iam.ts checks them. aws.config never reads them.
 */
import { DefinitionsError } from '../errors.js';
import type { Organization } from './model.js';
import { MAX_TOTAL_BYTES, inBatches, inspect, read, type DefinitionFile, type SizeLimit } from './definitions.js';

/** IAM takes at most 10,240 characters of inline policy per role; a file may be formatted, so a few times that. */
export const MAX_POLICY_FILE_BYTES = 64 * 1024;

const POLICY_FILE_LIMIT: SizeLimit = {
  bytes: MAX_POLICY_FILE_BYTES,
  rule: `inline policy files may be at most ${MAX_POLICY_FILE_BYTES} bytes (64 KiB; IAM takes 10,240 characters per role)`,
};

/** Repo path → the file as read; undefined when nothing is there (or a folder is). */
export type InlinePolicyFiles = ReadonlyMap<string, DefinitionFile | undefined>;

/** Every inline file any role names, once each, sorted. */
export function inlinePolicyPaths(organization: Organization): string[] {
  const paths = new Set<string>();
  for (const role of Object.values(organization.iam?.roles ?? {}))
    for (const file of role.inline ?? []) paths.add(file);
  return [...paths].sort();
}

/**
 * Read every inline policy file the organisation's roles name. The paths
 * come from a validated organisation (the schema allows only relative paths
 * without . or .. parts); inspectRepoPath refuses links on the way.
 */
export async function loadInlinePolicies(root: string, organization: Organization): Promise<InlinePolicyFiles> {
  const paths = inlinePolicyPaths(organization);
  // Every file is looked at before any is read, so the total is known first (as for the definition files).
  const found = await inBatches(paths, (file) => inspect(root, file, POLICY_FILE_LIMIT));
  const total = found.reduce((sum, entry) => sum + (entry?.refused === undefined ? (entry?.size ?? 0) : 0), 0);
  if (total > MAX_TOTAL_BYTES) {
    throw new DefinitionsError(
      `${root}: the ${paths.length} inline policy files named in organization.json hold ${total} bytes together; robo reads at most ${MAX_TOTAL_BYTES} (64 MiB)`,
      [],
    );
  }
  const files = await inBatches(found, (entry) =>
    entry && entry.refused === undefined ? read(root, entry) : Promise.resolve(entry),
  );
  return new Map(paths.map((file, index) => [file, files[index]]));
}
