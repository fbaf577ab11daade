/**
 * What a person sees. Every line robo prints goes through a Reporter, so
 * --quiet, --verbose and colour are decided in one place. Results and
 * successes go to stdout; warnings and errors to stderr.
 */
import { Chalk, type ChalkInstance } from 'chalk';

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
  error(message: string, details?: readonly string[]): void;
  /** Plain text to stdout (listings, help); shown even with --quiet. */
  print(text: string): void;
  readonly color: ChalkInstance;
}

/** No colour unless the stream is a terminal, and never with NO_COLOR set (no-color.org). */
export function colorFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): ChalkInstance {
  if (env.NO_COLOR) return new Chalk({ level: 0 });
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return new Chalk({ level: 1 });
  return new Chalk({ level: stream.isTTY ? 1 : 0 });
}

export function createReporter(options: ReporterOptions): Reporter {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const out = colorFor(stdout, options.env);
  const err = colorFor(stderr, options.env);
  const lines = (stream: NodeJS.WriteStream, first: string, details: readonly string[] = []) => {
    stream.write([first, ...details.map((line) => `    ${line}`)].join('\n') + '\n');
  };
  return {
    verbose: options.verbose,
    quiet: options.quiet,
    color: out,
    success: (message) => options.quiet || lines(stdout, `${out.green('✔')} : ${message}`),
    info: (message) => options.quiet || lines(stdout, `${out.blue('ℹ')} : ${message}`),
    detail: (message) => options.verbose && lines(stderr, err.dim(`· ${message}`)),
    warn: (message, details) => options.quiet || lines(stderr, `${err.yellow('⚠')} : ${message}`, details),
    error: (message, details) => lines(stderr, `${err.red('✖')} : ${message}`, details),
    print: (text) => stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
