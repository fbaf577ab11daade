/**
 * A parsed Go template (go-template.ts) run on data as text/template with missingkey=error: a missing field,
 * or printing nil, is an error rather than `<no value>` in a shell command. Values are read by property
 * access, so a getter computes lazily. A step budget and an output cap bound every run.
 */
import { formatValue, goType, isMap, sprint, sprintf, sprintln } from './go-format.js';
import {
  COLORS,
  TemplateError,
  type Command,
  type ControlNode,
  type Operand,
  type Pipeline,
  type Template,
  type TemplateNode,
} from './go-template.js';
import { byCodePoints } from '../order.js';

/** Output a template may produce. */
export const MAX_OUTPUT = 1024 * 1024;
/** Nodes and commands a template may evaluate in one run. */
export const MAX_STEPS = 1_000_000;

export interface ExecOptions {
  /** The colour helpers (cyan, red...): format and args in, text out. */
  colors?: (name: string, text: string) => string;
  /** What a missing key is called in messages: "variable" for robo.yml's variables. */
  noun?: string;
}

interface Scope {
  names: string[];
  values: unknown[];
}

export function executeTemplate(template: Template, data: unknown, options: ExecOptions = {}): string {
  const run = new Execution(options);
  run.list(template.nodes, data, { names: ['$'], values: [data] });
  return run.out;
}

class Execution {
  out = '';
  private steps = 0;
  constructor(private readonly options: ExecOptions) {}

  private step(pipe: Pipeline): void {
    if (++this.steps > MAX_STEPS)
      throw new TemplateError(`${pipe.source}: the template does more than ${MAX_STEPS} steps`, pipe.line);
  }

  private write(text: string, pipe: Pipeline | undefined): void {
    this.out += text;
    if (this.out.length > MAX_OUTPUT)
      throw new TemplateError(`the template's output is over ${MAX_OUTPUT} characters`, pipe?.line ?? 1);
  }

  list(nodes: TemplateNode[], dot: unknown, scope: Scope): void {
    for (const node of nodes) {
      if (node.kind === 'text') {
        this.write(node.text, undefined);
        continue;
      }
      this.step(node.pipe);
      const mark = scope.names.length;
      if (node.kind === 'action') {
        const value = this.pipeline(node.pipe, dot, scope);
        if (node.pipe.declare.length === 0) {
          if (value === null || value === undefined)
            throw new TemplateError(`template ${node.pipe.source} gives no value (nil)`, node.pipe.line);
          this.write(formatValue(value), node.pipe);
        }
        continue;
      }
      if (node.kind === 'range') this.range(node, dot, scope);
      else {
        const value = this.pipeline(node.pipe, dot, scope);
        if (truth(value)) this.list(node.list, node.kind === 'with' ? value : dot, scope);
        else this.list(node.otherwise, dot, scope);
      }
      scope.names.length = mark;
      scope.values.length = mark;
    }
  }

  private range(node: ControlNode, dot: unknown, scope: Scope): void {
    const { pipe } = node;
    const declared = pipe.declare;
    const value = this.pipeline({ ...pipe, declare: [] }, dot, scope);
    let entries: Array<[unknown, unknown]>;
    if (Array.isArray(value)) entries = value.map((item, index) => [index, item]);
    else if (isMap(value))
      entries = Object.keys(value)
        .sort(byCodePoints)
        .map((key) => [key, value[key]]);
    else if (value === null || value === undefined) entries = [];
    else throw new TemplateError(`template ${pipe.source}: range can't iterate over ${formatValue(value)}`, pipe.line);
    if (entries.length === 0) return this.list(node.otherwise, dot, scope);
    const mark = scope.names.length;
    for (const [key, item] of entries) {
      this.step(pipe);
      if (declared.length === 1) this.bind(scope, declared[0]!, item);
      else if (declared.length === 2) {
        this.bind(scope, declared[0]!, key);
        this.bind(scope, declared[1]!, item);
      }
      this.list(node.list, item, scope);
      scope.names.length = mark;
      scope.values.length = mark;
    }
  }

  private bind(scope: Scope, name: string, value: unknown): void {
    scope.names.push(name);
    scope.values.push(value);
  }

  private pipeline(pipe: Pipeline, dot: unknown, scope: Scope): unknown {
    let value: unknown;
    let hasFinal = false;
    for (const command of pipe.commands) {
      this.step(pipe);
      value = this.command(command, dot, scope, pipe, hasFinal ? [value] : []);
      hasFinal = true;
    }
    for (const name of pipe.declare) {
      if (pipe.assign) scope.values[scope.names.lastIndexOf(name)] = value;
      else this.bind(scope, name, value);
    }
    return value;
  }

  private command(command: Command, dot: unknown, scope: Scope, pipe: Pipeline, final: unknown[]): unknown {
    const [first, ...rest] = command.args as [Operand, ...Operand[]];
    if (first.kind === 'function') return this.call(first.name, rest, final, dot, scope, pipe);
    if (rest.length > 0 || final.length > 0)
      this.fail(pipe, `can't give an argument to a non-function ${describeOperand(first)}`);
    return this.operand(first, dot, scope, pipe);
  }

  private operand(operand: Operand, dot: unknown, scope: Scope, pipe: Pipeline): unknown {
    switch (operand.kind) {
      case 'dot':
        return dot;
      case 'literal':
        return operand.value;
      case 'field':
        return this.fields(dot, operand, pipe);
      case 'variable':
        return this.fields(scope.values[scope.names.lastIndexOf(operand.name)], operand, pipe);
      case 'pipe':
        return this.fields(this.pipeline(operand.pipe, dot, scope), operand, pipe);
      case 'function':
        return this.call(operand.name, [], [], dot, scope, pipe);
    }
  }

  /** `.a.b` on a value: each step a key of a map, as missingkey=error. */
  private fields(value: unknown, operand: Operand & { path: string[] }, pipe: Pipeline): unknown {
    const written = operand.kind === 'pipe' ? `(...).${operand.path.join('.')}` : describeOperand(operand);
    let node = value;
    for (const key of operand.path) {
      if (isMap(node)) {
        if (!Object.hasOwn(node, key)) {
          const name = written.replace(/^\./, '');
          throw new TemplateError(
            `template ${pipe.source} names an undefined ${this.options.noun ?? 'field'} ${name}`,
            pipe.line,
          );
        }
        node = node[key];
      } else if (node === null || node === undefined) this.fail(pipe, `nil pointer evaluating ${key} of ${written}`);
      else this.fail(pipe, `can't evaluate field ${key} in type ${goType(node)}`);
    }
    return node;
  }

  private fail(pipe: Pipeline, message: string): never {
    throw new TemplateError(`template ${pipe.source}: ${message}`, pipe.line);
  }

  private call(name: string, args: Operand[], final: unknown[], dot: unknown, scope: Scope, pipe: Pipeline): unknown {
    const value = (operand: Operand) => this.operand(operand, dot, scope, pipe);
    const count = args.length + final.length;
    const want = (min: number, max = min) => {
      if (count < min || count > max)
        this.fail(pipe, `wrong number of args for ${name}: want ${min === max ? min : `at least ${min}`} got ${count}`);
    };
    // and, or: short-circuit, as Go 1.18 does; the result is the deciding argument itself.
    if (name === 'and' || name === 'or') {
      want(1, Infinity);
      let last: unknown;
      for (const arg of args) {
        last = value(arg);
        if (truth(last) === (name === 'or')) return last;
      }
      if (final.length > 0) last = final[0];
      return last;
    }
    const values = [...args.map(value), ...final];
    switch (name) {
      case 'not':
        want(1);
        return !truth(values[0]);
      case 'len': {
        want(1);
        const [item] = values;
        if (typeof item === 'string') return Buffer.byteLength(item);
        if (Array.isArray(item)) return item.length;
        if (isMap(item)) return Object.keys(item).length;
        return this.fail(pipe, `error calling len: len of type ${goType(item)}`);
      }
      case 'index':
        want(1, Infinity);
        return values.slice(1).reduce((item, key) => this.index(item, key, pipe), values[0]);
      case 'print':
        return this.bounded(sprint(values), pipe);
      case 'println':
        return this.bounded(sprintln(values), pipe);
      case 'printf':
        want(1, Infinity);
        return this.bounded(sprintf(this.format(name, values[0], pipe), values.slice(1)), pipe);
      case 'eq':
        want(2, Infinity);
        return values.slice(1).some((other) => this.compare(name, values[0], other, pipe) === 0);
      case 'ne':
        want(2);
        return this.compare(name, values[0], values[1], pipe) !== 0;
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        want(2);
        const order = this.compare(name, values[0], values[1], pipe, true);
        return { lt: order < 0, le: order <= 0, gt: order > 0, ge: order >= 0 }[name];
      }
    }
    if (COLORS.has(name)) {
      want(1, Infinity);
      const text = this.bounded(sprintf(this.format(name, values[0], pipe), values.slice(1)), pipe);
      return this.options.colors ? this.options.colors(name, text) : text;
    }
    return this.fail(pipe, `function "${name}" not defined`);
  }

  /** Text a function made, refused past the output cap: nested printf calls double it at each level. */
  private bounded(text: string, pipe: Pipeline): string {
    if (text.length > MAX_OUTPUT)
      throw new TemplateError(`template ${pipe.source}: makes text over ${MAX_OUTPUT} characters`, pipe.line);
    return text;
  }

  private format(name: string, value: unknown, pipe: Pipeline): string {
    if (typeof value !== 'string')
      this.fail(pipe, `error calling ${name}: the format is ${goType(value)}, not a string`);
    return value;
  }

  private index(item: unknown, key: unknown, pipe: Pipeline): unknown {
    if (Array.isArray(item) || typeof item === 'string') {
      if (typeof key !== 'number' || !Number.isInteger(key))
        this.fail(pipe, `error calling index: cannot index slice/array with type ${goType(key)}`);
      if (key < 0 || key >= (typeof item === 'string' ? Buffer.byteLength(item) : item.length))
        this.fail(pipe, `error calling index: index out of range: ${key}`);
      return typeof item === 'string' ? Buffer.from(item)[key] : item[key];
    }
    if (isMap(item)) {
      if (typeof key !== 'string')
        this.fail(pipe, `error calling index: value has type ${goType(key)}; should be string`);
      return Object.hasOwn(item, key) ? item[key] : null;
    }
    return this.fail(pipe, `error calling index: can't index item of type ${goType(item)}`);
  }

  /** -1, 0, 1; Go compares only basic values of one kind, and orders only strings and numbers. */
  private compare(name: string, a: unknown, b: unknown, pipe: Pipeline, ordered = false): number {
    const basic = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value) || value === null;
    if (!basic(a) || !basic(b))
      this.fail(pipe, `error calling ${name}: non-comparable type ${goType(basic(a) ? b : a)}`);
    if (!ordered && (a === null || b === null)) return a === b ? 0 : 1;
    if (typeof a !== typeof b || a === null || b === null)
      this.fail(pipe, `error calling ${name}: incompatible types for comparison`);
    if (ordered && typeof a === 'boolean') this.fail(pipe, `error calling ${name}: invalid type for comparison`);
    return (a as string | number) < (b as string | number) ? -1 : a === b ? 0 : 1;
  }
}

/** Go's truth: false, 0, nil, and an empty string, list or map are false. */
export function truth(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

function describeOperand(operand: Operand): string {
  switch (operand.kind) {
    case 'field':
      return `.${operand.path.join('.')}`;
    case 'variable':
      return [operand.name, ...operand.path].join('.');
    case 'literal':
      return formatValue(operand.value);
    default:
      return operand.kind;
  }
}
