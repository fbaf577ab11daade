// The types of validators.cjs, which the build generates from schemas/
// (scripts/gen-validators.mjs). Written by hand and committed, so that tsc
// passes on a fresh clone before any build; test/validators-declaration.test.ts
// checks that it names exactly what the generated module exports.
import type { ValidateFunction } from 'ajv';
declare const validators: { organization: ValidateFunction; team: ValidateFunction };
export = validators;
