/**
 * YAML anchors, aliases and merge keys in robo.yml, resolved as Go's yaml.v2 reads them (`<<: [*x, *y]` adds
 * the keys the map does not give, earlier maps first), into a tree of the parser's own nodes, lines kept, that
 * parse.ts reads as if it were written out. The tree is measured as it is built: an alias bomb is refused.
 */
import {
  Pair,
  YAMLMap,
  YAMLSeq,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Alias,
  type Node,
  type ParsedNode,
} from 'yaml';

/** Nodes the resolved tree may hold: a 64 KiB robo.yml written out has well under this many. */
export const MAX_NODES = 50_000;

export interface AliasProblem {
  /** Where to point: the alias or merge key at fault. */
  node: Node | Pair;
  message: string;
}

interface Resolved {
  node: Node | null;
  /** Nodes in the tree it stands for, aliases written out. */
  size: number;
  /** Levels of collections in it (a scalar: 0). */
  height: number;
}

/** `root` with aliases and merge keys resolved, or why it cannot be. `maxDepth`: the nesting parse.ts allows. */
export function resolveAliases(root: Node, maxDepth: number): { root: ParsedNode } | { problem: AliasProblem } {
  const targets = aliasTargets(root);
  const done = new Map<Node, Resolved>();
  const open = new Set<Node>();

  const resolve = (node: Node | null): Resolved => {
    if (node === null) return { node: null, size: 1, height: 0 };
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) throw new Refusal(node, `alias *${node.source} names no anchor before it`);
      if (open.has(target)) throw new Refusal(node, `alias *${node.source} is inside the node it names (a cycle)`);
      return resolve(target);
    }
    const known = done.get(node);
    if (known) return known;
    let result: Resolved;
    open.add(node);
    if (isSeq(node)) result = resolveSeq(node);
    else if (isMap(node)) result = resolveMap(node);
    else result = { node, size: 1, height: 0 };
    open.delete(node);
    if (result.size > MAX_NODES)
      throw new Refusal(node, `aliases expand it to more than ${MAX_NODES} nodes: robo.yml may hold at most that many`);
    if (result.height > maxDepth)
      throw new Refusal(
        node,
        `aliases nest it more than ${maxDepth} levels deep: robo.yml may nest at most ${maxDepth}`,
      );
    done.set(node, result);
    if (result.node) done.set(result.node, result); // a merge reads the resolved copy's pairs again
    return result;
  };

  const resolveSeq = (seq: YAMLSeq): Resolved => {
    const copy = collection(new YAMLSeq(), seq);
    let size = 1;
    let height = 0;
    for (const item of seq.items as Array<Node | null>) {
      const resolved = resolve(item);
      copy.items.push(resolved.node);
      size += resolved.size;
      height = Math.max(height, resolved.height);
    }
    return { node: copy, size, height: height + 1 };
  };

  const resolveMap = (map: YAMLMap): Resolved => {
    const copy = collection(new YAMLMap(), map);
    const own = new Set(map.items.filter((pair) => !isMergeKey(pair.key)).map((pair) => keyOf(pair.key)));
    const taken = new Set<unknown>(own);
    let size = 1;
    let height = 0;
    const add = (key: Resolved, value: Resolved) => {
      copy.items.push(new Pair(key.node, value.node));
      size += key.size + value.size;
      height = Math.max(height, key.height, value.height);
    };
    for (const pair of map.items) {
      if (!isMergeKey(pair.key)) {
        add(resolve(pair.key as Node | null), resolve(pair.value as Node | null));
        continue;
      }
      // Each source map's pairs, already resolved; a key the map (or an earlier source) gives is skipped.
      for (const source of mergeSources(pair, resolve(pair.value as Node | null).node)) {
        for (const merged of source.items) {
          const key = keyOf(merged.key);
          if (taken.has(key)) continue;
          taken.add(key);
          add(resolve(merged.key as Node | null), resolve(merged.value as Node | null));
        }
      }
    }
    return { node: copy, size, height: height + 1 };
  };

  try {
    const resolved = resolve(root);
    // Parsed nodes, or copies of parsed collections that keep their range: what parse.ts reads.
    return { root: (resolved.node ?? root) as ParsedNode };
  } catch (error) {
    if (error instanceof Refusal) return { problem: { node: error.node, message: error.message } };
    throw error;
  }
}

class Refusal extends Error {
  constructor(
    readonly node: Node | Pair,
    message: string,
  ) {
    super(message);
  }
}

/** `<<` written plain (a quoted "<<" is an ordinary key, as in yaml.v2). */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === '<<' && (key.type === 'PLAIN' || key.type === undefined);
}

function keyOf(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/** A merge key's value, resolved: a map, or a list of maps (earliest first). */
function mergeSources(pair: Pair, value: Node | null): YAMLMap[] {
  const refuse = () => new Refusal(pair, 'YAML: a merge key (<<) takes a map or a list of maps');
  if (isMap(value)) return [value];
  if (!isSeq(value)) throw refuse();
  return (value.items as Array<Node | null>).map((item) => {
    if (!isMap(item)) throw refuse();
    return item;
  });
}

/** A new collection standing for `source`: its place in the file and its anchor (parse.ts reads both). */
function collection<T extends YAMLMap | YAMLSeq>(copy: T, source: YAMLMap | YAMLSeq): T {
  copy.range = source.range;
  copy.anchor = source.anchor;
  copy.flow = source.flow;
  return copy;
}

/**
 * Each alias's node: the last node before it with that anchor, in the
 * order the file is written (as Alias.resolve finds it, which walks the
 * whole document once per alias). An anchor counts from where its node
 * starts, so an alias inside its own anchored node finds that node.
 */
function aliasTargets(root: Node): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const stack: Array<Node | Pair | null | undefined> = [root];
  for (let item = stack.pop(); stack.length > 0 || item !== undefined; item = stack.pop()) {
    if (item === null || item === undefined) continue;
    if (isPair(item)) {
      stack.push(item.value as Node | null, item.key as Node | null);
      continue;
    }
    if (isAlias(item)) {
      const target = anchors.get(item.source);
      if (target) targets.set(item, target);
      continue;
    }
    if (item.anchor) anchors.set(item.anchor, item);
    if (isMap(item) || isSeq(item)) stack.push(...[...(item.items as Array<Node | Pair | null>)].reverse());
  }
  return targets;
}
