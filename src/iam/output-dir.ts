/**
 * The folder iam.terraform writes: what is there, what changes, and the change. robo owns exactly the
 * *.tf.json files carrying its MARKER; every other file stays, and one of the user's under a generated name is
 * refused. Each file is replaced by a rename: Terraform never reads half a file (docs/iam.md).
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, WriteError, messageOf } from '../errors.js';
import { inBatches } from '../definitions/definitions.js';
import { writeAtomically } from '../system/atomic-write.js';
import { resolveTarget } from '../apply/target.js';
import { MARKER, type TerraformFiles } from './terraform.js';
import { byCodePoints } from '../order.js';

export type FileChange = 'created' | 'updated' | 'removed' | 'unchanged';

export interface OutputPlan {
  dir: string;
  /** Every file robo generates or owns, by name, sorted, with what happens to it. */
  files: Array<{ file: string; change: FileChange }>;
  /** Files under names robo generates that are not robo's (no marker): nothing may be written. */
  foreign: string[];
  changed: boolean;
}

/** Compare the files with what `dir` holds; reads only. */
export async function planOutput(dir: string, files: TerraformFiles): Promise<OutputPlan> {
  const existing = await ownedFiles(dir);
  const foreign: string[] = [];
  const changes = new Map<string, FileChange>();
  for (const [file, text] of files) {
    const found = existing.get(file);
    if (found === undefined) changes.set(file, 'created');
    else if (!found.ours) foreign.push(file);
    else changes.set(file, found.text === text ? 'unchanged' : 'updated');
  }
  for (const [file, found] of existing) if (found.ours && !files.has(file)) changes.set(file, 'removed');
  const sorted = [...changes].sort(([a], [b]) => byCodePoints(a, b));
  return {
    dir,
    files: sorted.map(([file, change]) => ({ file, change })),
    foreign: foreign.sort(),
    changed: foreign.length > 0 || sorted.some(([, change]) => change !== 'unchanged'),
  };
}

/** Write what the plan says: each file atomically, new and changed ones first, then the stale ones removed. */
export async function applyOutput(plan: OutputPlan, files: TerraformFiles): Promise<void> {
  if (plan.foreign.length > 0) {
    throw new UsageError(`${plan.dir} holds files robo would generate, but did not write: nothing was written`, [
      ...plan.foreign.map(
        (file) => `${path.join(plan.dir, file)}: no "//" marker of robo's; move it, or choose another --out`,
      ),
    ]);
  }
  // Several at a time: one after another, 1,000 files spent most of the run waiting on the file system.
  const writes = plan.files.filter(({ change }) => change === 'created' || change === 'updated');
  await inBatches(writes, async ({ file, change }) => {
    const target = change === 'created' ? path.join(plan.dir, file) : await resolveTarget(path.join(plan.dir, file));
    await writeAtomically(target, Buffer.from(files.get(file)!, 'utf8'), {
      mode: change === 'created' ? 0o644 : undefined,
      folderMode: 0o755,
      // Regenerated on every run, and --check finds a folder a crash left half-updated: no fsyncs.
      durable: false,
    });
  });
  await inBatches(
    plan.files.filter(({ change }) => change === 'removed'),
    ({ file }) =>
      unlink(path.join(plan.dir, file)).catch((error: unknown) => {
        throw new WriteError(`cannot remove ${path.join(plan.dir, file)}: ${messageOf(error)}`, { cause: error });
      }),
  );
}

/** The *.tf.json files of `dir` (none when it does not exist), each with whether robo wrote it. */
async function ownedFiles(dir: string): Promise<Map<string, { ours: boolean; text: string }>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`--out ${dir}: not a folder`);
    throw new WriteError(`cannot read the folder ${dir}: ${messageOf(error)}`, { cause: error });
  }
  const ours = names.filter((entry) => entry.endsWith('.tf.json')).sort();
  const texts = await inBatches(ours, (name) =>
    readFile(path.join(dir, name), 'utf8').catch((error: unknown) => {
      throw new WriteError(`cannot read ${path.join(dir, name)}: ${messageOf(error)}`, { cause: error });
    }),
  );
  return new Map(ours.map((name, index) => [name, { ours: isOurs(texts[index]!), text: texts[index]! }]));
}

/** A file robo wrote: a JSON object whose "//" is robo's marker. */
function isOurs(text: string): boolean {
  try {
    const root = JSON.parse(text) as unknown;
    return typeof root === 'object' && root !== null && (root as Record<string, unknown>)['//'] === MARKER;
  } catch {
    return false;
  }
}
