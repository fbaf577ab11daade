/**
 * The status line a person sees while git talks to the dotfiles remote:
 * "contacting <source>…" once git has waited about a second (a remote that
 * answers at once shows nothing), then git's progress, cleared when git is
 * done. On a terminal only: logs and timers get clean output.
 */
import type { GitProgressEvent, RemoteListener } from '../system/git.js';
import { isTerminal } from '../system/terminal.js';
import type { Reporter } from '../ui.js';
import type { TaskContext } from './types.js';

/** How long git waits for the remote before the line says so. */
export const CONTACTING_DELAY_MS = 1000;

export interface RemoteLine {
  /** undefined when nothing is shown: git need not tell anyone. */
  listener: RemoteListener | undefined;
  /** Clear the line if it is showing (the run ended, by an error too). */
  clear: () => void;
}

/** The line for a task: shown when stderr is a terminal, without --quiet or --json. */
export function remoteLineFor(context: TaskContext): RemoteLine {
  return remoteLine(context.reporter, isTerminal(2) && !context.reporter.quiet && !context.json);
}

/** `delayMs`: how long before "contacting…" shows (tests pass 0, or a long time). */
export function remoteLine(
  reporter: Pick<Reporter, 'status'>,
  shown: boolean,
  delayMs = CONTACTING_DELAY_MS,
): RemoteLine {
  let showing = false;
  let waiting: NodeJS.Timeout | undefined;
  const show = (line: string) => {
    showing = true;
    reporter.status(line);
  };
  const clear = () => {
    clearTimeout(waiting);
    waiting = undefined;
    if (showing) reporter.status(undefined);
    showing = false;
  };
  if (!shown) return { listener: undefined, clear };
  return {
    listener: {
      contacting: (remote: string) => {
        clearTimeout(waiting);
        // unref: a line that has not shown yet never keeps robo running.
        waiting = setTimeout(() => show(`contacting ${remote}…`), delayMs).unref();
      },
      progress: ({ stage, progress }: GitProgressEvent) => {
        clearTimeout(waiting);
        show(`  git: ${stage} ${progress}%`);
      },
      done: clear,
    },
    clear,
  };
}
