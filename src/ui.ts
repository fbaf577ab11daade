/**
 * What a person sees: every line robo prints goes through a Reporter (eslint
 * enforces it), so --quiet, --verbose, --json and colour are decided in one
 * place. Much of it comes from others (team files, git's stderr, the user's
 * config), so every character a terminal acts on is made visible (visible()).
 */

export interface ReporterOptions {
  quiet: boolean;
  verbose: boolean;
  env: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export interface Reporter {
  readonly verbose: boolean;
  readonly quiet: boolean;
  success(message: string): void;
  info(message: string): void;
  /** Only with --verbose. */
  detail(message: string): void;
  warn(message: string, details?: readonly string[]): void;
  /** A warning --quiet and --json do not hide (a result that may be stale): then its message alone, one line on stderr. */
  warnAlways(message: string, details?: readonly string[]): void;
  error(message: string, details?: readonly string[]): void;
  /**
   * Plain text to stdout (listings, help); shown even with --quiet.
   * `paint` picks a colour for each line (the --dry-run diff).
   */
  print(text: string, paint?: (line: string) => Color | undefined): void;
  /** Like print, for text with spans marked by styled() (robo.yml's output templates): coloured, or plain. */
  printStyled(text: string): void;
  /**
   * The one JSON document of a --json run, to stdout; shown even with --quiet.
   * A second call is a bug (a script reading stdout would get two documents): it throws.
   */
  json(value: unknown): void;
  /** Whether json() has printed the run's document: an error after it must not print another. */
  readonly printedJson: boolean;
  /** The one status line on stderr, redrawn in place (git progress); undefined clears it. */
  status(line: string | undefined): void;
  /** With --verbose, the stack of an error, to stderr. */
  stack(error: unknown): void;
}

/** The colours robo uses (chalk's when colour is on); all but dim are tj/robo's helpers for robo.yml's output templates. */
const COLORS = ['green', 'red', 'yellow', 'blue', 'cyan', 'magenta', 'black', 'white', 'dim'] as const;
export type Color = (typeof COLORS)[number];
export type Colors = Record<Color, (text: string) => string>;
type StyleColor = Exclude<Color, 'dim'>;
const STYLE_COLORS = new Set<string>(COLORS.filter((color) => color !== 'dim'));

// Private-use characters around a span: they survive visible(), so colour is added after the text is made safe.
const SPAN_START = '\ue000';
const SPAN_COLOR_END = '\ue001';
const SPAN_END = '\ue002';
const SPAN = /\ue000(\w+)\ue001([^\ue000\ue002]*)\ue002/g;
const SPAN_MARKS = /[\ue000-\ue002]/g;
/** Spans nested deeper than this print plain. */
const MAX_SPAN_NESTING = 8;

/** `text` marked to be printed in `color` by Reporter.printStyled. */
export function styled(color: string, text: string): string {
  return `${SPAN_START}${color}${SPAN_COLOR_END}${text}${SPAN_END}`;
}

/** Marked spans in colour (innermost first), then any mark left over dropped. */
function paintSpans(text: string, colors: Colors): string {
  let painted = text;
  for (let pass = 0; pass < MAX_SPAN_NESTING && painted.includes(SPAN_START); pass++)
    painted = painted.replace(SPAN, (_, color: string, inner: string) =>
      STYLE_COLORS.has(color) ? colors[color as StyleColor](inner) : inner,
    );
  return painted.replace(SPAN_MARKS, '');
}

/**
 * Characters a terminal acts on instead of showing: the C0 controls (ESC, CR,
 * BS), DEL, the C1 controls (U+009B and U+009D are CSI and OSC to some
 * terminals) and the bidi controls behind "Trojan Source". Newline and tab
 * stay: robo's layout uses newlines, and a tab only moves the cursor right.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Text with every unsafe character written as an escape: ESC as `\x1b`, U+009B as `\u009b`, U+202E as `\u202e`. */
export function visible(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON.stringify's text with the C1, bidi and DEL characters it leaves raw
 * escaped too, so `jq -r` cannot print them to a terminal: still the same values.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const PLAIN = Object.fromEntries(COLORS.map((color) => [color, (text: string) => text])) as Colors;

/**
 * Colour as chalk finds it for robo's stdout or stderr, never with NO_COLOR
 * (no-color.org; chalk 5 does not read it). A stream handed in is no terminal:
 * colour there only with FORCE_COLOR, as chalk decides. Always 16 colours.
 */
export async function colorsFor(
  fd: 1 | 2,
  injected: NodeJS.WriteStream | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Colors> {
  if (env.NO_COLOR) return PLAIN;
  const { Chalk, supportsColor, supportsColorStderr } = await import('chalk');
  const found = injected
    ? env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
    : Boolean(fd === 1 ? supportsColor : supportsColorStderr);
  return found ? new Chalk({ level: 1 }) : PLAIN;
}

export async function createReporter(options: ReporterOptions): Promise<Reporter> {
  // Streams are looked up when used: setting up process.stderr costs a few ms, and most runs print nothing there.
  const stdout = () => options.stdout ?? process.stdout;
  const stderr = () => options.stderr ?? process.stderr;
  const [out, err] = await Promise.all([
    colorsFor(1, options.stdout, options.env),
    colorsFor(2, options.stderr, options.env),
  ]);
  // Made visible first, coloured after: robo's own escapes are the only ones that reach the terminal.
  const lines = (stream: () => NodeJS.WriteStream, first: string, details: readonly string[] = []) => {
    stream().write([first, ...details.map((line) => `    ${visible(line)}`)].join('\n') + '\n');
  };
  let printedJson = false;
  return {
    verbose: options.verbose,
    quiet: options.quiet,
    success: (message) => options.quiet || lines(stdout, `${out.green('✔')} : ${visible(message)}`),
    info: (message) => options.quiet || lines(stdout, `${out.blue('ℹ')} : ${visible(message)}`),
    detail: (message) => options.verbose && lines(stderr, err.dim(`· ${visible(message)}`)),
    warn: (message, details) => options.quiet || lines(stderr, `${err.yellow('⚠')} : ${visible(message)}`, details),
    warnAlways: (message, details) =>
      lines(stderr, `${err.yellow('⚠')} : ${visible(message)}`, options.quiet ? [] : details),
    error: (message, details) => lines(stderr, `${err.red('✖')} : ${visible(message)}`, details),
    print: (text, paint) => {
      const colored = (line: string) => {
        const color = paint?.(line);
        return color ? out[color](visible(line)) : visible(line);
      };
      const shown = text.split('\n').map(colored).join('\n');
      stdout().write(shown.endsWith('\n') ? shown : `${shown}\n`);
    },
    printStyled: (text) => {
      const shown = paintSpans(visible(text), out);
      stdout().write(shown.endsWith('\n') ? shown : `${shown}\n`);
    },
    json: (value) => {
      if (printedJson) throw new Error('a second JSON document for one --json run; robo prints one');
      printedJson = true;
      stdout().write(`${jsonText(value)}\n`);
    },
    get printedJson() {
      return printedJson;
    },
    status: (line) => stderr().write(line === undefined ? '\r\x1b[2K' : `\r\x1b[2K${visible(line)}`),
    stack: (error) => {
      if (options.verbose && error instanceof Error && error.stack) stderr().write(`${visible(error.stack)}\n`);
    },
  };
}

/** Questions to a person at a terminal (robo onboard's team), one line per answer. */
export interface LinePrompt {
  /** The next line typed, or undefined at end of input (Ctrl-D). */
  ask(question: string): Promise<string | undefined>;
  close(): void;
}

/**
 * One readline for the whole dialogue: lines typed ahead (or pasted) are
 * queued for the next question instead of being lost between questions.
 */
export function createLinePrompt(): LinePrompt {
  // Fetched on first use: start-up does not load node:readline.
  const { createInterface } = process.getBuiltinModule('node:readline');
  const lines = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: Boolean(process.stdin.isTTY),
  });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    ask: async (question) => {
      process.stdout.write(visible(question));
      const next = await iterator.next();
      return next.done ? undefined : String(next.value);
    },
    close: () => lines.close(),
  };
}
