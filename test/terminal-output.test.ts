/* eslint-disable no-control-regex -- these tests are about control characters */
/**
 * What reaches the terminal: visible() and jsonText() as tables, and the
 * Reporter with and without colour, fed text that holds escapes.
 */
import { describe, expect, it } from 'vitest';
import { createReporter, jsonText, visible } from '../src/ui.js';

describe('visible', () => {
  it.each([
    ['ESC (every escape sequence)', '\x1b]0;title\x07', '\\x1b]0;title\\x07'],
    ['NUL', 'a\x00b', 'a\\x00b'],
    ['BEL', '\x07', '\\x07'],
    ['BS (overwrites what was shown)', 'ok\b\bno', 'ok\\x08\\x08no'],
    ['CR (overwrites the line)', 'safe\rpwned', 'safe\\x0dpwned'],
    ['VT and FF', '\x0b\x0c', '\\x0b\\x0c'],
    ['the last C0 control, US', '\x1f', '\\x1f'],
    ['DEL', '\x7f', '\\x7f'],
    ['C1 CSI (8-bit ESC [)', '\u009b2J', '\\u009b2J'],
    ['C1 OSC and ST', '\u009d52;c;aGk=\u009c', '\\u009d52;c;aGk=\\u009c'],
    ['the first C1 control', '\u0080', '\\u0080'],
    ['the last C1 control', '\u009f', '\\u009f'],
    ['bidi embeddings and overrides', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['bidi isolates', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['OSC 52 (writes the clipboard)', '\x1b]52;c;cm0gLXJmIH4=\x1b\\', '\\x1b]52;c;cm0gLXJmIH4=\\x1b\\'],
  ])('%s', (_name, text, shown) => {
    expect(visible(text)).toBe(shown);
  });

  it.each([
    ['plain ASCII', 'Your aws config was successfully updated (team platform, 7 profiles in ~/.aws/config).'],
    ['newlines and tabs robo and the user lay text out with', 'line one\n\tindented\nline three\n'],
    ['Latin-1 letters and signs (just above the C1 range)', '\u00a0µ é ñ ß ÿ £'],
    ['the micro signs of Go durations', '1µs 1μs'],
    ['other scripts', 'Ελληνικά русский 日本語 עברית العربية'],
    ['emoji, astral and joined', '🎉 👩‍💻 🇸🇪'],
    ["robo's own symbols", '✔ ℹ ⚠ ✖ · – …'],
    ['characters around the bidi ranges', '\u2029\u202f\u2065\u206a'],
    ['text that already looks escaped', '\\x1b and \\u202e'],
  ])('leaves %s alone', (_name, text) => {
    expect(visible(text)).toBe(text);
  });

  it('is idempotent: visible text stays as it is', () => {
    const once = visible('\x1b[2J\u009b\u202e\r');
    expect(visible(once)).toBe(once);
  });
});

describe('jsonText', () => {
  const value = {
    ok: false,
    name: 'x\x1b]0;t\x07\u009b2J\u202e\u2066\x7f µ 🎉',
    nested: ['\u0085', { '\u202ekey': 1 }],
  };

  it('is valid JSON with the same value', () => {
    expect(JSON.parse(jsonText(value))).toEqual(value);
  });

  it('leaves no raw control, C1 or bidi character for jq -r to print', () => {
    expect(jsonText(value)).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(jsonText(value)).toContain('\\u009b2J\\u202e\\u2066\\u007f µ 🎉');
  });

  it('is JSON.stringify(value, null, 2) when nothing needs escaping', () => {
    const plain = { ok: true, tasks: [{ name: 'aws.config', summary: 'µ é 🎉' }] };
    expect(jsonText(plain)).toBe(JSON.stringify(plain, null, 2));
  });
});

/** A stream that keeps what is written, as a terminal or not. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

const HOSTILE = 'team \x1b]0;pwned\x07\x1b[2J\u009b2J\u202eevil';
const SHOWN = 'team \\x1b]0;pwned\\x07\\x1b[2J\\u009b2J\\u202eevil';
/** Any character a terminal acts on, except newline. */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
/** The SGR colour codes chalk writes at level 1. */
const SGR = /\x1b\[\d+m/g;

describe('Reporter', () => {
  async function reporterFor(env: NodeJS.ProcessEnv, verbose = true) {
    const out = capture(false);
    const err = capture(false);
    const reporter = await createReporter({ quiet: false, verbose, env, stdout: out.stream, stderr: err.stream });
    return { reporter, out, err };
  }

  async function everyKind(env: NodeJS.ProcessEnv) {
    const { reporter, out, err } = await reporterFor(env);
    reporter.success(HOSTILE);
    reporter.info(HOSTILE);
    reporter.detail(HOSTILE);
    reporter.warn(HOSTILE, [HOSTILE]);
    reporter.error(HOSTILE, [HOSTILE]);
    reporter.print(HOSTILE);
    reporter.print(`+${HOSTILE}\n-${HOSTILE}\n ${HOSTILE}`, (line) =>
      line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : undefined,
    );
    reporter.json({ name: HOSTILE });
    reporter.stack(new Error(HOSTILE));
    return { out: out.text(), err: err.text() };
  }

  it('without colour, prints every kind of line with its escapes made visible', async () => {
    const { out, err } = await everyKind({ NO_COLOR: '1' });
    for (const text of [out, err]) expect(text).not.toMatch(RAW_CONTROL);
    expect(out).toContain(`✔ : ${SHOWN}\n`);
    expect(out).toContain(`+${SHOWN}\n-${SHOWN}\n ${SHOWN}\n`);
    expect(err).toContain(`⚠ : ${SHOWN}\n    ${SHOWN}\n`);
    expect(err).toContain(`Error: ${SHOWN}\n    at `);
    expect(JSON.parse(out.slice(out.indexOf('{')))).toEqual({ name: HOSTILE });
  });

  it("with colour, colours the visible text: robo's colour codes are the only escapes left", async () => {
    const { out, err } = await everyKind({ FORCE_COLOR: '1' });
    for (const text of [out, err]) {
      expect(text).toMatch(SGR);
      expect(text.replace(SGR, '')).not.toMatch(RAW_CONTROL);
    }
    expect(out).toContain(`\x1b[32m✔\x1b[39m : ${SHOWN}\n`);
    expect(out).toContain(`\x1b[32m+${SHOWN}\x1b[39m\n\x1b[31m-${SHOWN}\x1b[39m\n ${SHOWN}\n`);
    expect(err).toContain(`\x1b[33m⚠\x1b[39m : ${SHOWN}\n    ${SHOWN}\n`);
    expect(err).toContain(`\x1b[2m· ${SHOWN}\x1b[22m`);
  });

  it("the status line keeps robo's own line control and shows the rest", async () => {
    const { reporter, err } = await reporterFor({});
    reporter.status(`  git: ${HOSTILE} 50%`);
    reporter.status(undefined);
    expect(err.text()).toBe(`\r\x1b[2K  git: ${SHOWN} 50%\r\x1b[2K`);
  });
});
