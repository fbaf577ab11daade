/**
 * Go's text/template, the part robo.yml uses, parsed to a tree (go-template-exec.ts runs it): tj/robo hands
 * every string to text/template, and no npm port is kept up. What it lacks (define, template, block, break,
 * continue, unknown functions) is a parse error, never text passed to a shell. Nesting is bounded.
 */

export class TemplateError extends Error {
  override name = 'TemplateError';
  /** 1-based line inside the template text. */
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Control structures and parentheses nested deeper than this are refused. */
export const MAX_NESTING = 50;

export type Operand =
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'dot' }
  | { kind: 'function'; name: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'pipe'; pipe: Pipeline; path: string[] };

export interface Command {
  args: Operand[];
}

export interface Pipeline {
  /** Variables declared (`$x :=`) or assigned (`$x =`) with the result. */
  declare: string[];
  assign: boolean;
  commands: Command[];
  /** The action as written, for messages. */
  source: string;
  line: number;
}

export type TemplateNode = { kind: 'text'; text: string } | { kind: 'action'; pipe: Pipeline } | ControlNode;

/** {{if}}, {{with}} or {{range}}: its body, and the {{else}} branch (an `else if` is an if inside it). */
export interface ControlNode {
  kind: 'if' | 'with' | 'range';
  pipe: Pipeline;
  list: TemplateNode[];
  otherwise: TemplateNode[];
}

export interface Template {
  nodes: TemplateNode[];
}

type Token =
  /** `chained`: right after a field, variable or `)`, with no space: `.a.b`, `$x.y`, `(…).z`. */
  | { kind: 'field'; name: string; chained: boolean }
  | { kind: 'variable'; name: string }
  | { kind: 'dot' | 'pipe' | 'open' | 'close' | 'comma' | 'declare' | 'assign' }
  | { kind: 'word'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string };

interface Action {
  tokens: Token[];
  source: string;
  line: number;
}

type Item = { kind: 'text'; text: string } | { kind: 'action'; action: Action };

/** tj/robo's colour helpers: printf-style, their output coloured. */
export const COLORS = new Set(['cyan', 'magenta', 'yellow', 'green', 'blue', 'red', 'black', 'white']);
/** Functions a robo.yml template may call: Go's built-ins and the colour helpers. */
const FUNCTIONS = new Set([
  ...['and', 'or', 'not', 'len', 'index', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'],
  ...COLORS,
]);

const UNSUPPORTED = new Set(['define', 'template', 'block', 'break', 'continue']);

export function parseTemplate(text: string): Template {
  const items = lexTemplate(text);
  const parser = new Parser(items);
  const nodes = parser.list(0, ['$']);
  return { nodes };
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;
const isSpace = (char: string | undefined) => char === ' ' || char === '\t' || char === '\n' || char === '\r';

/** Text and actions, trim markers applied, comments dropped. */
function lexTemplate(text: string): Item[] {
  const items: Item[] = [];
  let at = 0;
  let trimNext = false;
  while (at <= text.length) {
    const open = text.indexOf('{{', at);
    let chunk = open === -1 ? text.slice(at) : text.slice(at, open);
    if (trimNext) chunk = chunk.replace(/^[ \t\r\n]+/, '');
    const trimLeft = open !== -1 && text[open + 2] === '-' && isSpace(text[open + 3]);
    if (trimLeft) chunk = chunk.replace(/[ \t\r\n]+$/, '');
    if (chunk) items.push({ kind: 'text', text: chunk });
    if (open === -1) break;
    const line = lineAt(text, open);
    let inner = open + 2 + (trimLeft ? 2 : 0);
    while (isSpace(text[inner])) inner += 1;
    if (text.startsWith('/*', inner)) {
      const close = text.indexOf('*/', inner + 2);
      if (close === -1) throw new TemplateError('unclosed comment', line);
      const rest = /^( -)?\}\}/.exec(text.slice(close + 2));
      if (!rest) throw new TemplateError('comment ends before closing delimiter', line);
      trimNext = rest[1] !== undefined;
      at = close + 2 + rest[0].length;
      continue;
    }
    const lexed = lexAction(text, inner, line);
    items.push({ kind: 'action', action: { tokens: lexed.tokens, source: text.slice(open, lexed.end), line } });
    trimNext = lexed.trim;
    at = lexed.end;
  }
  return items;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
/** A field name may have inner hyphens (`.my-var`), which Go refuses: robo accepted them before it read Go's syntax. */
const FIELD = /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/y;
const NUMBER = /[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/y;

function lexAction(text: string, start: number, line: number): { tokens: Token[]; end: number; trim: boolean } {
  const tokens: Token[] = [];
  let at = start;
  const word = (from: number, pattern = WORD): string => {
    pattern.lastIndex = from;
    return pattern.exec(text)?.[0] ?? '';
  };
  for (;;) {
    while (isSpace(text[at])) {
      if (text.startsWith('-}}', at + 1)) return { tokens, end: at + 4, trim: true };
      at += 1;
    }
    const char = text[at];
    if (char === undefined) throw new TemplateError('unclosed action', line);
    if (text.startsWith('}}', at)) return { tokens, end: at + 2, trim: false };
    if (char === '|') tokens.push({ kind: 'pipe' });
    else if (char === '(') tokens.push({ kind: 'open' });
    else if (char === ')') tokens.push({ kind: 'close' });
    else if (char === ',') tokens.push({ kind: 'comma' });
    else if (text.startsWith(':=', at)) {
      tokens.push({ kind: 'declare' });
      at += 1;
    } else if (char === '=') tokens.push({ kind: 'assign' });
    else if (char === '"' || char === '`') {
      const end = char === '`' ? text.indexOf('`', at + 1) : quotedEnd(text, at);
      if (end === -1) throw new TemplateError(`unterminated ${char === '`' ? 'raw ' : ''}quoted string`, line);
      const body = text.slice(at + 1, end);
      tokens.push({ kind: 'string', value: char === '`' ? body : unquote(text.slice(at, end + 1), line) });
      at = end;
    } else if (char === '$') {
      const name = word(at + 1);
      tokens.push({ kind: 'variable', name: `$${name}` });
      at += name.length;
    } else if (char === '.' && !/\d/.test(text[at + 1] ?? '')) {
      const name = word(at + 1, FIELD);
      const previous = tokens.at(-1)?.kind;
      const chained =
        !isSpace(text[at - 1]) && (previous === 'field' || previous === 'variable' || previous === 'close');
      tokens.push(name ? { kind: 'field', name, chained } : { kind: 'dot' });
      at += name.length;
    } else if (/[\d.+-]/.test(char)) {
      NUMBER.lastIndex = at;
      const match = NUMBER.exec(text)?.[0];
      const value = match === undefined ? NaN : Number(match.replaceAll('_', '').replace(/^(-?)0[oO]/, '$10o'));
      if (match === undefined || Number.isNaN(value) || /[A-Za-z0-9_.]/.test(text[at + match.length] ?? ''))
        throw new TemplateError(`bad number syntax: ${text.slice(at, at + 20).split(/[\s}]/)[0]}`, line);
      tokens.push({ kind: 'number', value, text: match });
      at += match.length - 1;
    } else if (char === "'") {
      const match = /^'(\\.|[^\\'])'/u.exec(text.slice(at));
      if (!match) throw new TemplateError('unterminated character constant', line);
      tokens.push({ kind: 'number', value: unquote(`"${match[1]!}"`, line).codePointAt(0)!, text: match[0] });
      at += match[0].length - 1;
    } else if (/[A-Za-z_]/.test(char)) {
      const name = word(at);
      tokens.push({ kind: 'word', name });
      at += name.length - 1;
    } else throw new TemplateError(`unexpected ${JSON.stringify(char)} in action`, line);
    at += 1;
  }
}

function quotedEnd(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at++) {
    if (text[at] === '\\') at += 1;
    else if (text[at] === '"') return at;
    else if (text[at] === '\n') return -1;
  }
  return -1;
}

/** A Go interpreted string literal; JSON's escapes are a subset, the rest are rewritten to them. */
function unquote(literal: string, line: number): string {
  const json = literal.replace(/\\(x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8}|[abfv']|[0-7]{3})/g, (_, escape: string) => {
    const code =
      escape[0] === 'x' || escape[0] === 'U'
        ? parseInt(escape.slice(1), 16)
        : /^[0-7]/.test(escape)
          ? parseInt(escape, 8)
          : ({ a: 7, b: 8, f: 12, v: 11, "'": 39 } as Record<string, number>)[escape]!;
    return code > 0xffff ? String.fromCodePoint(code) : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  try {
    return JSON.parse(json) as string;
  } catch {
    throw new TemplateError(`bad string literal ${literal}`, line);
  }
}

class Parser {
  private at = 0;
  constructor(private readonly items: Item[]) {}

  /** Nodes up to an {{ else }} or {{ end }} (left for the caller), or the end when depth is 0. */
  list(depth: number, scope: string[]): TemplateNode[] {
    if (depth > MAX_NESTING) throw new TemplateError(`nested more than ${MAX_NESTING} levels deep`, this.currentLine());
    const nodes: TemplateNode[] = [];
    for (; this.at < this.items.length; this.at++) {
      const item = this.items[this.at]!;
      if (item.kind === 'text') {
        nodes.push(item);
        continue;
      }
      const { action } = item;
      const first = action.tokens[0];
      const keyword = first?.kind === 'word' ? first.name : undefined;
      if (keyword === 'end' || keyword === 'else') {
        if (depth === 0) throw new TemplateError(`unexpected {{${keyword}}}`, action.line);
        return nodes;
      }
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        nodes.push(this.control(keyword, action, action.tokens.slice(1), depth, scope));
        continue;
      }
      if (keyword && UNSUPPORTED.has(keyword))
        throw new TemplateError(`{{${keyword}}} is not supported in robo.yml templates`, action.line);
      nodes.push({ kind: 'action', pipe: this.pipeline(action, action.tokens, scope, false, depth) });
    }
    return nodes; // at depth > 0 the caller reports the missing {{end}}
  }

  private currentLine(): number {
    for (let at = Math.min(this.at, this.items.length - 1); at >= 0; at--) {
      const item = this.items[at]!;
      if (item.kind === 'action') return item.action.line;
    }
    return 1;
  }

  /** if/with/range PIPELINE ... [else [if|with PIPELINE] ...] end; the `else if` chain nests. */
  private control(
    kind: 'if' | 'with' | 'range',
    action: Action,
    tokens: Token[],
    depth: number,
    outer: string[],
  ): TemplateNode {
    const scope = [...outer];
    const pipe = this.pipeline(action, tokens, scope, kind === 'range', depth);
    this.at += 1;
    // Variables declared in the pipeline reach the {{else}} branches too; those of the body do not.
    const list = this.list(depth + 1, [...scope]);
    const closing = (this.items[this.at] as { action: Action } | undefined)?.action;
    if (!closing) throw new TemplateError(`unexpected EOF: {{${kind}}} has no {{end}}`, action.line);
    const word = (closing.tokens[0] as { name: string }).name;
    let otherwise: TemplateNode[] = [];
    if (word === 'else') {
      const chained = closing.tokens[1];
      if (chained?.kind === 'word' && (chained.name === 'if' || chained.name === 'with')) {
        // {{else if X}} is {{else}}{{if X}}...{{end}}, sharing the outer {{end}}.
        otherwise = [this.control(chained.name, closing, closing.tokens.slice(2), depth + 1, scope)];
        return { kind, pipe, list, otherwise };
      }
      if (closing.tokens.length > 1) throw new TemplateError('unexpected tokens after {{else}}', closing.line);
      this.at += 1;
      otherwise = this.list(depth + 1, [...scope]);
      const end = (this.items[this.at] as { action: Action } | undefined)?.action;
      if (!end) throw new TemplateError(`unexpected EOF: {{${kind}}} has no {{end}}`, action.line);
      if ((end.tokens[0] as { name: string }).name !== 'end')
        throw new TemplateError(`expected {{end}} after {{else}}`, end.line);
      if (end.tokens.length > 1) throw new TemplateError('unexpected tokens after {{end}}', end.line);
    } else if (closing.tokens.length > 1) throw new TemplateError('unexpected tokens after {{end}}', closing.line);
    return { kind, pipe, list, otherwise };
  }

  private pipeline(action: Action, tokens: Token[], scope: string[], range: boolean, depth: number): Pipeline {
    const fail = (message: string): never => {
      throw new TemplateError(`template ${action.source}: ${message}`, action.line);
    };
    const declare: string[] = [];
    let assign = false;
    // $x := …, $x = …, and in range $k, $v := …
    const head = tokens.findIndex((token) => token.kind === 'declare' || token.kind === 'assign');
    let rest = tokens;
    if (head > 0 && tokens.slice(0, head).every((token) => token.kind === 'variable' || token.kind === 'comma')) {
      const names = tokens
        .slice(0, head)
        .filter((token) => token.kind === 'variable')
        .map((token) => token.name);
      if (names.length > (range ? 2 : 1) || head !== names.length * 2 - 1) fail('too many declarations');
      assign = tokens[head]!.kind === 'assign';
      for (const name of names) {
        if (assign && !scope.includes(name)) fail(`undefined variable "${name}"`);
        if (name === '$') fail('cannot declare $');
      }
      if (!assign) scope.push(...names);
      declare.push(...names);
      rest = tokens.slice(head + 1);
    }
    const stream = { tokens: rest, at: 0 };
    const pipe = this.commands(stream, action, scope, depth, fail);
    if (stream.at < rest.length) fail(`unexpected ${describe(rest[stream.at]!)}`);
    return { ...pipe, declare, assign };
  }

  private commands(
    stream: { tokens: Token[]; at: number },
    action: Action,
    scope: string[],
    depth: number,
    fail: (message: string) => never,
  ): Pipeline {
    if (depth > MAX_NESTING) fail(`nested more than ${MAX_NESTING} levels deep`);
    const commands: Command[] = [];
    for (;;) {
      const args: Operand[] = [];
      for (
        let token = stream.tokens[stream.at];
        token && token.kind !== 'pipe' && token.kind !== 'close';
        token = stream.tokens[stream.at]
      )
        args.push(this.operand(stream, action, scope, depth, fail));
      if (args.length === 0) fail('missing value for command');
      const first = args[0]!;
      if (first.kind === 'literal' && first.value === null) fail('nil is not a command');
      commands.push({ args });
      if (stream.tokens[stream.at]?.kind !== 'pipe') break;
      stream.at += 1;
    }
    return { declare: [], assign: false, commands, source: action.source, line: action.line };
  }

  private operand(
    stream: { tokens: Token[]; at: number },
    action: Action,
    scope: string[],
    depth: number,
    fail: (message: string) => never,
  ): Operand {
    const token = stream.tokens[stream.at++]!;
    const chain = (): string[] => {
      const path: string[] = [];
      for (
        let next = stream.tokens[stream.at];
        next?.kind === 'field' && next.chained;
        next = stream.tokens[++stream.at]
      )
        path.push(next.name);
      return path;
    };
    switch (token.kind) {
      case 'field':
        return { kind: 'field', path: [token.name, ...chain()] };
      case 'variable':
        if (!scope.includes(token.name)) fail(`undefined variable "${token.name}"`);
        return { kind: 'variable', name: token.name, path: chain() };
      case 'dot':
        return { kind: 'dot' };
      case 'string':
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'open': {
        const pipe = this.commands(stream, action, scope, depth + 1, fail);
        if (stream.tokens[stream.at]?.kind !== 'close') fail('unclosed left paren');
        stream.at += 1;
        return { kind: 'pipe', pipe, path: chain() };
      }
      case 'word':
        if (token.name === 'true' || token.name === 'false') return { kind: 'literal', value: token.name === 'true' };
        if (token.name === 'nil') return { kind: 'literal', value: null };
        if (UNSUPPORTED.has(token.name) || ['if', 'else', 'end', 'range', 'with'].includes(token.name))
          fail(`unexpected ${token.name}`);
        if (!FUNCTIONS.has(token.name))
          fail(`function "${token.name}" not defined (robo.yml templates have: ${[...FUNCTIONS].join(', ')})`);
        return { kind: 'function', name: token.name };
      default:
        return fail(`unexpected ${describe(token)}`);
    }
  }
}

const SYMBOLS: Partial<Record<Token['kind'], string>> = {
  dot: '.',
  pipe: '|',
  open: '(',
  close: ')',
  comma: ',',
  declare: ':=',
  assign: '=',
};

function describe(token: Token): string {
  const symbol = SYMBOLS[token.kind];
  return symbol ? `"${symbol}"` : token.kind;
}
