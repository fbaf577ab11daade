/**
 * A reader of Terraform's JSON configuration syntax, written from its
 * documentation (developer.hashicorp.com/terraform/language/syntax/json),
 * since no Terraform binary can be installed here: the root is an object of
 * top-level block types; "//" is a comment; `terraform` holds
 * `required_providers` (local name → { source, version }); `provider` maps a
 * provider name to one configuration or an array of them, each extra one with
 * an `alias`; `resource` maps a type to names to bodies; `output` maps names
 * to bodies with a `value` (any JSON: an object is an object expression) and
 * optionally `description`, `sensitive`, `ephemeral`, `depends_on` and
 * `precondition`; names are identifiers (letters, digits, _ and -, not
 * starting with a digit); every string is a template, so "${" opens an
 * expression ("$${" is a literal "${"). Returns every problem found across
 * the files (empty: valid), and checks the references between them:
 * provider aliases, depends_on and "${type.name.attr}".
 */
const TOP_LEVEL = new Set([
  '//',
  'terraform',
  'provider',
  'resource',
  'data',
  'variable',
  'output',
  'locals',
  'module',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const OUTPUT_ARGUMENTS = new Set(['value', 'description', 'sensitive', 'ephemeral', 'depends_on', 'precondition']);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function terraformJsonProblems(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const providers = new Map<string, Set<string | undefined>>();
  const resources = new Map<string, { file: string; body: Record<string, unknown> }>();
  const outputs = new Map<string, { file: string; body: Record<string, unknown> }>();
  const localNames = new Set<string>();

  for (const [file, text] of files) {
    if (!file.endsWith('.tf.json')) problems.push(`${file}: Terraform reads JSON only from *.tf.json`);
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch (error) {
      problems.push(`${file}: not JSON: ${String(error)}`);
      continue;
    }
    if (!isObject(root)) {
      problems.push(`${file}: the root must be an object`);
      continue;
    }
    for (const [key, value] of Object.entries(root)) {
      if (!TOP_LEVEL.has(key)) problems.push(`${file}: ${key} is not a top-level block type`);
      else if (key === '//' && typeof value !== 'string') problems.push(`${file}: "//" must be a string`);
      else if (key !== '//' && !isObject(value)) problems.push(`${file}: ${key} must be an object`);
    }
    const terraform = root.terraform;
    if (isObject(terraform)) {
      const required = terraform.required_providers;
      if (!isObject(required)) problems.push(`${file}: terraform.required_providers must be an object`);
      else
        for (const [name, requirement] of Object.entries(required)) {
          localNames.add(name);
          if (!IDENTIFIER.test(name)) problems.push(`${file}: provider local name ${name}`);
          if (!isObject(requirement) || typeof requirement.source !== 'string')
            problems.push(`${file}: required_providers.${name} needs a source string`);
          else if (!/^([a-z0-9.-]+\/)?[a-z0-9-]+\/[a-z0-9-]+$/.test(requirement.source))
            problems.push(`${file}: required_providers.${name}.source ${requirement.source}`);
          if (isObject(requirement) && 'version' in requirement && typeof requirement.version !== 'string')
            problems.push(`${file}: required_providers.${name}.version must be a string`);
        }
    }
    if (isObject(root.provider)) {
      for (const [name, configs] of Object.entries(root.provider)) {
        const aliases = providers.get(name) ?? providers.set(name, new Set()).get(name)!;
        for (const config of Array.isArray(configs) ? configs : [configs]) {
          if (!isObject(config)) {
            problems.push(`${file}: provider.${name}: each configuration must be an object`);
            continue;
          }
          const alias = config.alias;
          if (alias !== undefined && (typeof alias !== 'string' || !IDENTIFIER.test(alias)))
            problems.push(`${file}: provider.${name}: alias ${String(alias)} is not an identifier`);
          const key = typeof alias === 'string' ? alias : undefined;
          if (aliases.has(key)) problems.push(`${file}: provider.${name}: two configurations with alias ${key}`);
          aliases.add(key);
          for (const [argument, value] of Object.entries(config))
            if (argument === 'assume_role' && !(Array.isArray(value) ? value.every(isObject) : isObject(value)))
              problems.push(`${file}: provider.${name}.assume_role must be a block (object or array of objects)`);
        }
      }
    }
    if (isObject(root.resource)) {
      for (const [type, byName] of Object.entries(root.resource)) {
        if (!/^[a-z][a-z0-9_]*$/.test(type)) problems.push(`${file}: resource type ${type}`);
        if (!isObject(byName)) {
          problems.push(`${file}: resource.${type} must be an object of names`);
          continue;
        }
        for (const [name, body] of Object.entries(byName)) {
          if (!IDENTIFIER.test(name)) problems.push(`${file}: resource name ${type}.${name} is not an identifier`);
          if (!isObject(body)) problems.push(`${file}: ${type}.${name} must be an object`);
          else if (resources.has(`${type}.${name}`))
            problems.push(
              `${file}: ${type}.${name} is declared twice (also in ${resources.get(`${type}.${name}`)!.file})`,
            );
          else resources.set(`${type}.${name}`, { file, body });
        }
      }
    }
    if (isObject(root.output)) {
      for (const [name, body] of Object.entries(root.output)) {
        if (!IDENTIFIER.test(name)) problems.push(`${file}: output name ${name} is not an identifier`);
        if (!isObject(body)) {
          problems.push(`${file}: output.${name} must be an object`);
          continue;
        }
        if (outputs.has(name)) problems.push(`${file}: output.${name} is declared twice`);
        outputs.set(name, { file, body });
        if (!('value' in body)) problems.push(`${file}: output.${name} needs a value`);
        for (const argument of Object.keys(body))
          if (!OUTPUT_ARGUMENTS.has(argument)) problems.push(`${file}: output.${name}: ${argument} is not an argument`);
        if ('description' in body && typeof body.description !== 'string')
          problems.push(`${file}: output.${name}.description must be a string`);
        if ('sensitive' in body && typeof body.sensitive !== 'boolean')
          problems.push(`${file}: output.${name}.sensitive must be a boolean`);
      }
    }
  }

  // References, once every file is read.
  for (const [id, { file, body }] of resources) {
    const type = id.split('.')[0]!;
    const local = [...localNames].find((name) => type.startsWith(`${name}_`));
    if (!local) problems.push(`${file}: ${id}: no required provider for its type`);
    if ('provider' in body) {
      const [name, alias, extra] = String(body.provider).split('.');
      if (typeof body.provider !== 'string' || extra !== undefined || !providers.get(name!)?.has(alias))
        problems.push(`${file}: ${id}: provider ${String(body.provider)} is not configured`);
    }
    problems.push(...referenceProblems(file, id, body, resources));
  }
  for (const [name, { file, body }] of outputs)
    problems.push(...referenceProblems(file, `output.${name}`, body, resources));
  return problems;
}

/** depends_on and "${...}" of a block: each must name a resource of these files; no "%{" directive. */
function referenceProblems(
  file: string,
  id: string,
  body: Record<string, unknown>,
  resources: ReadonlyMap<string, unknown>,
): string[] {
  const problems: string[] = [];
  if ('depends_on' in body) {
    const list = body.depends_on;
    if (!Array.isArray(list)) problems.push(`${file}: ${id}: depends_on must be an array`);
    else
      for (const target of list)
        if (typeof target !== 'string' || !resources.has(target))
          problems.push(`${file}: ${id}: depends_on ${String(target)} is not a resource`);
  }
  for (const text of strings(body)) {
    for (const match of text.matchAll(/(\$+)\{([^}]*)\}?/g)) {
      if (match[1]!.length % 2 === 0) continue; // "$${" is a literal "${"
      const reference = /^([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)\.[a-z_]+$/.exec(match[2]!);
      if (!reference || !resources.has(`${reference[1]}.${reference[2]}`))
        problems.push(`${file}: ${id}: \${${match[2]}} is not a reference to a resource of these files`);
    }
    if (/(^|[^%])(%%)*%\{/.test(text)) problems.push(`${file}: ${id}: a template directive %{ in ${text}`);
  }
  return problems;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  // An object's property names are templates too (HCL's JSON syntax, for an object expression).
  if (isObject(value)) return Object.entries(value).flatMap(([key, inner]) => [key, ...strings(inner)]);
  return [];
}
