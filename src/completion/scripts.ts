/**
 * `robo completion [bash|zsh|fish]`: the script a shell loads once. It only hands the words to
 * `robo __complete SHELL -- WORDS...` (protocol.ts), where what to complete is decided and tested.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function isShell(name: string | undefined): name is Shell {
  return (SHELLS as readonly string[]).includes(name ?? '');
}

// bash 3.2 and later (macOS ships 3.2): no mapfile, associative arrays, compopt, ${x,,} or negative indexes.
// Without compopt, `-o filenames` is set for every answer: readline then quotes names and puts / after a folder.
const BASH = `# robo completion for bash 3.2 and later. Load it from ~/.bashrc (or ~/.bash_profile):
#   eval "$(robo completion bash)"
_robo_complete() {
  local cur reply line
  cur=\${COMP_WORDS[COMP_CWORD]}
  # bash splits --team=x and a:b at = and :; robo joins them and answers for the part after.
  case $cur in
    = | :) cur= ;;
  esac
  reply=$(robo __complete bash -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  case $reply in
    :files) reply=$(compgen -f -- "$cur") ;;
    :directories) reply=$(compgen -d -- "$cur") ;;
  esac
  COMPREPLY=()
  while IFS= read -r line; do
    if [ -n "$line" ]; then COMPREPLY[\${#COMPREPLY[@]}]=$line; fi
  done <<ROBO_COMPLETIONS
$reply
ROBO_COMPLETIONS
  return 0
}
complete -o filenames -F _robo_complete robo
`;

const ZSH = `#compdef robo
# robo completion for zsh. Load it from ~/.zshrc, after compinit:
#   eval "$(robo completion zsh)"
# or save it as _robo in a folder of your $fpath.
_robo() {
  local -a reply
  reply=("\${(@f)$(robo __complete zsh -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  case $reply[1] in
    (:files|:directories)
      # --config=FILE: complete the name after the =
      [[ $PREFIX == --*=* ]] && compset -P 1 '*='
      if [[ $reply[1] == :files ]]; then _files; else _files -/; fi
      return
      ;;
  esac
  reply=(\${reply:#})
  (( $#reply )) || return 1
  _describe -t robo robo reply
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _robo "$@"
else
  compdef _robo robo
fi
`;

const FISH = `# robo completion for fish. Load it from ~/.config/fish/config.fish:
#   robo completion fish | source
# or save it as ~/.config/fish/completions/robo.fish
function __robo_complete
    set -l token (commandline -ct)
    set -l reply (robo __complete fish -- (commandline -opc)[2..-1] $token 2>/dev/null)
    switch "$reply[1]"
        case :files :directories
            # --config=FILE: complete the name after the =
            set -l prefix (string match -r -- '^--[^=]*=' $token); or set prefix ''
            set -l name (string replace -r -- '^--[^=]*=' '' $token)
            if test "$reply[1]" = :files
                printf '%s\\n' $prefix(__fish_complete_path $name)
            else
                printf '%s\\n' $prefix(__fish_complete_directories $name)
            end
        case '*'
            printf '%s\\n' $reply
    end
end
complete -c robo -f -a '(__robo_complete)'
`;

const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH };

/** The script for `shell`, or without one for the shell $SHELL names. */
export function completionScript(shell: string | undefined, env: NodeJS.ProcessEnv): string {
  if (shell !== undefined) {
    if (!isShell(shell)) throw new UsageError(`robo completion ${shell}: the shells are ${SHELLS.join(', ')}`);
    return SCRIPTS[shell];
  }
  const fromEnv = path.basename(env.SHELL ?? '');
  if (!isShell(fromEnv)) {
    throw new UsageError(
      `robo completion: ${env.SHELL ? `$SHELL is ${env.SHELL}, not bash, zsh or fish` : '$SHELL is not set'}; name the shell: robo completion bash|zsh|fish`,
    );
  }
  return SCRIPTS[fromEnv];
}
