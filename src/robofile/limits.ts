/**
 * The limits robo.yml is held to, checked without recursion before the YAML parser (which recurses once per
 * open collection) sees it. Why each: CONTRIBUTING.md, "robo.yml against hostile input".
 */
import { CST, Lexer, isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { RoboFileProblem } from './parse.js';

/**
 * Deepest nesting robo.yml may have (a task needs three levels): flow collections are counted, block ones
 * bounded by how far right a line's content may start (each block level sits further right, or is a "- ").
 */
export const MAX_DEPTH = 32;
/** Rightmost column (0-based) where a line's block content may start: 32 levels at two spaces each. */
export const MAX_COLUMN = 2 * MAX_DEPTH;
/** robo.yml files are a few KiB; the YAML parser is slow on a large file in error. */
export const MAX_BYTES = 64 * 1024;

/**
 * Flow collections nested deeper than MAX_DEPTH, or block content further
 * right than MAX_COLUMN, from the YAML lexer's tokens (the lexer does not
 * recurse; the parser does). A block scalar or a multi-line scalar is one
 * token, so a deeply indented script under "|" is fine.
 */
export function nestingProblem(text: string): RoboFileProblem | undefined {
  let line = 1;
  let column = 0;
  let flow = 0;
  let lineStart = true;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      line += 1;
      column = 0;
      lineStart = true;
      continue;
    }
    // The lexer's own markers are not text: no column.
    if (token === CST.DOCUMENT || token === CST.SCALAR || token === CST.FLOW_END) {
      if (token === CST.FLOW_END) flow = 0;
      continue;
    }
    if (flow === 0 && lineStart && type !== 'comment' && column > MAX_COLUMN) {
      return {
        line,
        message: `content starts at column ${column + 1}: robo.yml may nest at most ${MAX_DEPTH} levels, indented at most ${MAX_COLUMN} columns`,
      };
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      flow += 1;
      if (flow > MAX_DEPTH)
        return { line, message: `nested more than ${MAX_DEPTH} levels deep: robo.yml may nest at most ${MAX_DEPTH}` };
    } else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flow > 0) flow -= 1;
    if (!LINE_PREFIX.has(type ?? '')) lineStart = false;
    const newline = token.lastIndexOf('\n');
    if (newline === -1) column += token.length;
    else {
      line += token.split('\n').length - 1;
      column = token.length - newline - 1;
    }
  }
  return undefined;
}

/** Tokens that may come before a line's content, where a nested block collection can start. */
const LINE_PREFIX = new Set([
  'space',
  'seq-item-ind',
  'explicit-key-ind',
  'map-value-ind',
  'anchor',
  'tag',
  'byte-order-mark',
]);

/**
 * A node nested deeper than MAX_DEPTH, or a key given twice in one map,
 * found without recursion (the walks after this one recurse). YAML keeps
 * one of two equal keys, so a reader of the file could see one task while
 * robo runs the other.
 */
export function shapeProblem(root: Node): { node: Node | Pair; message: string } | undefined {
  const stack: Array<[Node | null | undefined, number]> = [[root, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_DEPTH)
      return { node, message: `nested more than ${MAX_DEPTH} levels deep: robo.yml may nest at most ${MAX_DEPTH}` };
    const keys = new Set<unknown>();
    for (const item of node.items as Array<Node | Pair | null>) {
      if (!isPair(item)) {
        stack.push([item, depth + 1]);
        continue;
      }
      const key = isScalar(item.key) ? item.key.value : item.key;
      if (keys.has(key))
        return { node: item, message: `YAML: Map keys must be unique (${JSON.stringify(String(key))} is given twice)` };
      keys.add(key);
      stack.push([item.key as Node | null, depth + 1], [item.value as Node | null, depth + 1]);
    }
  }
  return undefined;
}
