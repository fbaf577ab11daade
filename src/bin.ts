/**
 * The bundle's entry (dist/robo.cjs): run the CLI with this process's
 * arguments. bin/robo.cjs loads the bundle; cli.ts is the exit point.
 */
import { main } from './cli/cli.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
