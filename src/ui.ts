/**
 * What a person sees. Every line robo prints goes through a Reporter, so
 * --quiet, --verbose and colour are decided in one place. Results and
 * successes go to stdout; warnings and errors to stderr.
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
  /** Plain text to stdout (listings, help); shown even with --quiet. */
  print(text: string): void;
  readonly color: Colors;
}

/** The colours robo uses; chalk's when colour is on. */
export interface Colors {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
}

const same = (text: string) => text;
const PLAIN: Colors = { green: same, red: same, yellow: same, blue: same, cyan: same, dim: same };

/**
 * No colour unless the stream is a terminal, and never with NO_COLOR set
 * (no-color.org). chalk is loaded only for colour: its start-up (it probes
 * the terminal) costs a few ms that nightly and scripted runs need not pay.
 */
export async function colorsFor(stream: () => NodeJS.WriteStream, env: NodeJS.ProcessEnv): Promise<Colors> {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR || !(forced || stream().isTTY)) return PLAIN;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

export async function createReporter(options: ReporterOptions): Promise<Reporter> {
  // Streams are looked up when used: setting up process.stderr costs a few ms, and most runs print nothing there.
  const stdout = () => options.stdout ?? process.stdout;
  const stderr = () => options.stderr ?? process.stderr;
  const [out, err] = await Promise.all([colorsFor(stdout, options.env), colorsFor(stderr, options.env)]);
  const lines = (stream: () => NodeJS.WriteStream, first: string, details: readonly string[] = []) => {
    stream().write([first, ...details.map((line) => `    ${line}`)].join('\n') + '\n');
  };
  return {
    verbose: options.verbose,
    quiet: options.quiet,
    color: out,
    success: (message) => options.quiet || lines(stdout, `${out.green('✔')} : ${message}`),
    info: (message) => options.quiet || lines(stdout, `${out.blue('ℹ')} : ${message}`),
    detail: (message) => options.verbose && lines(stderr, err.dim(`· ${message}`)),
    warn: (message, details) => options.quiet || lines(stderr, `${err.yellow('⚠')} : ${message}`, details),
    warnAlways: (message, details) => lines(stderr, `${err.yellow('⚠')} : ${message}`, options.quiet ? [] : details),
    error: (message, details) => lines(stderr, `${err.red('✖')} : ${message}`, details),
    print: (text) => stdout().write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
