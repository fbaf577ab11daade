/**
 * The Go text/template engine robo.yml uses, as tables: template and data in,
 * text or error out. Expected values are what Go's text/template and fmt
 * print, from their documentation (pkg.go.dev/text/template,
 * pkg.go.dev/fmt); a comment names the rule where it is not obvious.
 */
import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT, MAX_STEPS, executeTemplate } from '../src/robofile/go-template-exec.js';
import { MAX_NESTING, TemplateError, parseTemplate } from '../src/robofile/go-template.js';
import { expand } from '../src/robofile/variables.js';
import { formatValue } from '../src/robofile/go-format.js';

const data = {
  a: 'A',
  'my-var': 'x',
  n: 3,
  t: true,
  f: false,
  zero: 0,
  empty: [],
  none: null,
  half: 0.5,
  big: 1234567.5,
  tiny: 0.00001,
  l: ['a', 'b', 'c'],
  m: { b: [1, 2], a: 1 },
  // Go orders keys by UTF-8 bytes: U+FF5E before U+1F600, which JS's `<` (UTF-16) puts first.
  wide: { '\u{1F600}': 'smile', '\uFF5E': 'tilde', z: 'z' },
  nested: { m: { x: null }, l: [1, 2] },
  user: { username: 'ann', home: '/home/ann', name: 'Ann' },
};

const run = (text: string, colors?: (name: string, text: string) => string) =>
  executeTemplate(parseTemplate(text), data, { colors, noun: 'variable' });

describe('Go templates: output', () => {
  it.each([
    ['text only', 'text only'],
    ['{{ .a }}', 'A'],
    ['{{.a}}-{{ .user.name }}', 'A-Ann'],
    // Trim markers: "{{- " eats the white space before, " -}}" the white space after.
    ['a  \n {{- .a -}} \n  b', 'aAb'],
    ['a {{ .a -}}\n\n b', 'a Ab'],
    // Comments print nothing; with trim markers they eat white space too.
    ['x{{/* a comment */}}y', 'xy'],
    ['x  {{- /* a comment */ -}}  y', 'xy'],
    // fmt's %v: a map as map[k:v] with keys sorted, a list as [a b c], nil inside them as <nil>.
    ['{{ .user }}', 'map[home:/home/ann name:Ann username:ann]'],
    ['{{ .l }}', '[a b c]'],
    ['{{ .m }}', 'map[a:1 b:[1 2]]'],
    ['{{ .nested }}', 'map[l:[1 2] m:map[x:<nil>]]'],
    ['{{ .t }} {{ .f }} {{ .n }}', 'true false 3'],
    // A float64 as %v (strconv 'g', shortest): an exponent < -4 or >= 6 is written with e.
    ['{{ .half }} {{ .big }} {{ .tiny }}', '0.5 1.2345675e+06 1e-05'],
    ['{{ $ }}', expect.stringMatching(/^map\[a:A big:1\.2345675e\+06 empty:\[\] f:false /)],
    ['{{ $x := .a }}{{ $x }}{{ $x }}', 'AA'],
    ['{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', '2'],
    ['{{ $u := .user }}{{ $u.username }}', 'ann'],
    // Not Go: robo accepted hyphens inside a name before it read Go's syntax, and keeps them.
    ['{{ index $ "my-var" }} {{ .my-var }} {{ .my-var | len }}', 'x x 1'],
    ['{{ range .l }}{{ . }},{{ end }}', 'a,b,c,'],
    ['{{ range $i, $v := .l }}{{ $i }}={{ $v }} {{ end }}', '0=a 1=b 2=c '],
    // A map is ranged in sorted key order.
    ['{{ range $k, $v := .user }}{{ $k }};{{ end }}', 'home;name;username;'],
    ['{{ range $v := .m }}{{ $v }};{{ end }}', '1;[1 2];'],
    ['{{ range $k, $v := .wide }}{{ $v }};{{ end }}', 'z;tilde;smile;'],
    ['{{ .wide }}', 'map[z:z \uFF5E:tilde \u{1F600}:smile]'],
    ['{{ range .empty }}x{{ else }}none{{ end }}', 'none'],
    ['{{ range .l }}{{ $.a }}{{ end }}', 'AAA'],
    ['{{ if .t }}yes{{ else }}no{{ end }}', 'yes'],
    ['{{ if .f }}1{{ else if .zero }}2{{ else if .l }}3{{ else }}4{{ end }}', '3'],
    // Truth as Go's: false, 0, nil and empty strings, lists and maps are false.
    ['{{ if or .f .zero .none .empty "" }}t{{ else }}f{{ end }}', 'f'],
    ['{{ with .user }}{{ .username }}{{ end }}', 'ann'],
    ['{{ with .zero }}x{{ else }}empty{{ end }}', 'empty'],
    ['{{ with $h := .user.home }}{{ $h }}{{ end }}', '/home/ann'],
    ['{{ .a | printf "%s!" }}', 'A!'],
    ['{{ "x" | printf "%s%s" "y" }}', 'yx'],
    ['{{ printf "%s" (printf "%d" .n) }}', '3'],
    ['{{ (.user).name }}', 'Ann'],
    ['{{ printf "%5s|%-5s|%05d|%3d" "a" "b" 42 7 }}', '    a|b    |00042|  7'],
    ['{{ printf "%q %t %x %X %%" "a" true 255 255 }}', '"a" true ff FF %'],
    ['{{ printf "%x" "hi" }}', '6869'],
    ['{{ printf "%v %v" .l .m }}', '[a b c] map[a:1 b:[1 2]]'],
    ['{{ printf "%.2f" .half }}', '0.50'],
    // fmt's errors in the output: a wrong type, a missing or extra argument, an unknown verb.
    ['{{ printf "%d" "x" }}', '%!d(string=x)'],
    ['{{ printf "%s" 3 }}', '%!s(int=3)'],
    ['{{ printf "%z" "x" }}', '%!z(string=x)'],
    ['{{ printf "%d %d" 1 }}', '1 %!d(MISSING)'],
    ['{{ printf "%d" 1 2 }}', '1%!(EXTRA int=2)'],
    ['{{ len .l }} {{ len .user }} {{ len "héllo" }}', '3 3 6'], // len of a string counts bytes
    ['{{ index .l 1 }} {{ index .m "a" }} {{ index .nested "l" 0 }}', 'b 1 1'],
    // Sprint puts a space between operands when neither is a string.
    ['{{ print 1 2 "a" "b" 3 }}', '1 2ab3'],
    ['{{ println "a" 1 }}', 'a 1\n'],
    [
      '{{ eq .a "A" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }}',
      'true true true true true false',
    ],
    ['{{ eq .n 1 2 3 }}', 'true'], // eq with more arguments: equal to any
    // and/or return the deciding argument, not a bool.
    ['{{ and 1 0 }} {{ and 1 "x" }} {{ or 0 "" "y" }} {{ not .t }}', '0 x y false'],
    ["{{ 1.5 }} {{ 0x10 }} {{ -3 }} {{ true }} {{ 'a' }}", '1.5 16 -3 true 97'],
    ['{{ `raw\\n` }} {{ "tab\\tx" }}', 'raw\\n tab\tx'],
    ['{{ cyan "%s-%d" "a" 1 }}', 'a-1'], // no colour: fatih/color's CyanString is Sprintf then
  ])('%s', (text, expected) => {
    expect(run(text)).toEqual(expected);
  });

  it('colour helpers go through the colours given', () => {
    expect(run('{{ cyan "x" }}{{ red "%d" 1 }}', (name, text) => `<${name}>${text}</${name}>`)).toBe(
      '<cyan>x</cyan><red>1</red>',
    );
  });
});

describe('Go templates: errors', () => {
  it.each([
    ['{{ .missing }}', 'names an undefined variable missing', 1],
    ['\n\n{{ .user.nope }}', 'names an undefined variable user.nope', 3],
    ['{{ .a | upper }}', 'function "upper" not defined', 1],
    ['{{ define "x" }}{{ end }}', '{{define}} is not supported', 1],
    ['{{ template "x" }}', '{{template}} is not supported', 1],
    ['{{ block "x" . }}{{ end }}', '{{block}} is not supported', 1],
    ['{{ range .l }}{{ break }}{{ end }}', '{{break}} is not supported', 1],
    ['{{ if .t }}\nx', '{{if}} has no {{end}}', 1],
    ['{{ end }}', 'unexpected {{end}}', 1],
    ['{{ else }}', 'unexpected {{else}}', 1],
    ['{{ $y }}', 'undefined variable "$y"', 1],
    ['{{ if .t }}{{ $z := 1 }}{{ end }}{{ $z }}', 'undefined variable "$z"', 1],
    ['{{ .a.b }}', "can't evaluate field b in type string", 1],
    ['{{ .none.b }}', 'nil pointer evaluating b', 1],
    ['{{ nil }}', 'nil is not a command', 1],
    ['{{ }}', 'missing value for command', 1],
    ['{{ .n 1 }}', "can't give an argument to a non-function .n", 1],
    ['{{ .a | .n }}', "can't give an argument to a non-function .n", 1],
    ['{{ index .l 9 }}', 'index out of range: 9', 1],
    ['{{ len 3 }}', 'len of type int', 1],
    ['{{ not 1 2 }}', 'wrong number of args for not: want 1 got 2', 1],
    ['{{ lt true false }}', 'invalid type for comparison', 1],
    ['{{ eq "a" 1 }}', 'incompatible types for comparison', 1],
    ['{{ eq .l .l }}', 'non-comparable type', 1],
    ['{{ printf 1 }}', 'the format is int, not a string', 1],
    ['{{ "open }}', 'unterminated quoted string', 1],
    ['{{ .a ', 'unclosed action', 1],
    ['x {{/* open', 'unclosed comment', 1],
    ['{{/* c */ x }}', 'comment ends before closing delimiter', 1],
    ['{{ 1x }}', 'bad number syntax', 1],
    ['{{ ( 1 }}', 'unclosed left paren', 1],
    ['{{ # }}', 'unexpected "#" in action', 1],
    // robo refuses printing nil (Go would print "<no value>" into a command).
    ['{{ .none }}', 'gives no value (nil)', 1],
    ['{{ range .n }}{{ end }}', "range can't iterate over 3", 1],
  ])('%s', (text, message, line) => {
    let error: unknown;
    try {
      run(text);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toContain(message);
    expect((error as TemplateError).line).toBe(line);
  });
});

describe('Go templates: bounds', () => {
  const list = Array.from({ length: 1000 }, (_, i) => i);
  it.each([
    ['{{ if 1 }}'.repeat(MAX_NESTING + 5) + '{{ end }}'.repeat(MAX_NESTING + 5), `nested more than ${MAX_NESTING}`],
    [`{{ ${'('.repeat(MAX_NESTING + 5)}1${')'.repeat(MAX_NESTING + 5)} }}`, `nested more than ${MAX_NESTING}`],
    ['{{ range $.l }}{{ range $.l }}{{ range $.l }}{{ end }}{{ end }}{{ end }}', `more than ${MAX_STEPS} steps`],
    ['{{ range $.l }}{{ range $.l }}0123456789{{ end }}{{ end }}', `over ${MAX_OUTPUT} characters`],
    [`{{ printf "%999999999s" "x" }}`, `over ${MAX_OUTPUT} characters`],
    // Each printf doubles the text: 20 of them would make 10 MiB before anything is written.
    [`{{ $x := "0123456789" }}${'{{ $x = printf "%s%s" $x $x }}'.repeat(20)}`, `over ${MAX_OUTPUT} characters`],
  ])('refuses %#', (text, message) => {
    expect(() => executeTemplate(parseTemplate(text), { l: list })).toThrow(message);
  });

  it('prints a huge tree of shared nodes (what YAML aliases make) cut short', () => {
    let tree: unknown = 'x';
    for (let level = 0; level < 10; level++) tree = Array.from({ length: 10 }, () => tree); // 10^10 leaves
    expect(() => executeTemplate(parseTemplate('{{ . }}'), tree)).toThrow(`over ${MAX_OUTPUT} characters`);
    expect(formatValue(tree)).toMatch(/\.\.\.\]+$/);
    expect(formatValue(tree).length).toBeLessThan(2 * MAX_OUTPUT);
  });

  it('a deep but legal template works', () => {
    const depth = MAX_NESTING - 1;
    expect(run('{{ if 1 }}'.repeat(depth) + 'x' + '{{ end }}'.repeat(depth))).toBe('x');
  });
});

describe('expand', () => {
  it('lets what a getter on the variables throws go on unchanged', () => {
    const boom = new Error('boom');
    const variables = Object.defineProperty({}, 'lazy', {
      enumerable: true,
      get() {
        throw boom;
      },
    });
    expect(() => expand('{{ .lazy }}', variables)).toThrow(boom);
  });

  it('reads a getter for its value', () => {
    const variables = Object.defineProperty({}, 'lazy', { enumerable: true, get: () => 'computed' });
    expect(expand('x {{ .lazy }}', variables)).toEqual({ ok: true, text: 'x computed' });
  });

  it('gives a problem with its line and points at robo variables', () => {
    expect(expand('a\n{{ .nope }}', {})).toEqual({
      ok: false,
      message: 'template {{ .nope }} names an undefined variable nope (see robo variables)',
      line: 2,
    });
  });
});
