/**
 * One --json run, one JSON document: the Reporter refuses a second one, and
 * an error after a task printed its document goes to stderr as text, not as
 * a second document.
 */
import { describe, expect, it } from 'vitest';
import { reportErrorAsJson } from '../src/cli/cli.js';
import { DefinitionsError } from '../src/errors.js';
import { createReporter } from '../src/ui.js';

function capture() {
  const chunks: string[] = [];
  const stream = { isTTY: false, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

async function jsonReporter() {
  const out = capture();
  const err = capture();
  const reporter = await createReporter({
    quiet: true,
    verbose: false,
    env: { NO_COLOR: '1' },
    stdout: out.stream,
    stderr: err.stream,
  });
  return { reporter, out, err };
}

describe('one --json run, one document', () => {
  it('the Reporter prints one document, says it did, and throws on a second without printing it', async () => {
    const { reporter, out } = await jsonReporter();
    expect(reporter.printedJson).toBe(false);
    reporter.json({ ok: false, n: 1 });
    expect(reporter.printedJson).toBe(true);
    expect(() => reporter.json({ ok: false, n: 2 })).toThrow('a second JSON document');
    expect(JSON.parse(out.text())).toEqual({ ok: false, n: 1 });
  });

  it('an error before any document is the document', async () => {
    const { reporter, out, err } = await jsonReporter();
    expect(reportErrorAsJson(new DefinitionsError('broken', ['a: /: b']), reporter)).toBe(3);
    expect(JSON.parse(out.text())).toEqual({
      ok: false,
      error: { message: 'broken', details: ['a: /: b'], exitCode: 3 },
    });
    expect(err.text()).toBe('');
  });

  it('an error after the document goes to stderr as text, with its exit code', async () => {
    const { reporter, out, err } = await jsonReporter();
    reporter.json({ ok: false, task: 'x' });
    expect(reportErrorAsJson(new DefinitionsError('broken', ['a: /: b']), reporter)).toBe(3);
    expect(JSON.parse(out.text())).toEqual({ ok: false, task: 'x' });
    expect(err.text()).toBe('✖ : broken\n    a: /: b\n');
  });
});
