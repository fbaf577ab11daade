/** `robo status`: which team, which source, which commit, what the config holds. Local files only: no network. */
import type { Status } from '../status.js';
import { age } from './format.js';
import { tilde } from '../paths.js';
import type { BuiltinTask } from './types.js';

interface StatusArgs {
  team: string | undefined;
}

export const statusTask: BuiltinTask<StatusArgs> = {
  name: 'status',
  aliases: [],
  summary:
    'Show your team (and where it came from), the dotfiles source, its cached commit and what your AWS config holds; no network',
  usage:
    "robo status [--team TEAM]\n\nReads only local files (robo's settings, the cached clone, your AWS config) and prints: your team and where it came from " +
    "(--team, $SEGMENT_TEAM, the settings' [user] team, or the team robo's block in the config was written for), the source, " +
    "the commit of the cached clone, when the config was last written, and the profiles of robo's block. robo doctor checks more, and may use the network.",
  options: {
    team: { type: 'string', describe: 'The team to report as chosen (as for aws.config)' },
  },
  examples: [['robo status --json', 'the same, as one JSON object']],
  async run(args, context) {
    const { readStatus } = await import('../status.js');
    const status = await readStatus({ team: args.team, env: context.env, cwd: context.cwd });
    if (context.json) context.reporter.json({ ok: true, task: 'status', ...statusJson(status) });
    else context.reporter.print(statusLines(status, context.env).join('\n'));
  },
};

export function statusLines(status: Status, env: NodeJS.ProcessEnv, now = new Date()): string[] {
  const { team, source, cache, config } = status;
  const { spec } = source;
  const lines = [
    `team:     ${team.team ?? '(none: pass --team TEAM, or run robo onboard)'}${team.team ? `  (from ${team.teamOrigin})` : ''}`,
  ];
  lines.push(
    `source:   ${spec.kind === 'git' ? spec.url : source.description}${spec.kind === 'git' ? `  (ref ${spec.ref ?? 'the remote HEAD'})` : ''}`,
  );
  if (spec.kind === 'git') {
    lines.push(
      cache
        ? `commit:   ${cache.commit.slice(0, 12)} of the cached clone, committed ${age(cache.commitDate, now)} ago (${cache.commitDate.toISOString()})`
        : 'commit:   no cached clone yet (robo aws.config makes it)',
    );
  }
  const where = tilde(config.path, env);
  if (!config.exists) {
    lines.push(`config:   ${where} does not exist`);
    return lines;
  }
  const when = config.modified
    ? `last written ${age(config.modified, now)} ago (${config.modified.toISOString()}, the file's mtime)`
    : '';
  lines.push(`config:   ${where}, ${when}`);
  const { block } = config;
  if (block.kind === 'none') lines.push('block:    none: robo has not written this config (robo aws.config does)');
  else if (block.kind === 'broken')
    lines.push(`block:    damaged: ${block.reason} at line ${block.lines.join(', ')} (robo doctor says how to fix it)`);
  else
    lines.push(
      `block:    team ${block.team ?? '(unknown)'}, ${block.profiles.length} profile(s): ${block.profiles.join(', ')}`,
    );
  return lines;
}

export function statusJson(status: Status) {
  const { team, source, cache, config } = status;
  const { spec } = source;
  const { block } = config;
  return {
    team: team.team ?? null,
    teamOrigin: team.origin ?? null,
    source: {
      kind: spec.kind,
      location: spec.kind === 'git' ? spec.url : spec.dir,
      ref: spec.kind === 'git' ? (spec.ref ?? null) : null,
      origin: spec.origin,
    },
    cache: cache ? { dir: cache.dir, commit: cache.commit, commitDate: cache.commitDate.toISOString() } : null,
    config: {
      path: config.path,
      exists: config.exists,
      lastWritten: config.modified?.toISOString() ?? null,
      lastWrittenFrom: config.modified ? 'mtime' : null,
      block:
        block.kind === 'found'
          ? { team: block.team ?? null, profiles: block.profiles }
          : block.kind === 'broken'
            ? { broken: block.reason, lines: block.lines }
            : null,
    },
  };
}
