/**
 * robo.yml's variables as tj/robo gets them from Go's yaml.v2, which reads YAML 1.1 (`no`, `off` are false,
 * `yes`, `on` true, `010` is 8, `1_000` 1000): robo parses YAML 1.2 for lines and structure, then reads the
 * plain scalars of `variables` again by yaml.v2's rules (its resolve.go). Quoted and block scalars stay text.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
/** yaml.v2's infinities and NaN: `.inf`, `-.Inf`, `+.INF`, `.nan`, `.NaN`… */
const INFINITY = /^([-+]?)\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;
/** Go's strconv.ParseInt(s, 0, 64) forms: 0x hex, 0o or a leading 0 octal, 0b binary, else decimal. */
const GO_INT = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]?([0-7]+)|0[bB]([01]+)|([1-9][0-9]*|0))$/;
/** yaml.v2's yamlStyleFloat. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64 = 2n ** 63n;

/** A plain scalar's value as yaml.v2 resolves it. */
export function plainScalar(text: string): unknown {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (NULL.has(text)) return null;
  const infinity = INFINITY.exec(text);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  if (NAN.test(text)) return NaN;
  if (!/^[-+.0-9]/.test(text)) return text;
  const plain = text.replaceAll('_', '');
  const int = GO_INT.exec(plain);
  if (int) {
    const [, sign, hex, octal, binary, decimal] = int;
    const digits =
      hex !== undefined
        ? `0x${hex}`
        : octal !== undefined
          ? `0o${octal}`
          : binary !== undefined
            ? `0b${binary}`
            : decimal!;
    const value = BigInt(digits) * (sign === '-' ? -1n : 1n);
    if (value >= -INT64 && value < INT64) return Number(value);
  }
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return text;
}

/** The variables map node as plain data, its plain scalars read as yaml.v2 reads them. */
export function yamlV2Value(node: Node | null): unknown {
  if (isMap(node)) {
    const map: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const name = isScalar(key) ? (key.source ?? String(key.value)) : String(key);
      map[name] = yamlV2Value(pair.value as Node | null);
    }
    return map;
  }
  if (isSeq(node)) return node.items.map((item) => yamlV2Value(item as Node | null));
  if (isScalar(node)) {
    // source: the text as written (a plain 010 is 10 to YAML 1.2 already); a scalar robo made has none.
    const written = node.source ?? (typeof node.value === 'string' ? node.value : undefined);
    return node.type === 'PLAIN' && written !== undefined ? plainScalar(written) : node.value;
  }
  return node === null ? null : node.toJSON();
}
