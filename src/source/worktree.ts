/**
 * A cached clone's working tree: its HEAD and whether anyone touched it, in
 * one `git status`, and making it exactly one commit again. Used by a checkout
 * (source.ts) and by shared tasks restoring the accepted commit (trust.ts).
 */
import { gitStatus, runGit } from '../system/git.js';

export interface WorktreeState {
  /** The commit checked out; undefined before the first checkout (an interrupted clone). */
  head: string | undefined;
  /** Tracked files changed in the cache by someone. */
  modified: boolean;
  /** Files in the cache that git does not track (ignored ones included). */
  untracked: boolean;
}

/**
 * One git call instead of reset and clean each time: a run that finds the
 * clone as it was skips both (simple-git adds a fixed 50 ms wait to a
 * command that prints nothing, as a clean with nothing to remove does).
 */
export async function worktreeState(dir: string, env: NodeJS.ProcessEnv): Promise<WorktreeState> {
  const { head, entries } = await gitStatus(dir, env, ['--untracked-files=all', '--ignored']);
  return {
    head,
    modified: entries.some((line) => /^[12u] /.test(line)),
    untracked: entries.some((line) => line.startsWith('? ') || line.startsWith('! ')),
  };
}

/** Make the working tree exactly `commit`: hard reset, and remove whatever git does not track. */
export async function moveTo(dir: string, env: NodeJS.ProcessEnv, commit: string, state: WorktreeState): Promise<void> {
  if (commit !== state.head || state.modified) await runGit(dir, env, ['reset', '--hard', commit]);
  if (state.untracked) await runGit(dir, env, ['clean', '-fdx']);
}
