/**
 * Strict JSON for definition files: jsonc-parser's scanner gives every error a
 * position and sees duplicate keys (JSON.parse keeps the last one silently),
 * then JSON.parse builds the value. Nesting is limited first: everything after
 * recurses, and deep "[" once crashed every run without naming the file.
 */
import {
  createScanner,
  findNodeAtLocation,
  parseTree,
  printParseErrorCode,
  visit,
  type JSONPath,
  type ParseErrorCode,
} from 'jsonc-parser';
import { pointerSegment } from '../validate/problems.js';

/** Deepest nesting of arrays and objects robo reads: far above any real file, far below what a recursive walk cannot take. */
export const MAX_DEPTH = 32;

export type JsonResult =
  { ok: true; value: unknown } | { ok: false; problems: Array<{ pointer: string; message: string }> };

export function parseStrictJson(text: string): JsonResult {
  const deep = tooDeep(text);
  if (deep !== undefined) {
    const { line, column } = positions(text)(deep);
    return {
      ok: false,
      problems: [
        {
          pointer: '',
          message: `nested more than ${MAX_DEPTH} levels deep at line ${line}, column ${column}: robo refuses deeper files`,
        },
      ],
    };
  }
  const problems: Array<{ pointer: string; message: string }> = [];
  // Keys seen so far in each open object, innermost last.
  const objects: Array<Set<string>> = [];
  let syntaxError = false;
  visit(
    text,
    {
      onObjectBegin: () => {
        objects.push(new Set());
      },
      onObjectEnd: () => {
        objects.pop();
      },
      onObjectProperty: (
        property: string,
        _offset: number,
        _length: number,
        line: number,
        column: number,
        pathSupplier: () => JSONPath,
      ) => {
        const keys = objects[objects.length - 1];
        if (!keys) return;
        if (keys.has(property)) {
          problems.push({
            pointer: toPointer([...pathSupplier(), property]),
            message: `duplicate key at line ${line + 1}, column ${column + 1}: JSON keeps only the last value, so robo refuses the file`,
          });
        }
        keys.add(property);
      },
      onError: (error: ParseErrorCode, offset: number) => {
        if (syntaxError) return; // the first error is the useful one; the rest follow from it
        syntaxError = true;
        const { line, column } = positions(text)(offset);
        problems.push({
          pointer: '',
          message: `invalid JSON at line ${line}, column ${column}: ${describeError(error)}`,
        });
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (problems.length > 0)
    return { ok: false, problems: syntaxError ? problems.filter((problem) => problem.pointer === '') : problems };
  return { ok: true, value: JSON.parse(text) as unknown };
}

// jsonc-parser's SyntaxKind is a const enum, which isolatedModules cannot read: its documented values.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/**
 * The offset of the first "[" or "{" nested deeper than MAX_DEPTH, found
 * with jsonc-parser's own scanner (iterative), so strings and comments are
 * skipped exactly as its parser skips them. A closer pops only the opener it
 * matches: the parser ends an array only at "]" and an object only at "}"
 * (it skips a stray closer and goes on, so "[},[},..." nests as deep as
 * "[[..."), and this count never falls below the parser's.
 */
function tooDeep(text: string): number | undefined {
  const scanner = createScanner(text, true);
  const open: number[] = [];
  for (let token = scanner.scan() as number; token !== EOF; token = scanner.scan() as number) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (open.push(token) > MAX_DEPTH) return scanner.getTokenOffset();
    } else if (
      (token === CLOSE_BRACE && open.at(-1) === OPEN_BRACE) ||
      (token === CLOSE_BRACKET && open.at(-1) === OPEN_BRACKET)
    )
      open.pop();
  }
  return undefined;
}

function toPointer(path: JSONPath): string {
  return path.map((segment) => `/${pointerSegment(segment)}`).join('');
}

/** "CloseBraceExpected" → "close brace expected". */
function describeError(code: ParseErrorCode): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** The 1-based line and column of an offset in `text` (lines end at \n), by binary search over where they start. */
function positions(text: string): (offset: number) => { line: number; column: number } {
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}

/**
 * Each problem at the line its pointer points at in its file (`textOf`: the file's text), for FILE:LINE;
 * each file's text parsed once, and only when a problem in it is asked about.
 */
export function withLines(
  textOf: (file: string) => string | undefined,
): <P extends { file: string; pointer?: string }>(problem: P) => P & { line?: number } {
  const finders = new Map<string, (pointer: string) => number | undefined>();
  return (problem) => {
    let find = finders.get(problem.file);
    if (!find) finders.set(problem.file, (find = pointerLines(textOf(problem.file) ?? '')));
    const line = problem.pointer === undefined ? undefined : find(problem.pointer);
    return line === undefined ? problem : { ...problem, line };
  };
}

/**
 * The line a JSON pointer points at in `text` (1-based), for tools that want
 * FILE:LINE (a CI annotation). Undefined for the whole document ("") and for
 * a place the text does not have: a syntax error carries its line in its
 * message, and a missing key is reported at the object that lacks it.
 * The text is parsed once, however many pointers are asked about.
 */
export function pointerLines(text: string): (pointer: string) => number | undefined {
  // parseTree recurses: a file nested too deep has no lines to find (its one problem has no pointer).
  const tree =
    tooDeep(text) === undefined
      ? parseTree(text, [], { disallowComments: true, allowTrailingComma: false })
      : undefined;
  const position = positions(text);
  return (pointer) => {
    if (pointer === '' || !tree) return undefined;
    let node = tree;
    for (const raw of pointer.slice(1).split('/')) {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      // jsonc-parser takes numbers for array indexes, and a pointer's segments are text.
      const next = findNodeAtLocation(node, [
        node.type === 'array' && /^\d+$/.test(segment) ? Number(segment) : segment,
      ]);
      if (!next) return undefined;
      node = next;
    }
    return position(node.offset).line;
  };
}
