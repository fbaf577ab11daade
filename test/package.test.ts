/**
 * The package as a user gets it: `npm pack` in a copy of this checkout that
 * has no dist/ (so the tarball holds what prepack built), then
 * `npm install -g` of that tarball into a temp prefix, offline and with an
 * empty npm cache (robo needs nothing from the registry at run time), then
 * the installed `robo` run from a folder that has nothing to do with it.
 *
 * Packing in a copy, not here: prepack rebuilds dist/, which the other
 * end-to-end tests are running at the same time. One pack and one install
 * for the whole file: they are the slow part.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWithBotocore } from './helpers/botocore.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

interface Manifest {
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as Manifest;

/** What this checkout has that is not source: never copied into the checkout that is packed. */
const NOT_SOURCE = new Set([
  'node_modules',
  path.join('.ci', 'node24', 'node_modules'),
  'dist',
  '.git',
  'coverage',
  '.bench',
  path.join('src', 'generated'),
]);

/** Every file under dir, as paths relative to it ('/'-separated). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

let npmBox: Sandbox;
let prefix: string;
let installed: string;
let installOutput: string;

/** npm with the sandbox's HOME and an empty cache of its own; nothing from an outer `npm test` (its npm_config_* variables). */
function npm(args: string[], cwd: string) {
  const result = spawnSync('npm', args, {
    cwd,
    env: {
      ...npmBox.env,
      npm_config_cache: path.join(npmBox.root, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    },
    encoding: 'utf8',
    timeout: 150_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0)
    throw new Error(`npm ${args.join(' ')} failed (${result.status ?? result.signal}):\n${output}`);
  return output;
}

beforeAll(() => {
  npmBox = makeSandbox();
  const checkout = path.join(npmBox.root, 'checkout');
  cpSync(projectRoot, checkout, {
    recursive: true,
    filter: (source) => !NOT_SOURCE.has(path.relative(projectRoot, source)),
  });
  // prepack's build needs esbuild and the libraries it bundles: this checkout's.
  symlinkSync(path.join(projectRoot, 'node_modules'), path.join(checkout, 'node_modules'));
  const packs = path.join(npmBox.root, 'packs');
  mkdirSync(packs);
  npm(['pack', '--pack-destination', packs], checkout);
  const tarballs = readdirSync(packs).filter((name) => name.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);

  prefix = path.join(npmBox.root, 'prefix');
  installOutput = npm(
    ['install', '--global', '--prefix', prefix, '--offline', path.join(packs, tarballs[0]!)],
    npmBox.root,
  );
  installed = path.join(prefix, 'lib', 'node_modules', 'robo');
}, 240_000);

afterAll(() => npmBox?.cleanup());

describe('the packed and installed package', () => {
  it('installs from the tarball alone: no dependency, no install script, no warning about one', () => {
    expect(installOutput).toMatch(/added 1 package\b/);
    expect(installOutput).not.toMatch(/install-scripts|allow-?scripts/i);
    const installedManifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Manifest;
    expect(Object.keys(installedManifest.dependencies ?? {})).toEqual([]);
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(installedManifest.scripts?.[script]).toBeUndefined();
  });

  it('holds the built bundle and the example organisation, and no maps, caches, bench or scripts', () => {
    const files = filesUnder(installed);
    // dist/ is not in the checkout that was packed: prepack built it.
    for (const file of [
      'bin/robo.cjs',
      'dist/robo.cjs',
      'organization.json',
      'robo.yml',
      'teams/platform.json',
      'iam/fpa-reserved-instances.json',
      'schemas/team.schema.json',
      'schemas/organization.schema.json',
      'examples/sso/organization.json',
      'examples/sso/teams/platform.json',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((file) => /\.map$|\.cache$|bench|^scripts\/|^src\/|^test\/|node_modules/.test(file))).toEqual(
      [],
    );
    // The bundle, and the large libraries only some tasks load (scripts/build.mjs).
    expect(readdirSync(path.join(installed, 'dist'))).toEqual(['robo.cjs', 'vendor']);
    expect(readdirSync(path.join(installed, 'dist', 'vendor')).sort()).toEqual(
      ['diff.cjs', 'jsonc-parser.cjs', 'proper-lockfile.cjs', 'simple-git.cjs', 'yaml.cjs'].sort(),
    );
    expect(new Set(files.map((file) => file.split('/')[0]))).toEqual(
      new Set([
        'README.md',
        'bin',
        'dist',
        'examples',
        'iam',
        'organization.json',
        'package.json',
        'robo.yml',
        'schemas',
        'teams',
      ]),
    );
  });

  describe('its robo, on PATH, from an unrelated folder', () => {
    const robo = () => path.join(prefix, 'bin', 'robo');
    let box: Sandbox;
    let elsewhere: string;
    beforeAll(() => {
      box = makeSandbox();
      elsewhere = path.join(box.root, 'elsewhere');
      mkdirSync(elsewhere);
    });
    afterAll(() => box.cleanup());

    /** The installed executable itself (its `#!/usr/bin/env node` line), not this checkout's. */
    function run(args: string[]) {
      const result = spawnSync(robo(), args, {
        cwd: elsewhere,
        env: { ...box.env, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${box.env.PATH}` },
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it('--version prints the package version', () => {
      const result = run(['--version']);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(manifest.version);
    });

    it('aws.config --team platform writes the embedded example organisation platform profiles', async () => {
      const result = run(['aws.config', '--team', 'platform']);
      expect(result.stdout + result.stderr).toContain('using the example organisation bundled with robo');
      expect(result.code).toBe(0);
      const team = JSON.parse(readFileSync(path.join(projectRoot, 'teams', 'platform.json'), 'utf8')) as {
        profiles: Array<{ name: string }>;
      };
      const profiles = loadWithBotocore(box.awsConfig).profiles;
      expect(Object.keys(profiles).sort()).toEqual(['hub', ...team.profiles.map((profile) => profile.name)].sort());
      expect(profiles.hub?.role_arn).toMatch(/:role\/platform$/);
      // Byte for byte what this checkout renders for the same team.
      const renderBox = makeSandbox();
      try {
        const rendered = await runRobo(['aws.render', '--team', 'platform'], { env: renderBox.env });
        expect(rendered.code).toBe(0);
        expect(readFileSync(box.awsConfig, 'utf8')).toBe(rendered.stdout);
      } finally {
        renderBox.cleanup();
      }
    });

    it('onboard and nightly work, and the job runs the installed robo', () => {
      // The installed package holds the example organisation: a dotfiles source given by path.
      const onboarded = run(['onboard', '--repo', installed, '--team', 'platform', '--no-nightly']);
      expect(onboarded.stderr).toBe('');
      expect(onboarded.code).toBe(0);
      expect(readFileSync(path.join(box.home, '.config', 'robo', 'config'), 'utf8')).toContain(`repo = ${installed}\n`);

      const planned = run(['nightly', 'install', '--scheduler', 'systemd', '--dry-run']);
      expect(planned.code).toBe(0);
      expect(planned.stdout).toMatch(
        new RegExp(
          `^ExecStart="[^"]+/node" "${robo().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" "nightly" "run" "--quiet"$`,
          'm',
        ),
      );

      const ran = run(['nightly', 'run']);
      expect(ran.code).toBe(0);
      expect(ran.stdout).toMatch(/^\S+Z platform - unchanged\n$/);
    });

    it('help lists the tasks and explains one', () => {
      const list = run(['help']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/^ {2}aws\.config +– /m);
      // A task of the bundled robo.yml: reading it loads dist/vendor/yaml.cjs.
      expect(list.stdout).toMatch(/^ {2}whoami +– /m);
      const help = run(['help', 'aws.config']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('robo aws.config [--team TEAM]');
    });
  });
});
