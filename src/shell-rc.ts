/**
 * The line `robo onboard` keeps in the shell's rc file (chosen from $SHELL)
 * so every new shell has $SEGMENT_TEAM, e.g.
 * `export SEGMENT_TEAM=platform  # added by robo onboard`; marked-lines.ts keeps the rest.
 */
import path from 'node:path';
import { readIfExists } from './system/fs.js';
import { WriteError, messageOf } from './errors.js';
import { rewriteMarked } from './marked-lines.js';
import { resolvePaths } from './paths.js';
import { writeAtomically } from './system/atomic-write.js';
import { resolveTarget } from './apply/target.js';

export const RC_MARKER = '# added by robo onboard';

export interface RcFile {
  file: string;
  fish: boolean;
}

/** zsh: ${ZDOTDIR:-~}/.zshrc; bash: ~/.bashrc; fish: its conf.d; any other shell: ~/.profile. Pure. */
export function rcFileFor(env: NodeJS.ProcessEnv): RcFile {
  const paths = resolvePaths(env);
  const shell = path.basename(env.SHELL ?? '');
  if (shell === 'zsh')
    return {
      file: path.join(env.ZDOTDIR && path.isAbsolute(env.ZDOTDIR) ? env.ZDOTDIR : paths.home, '.zshrc'),
      fish: false,
    };
  if (shell === 'bash') return { file: path.join(paths.home, '.bashrc'), fish: false };
  if (shell === 'fish') return { file: path.join(paths.configHome, 'fish', 'conf.d', 'robo.fish'), fish: true };
  return { file: path.join(paths.home, '.profile'), fish: false };
}

export function rcLine(team: string, fish: boolean): string {
  return fish ? `set -gx SEGMENT_TEAM ${team}  ${RC_MARKER}` : `export SEGMENT_TEAM=${team}  ${RC_MARKER}`;
}

/** rcLine read back: the team of robo's rc line, whichever shell wrote it. */
export function rcTeam(line: string | undefined): string | undefined {
  return line === undefined ? undefined : /SEGMENT_TEAM[= ]\s*([a-z0-9_-]+)/.exec(line)?.[1];
}

/**
 * Set robo's line in the rc file. Nothing is written when it is already
 * there; else the file is replaced at once, keeping its mode, and a symlinked
 * rc file (stow, chezmoi) keeps its link: the file it points to is written.
 */
export async function recordTeam(
  env: NodeJS.ProcessEnv,
  team: string,
): Promise<{ file: string; line: string; changed: boolean }> {
  const { file, fish } = rcFileFor(env);
  const line = rcLine(team, fish);
  const target = await resolveTarget(file);
  // latin1 both ways: every byte comes back as it was, valid UTF-8 or not.
  const text =
    (await readIfExists(
      target,
      'latin1',
      (error) => new WriteError(`cannot read ${file}: ${messageOf(error)}`, { cause: error }),
    )) ?? '';
  const next = rewriteMarked(text, RC_MARKER, line);
  if (next === text) return { file, line, changed: false };
  await writeAtomically(target, Buffer.from(next, 'latin1'), { mode: undefined, folderMode: 0o755 });
  return { file, line, changed: true };
}
