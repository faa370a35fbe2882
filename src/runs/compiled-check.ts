import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { Value } from 'typebox/value';

// One compiled validator per schema object. Agents' and actions' schemas are created once, so the
// map stays small; a WeakMap lets a replaced schema's validator go with it.
const validators = new WeakMap<TSchema, Validator | 'interpreted'>();

/**
 * Value.Check with TypeBox's compiled validator for `schema`, built on first use. Checking agent
 * inputs and outputs through the interpreter was 10% of the run executor's CPU on the runs benchmark.
 * A schema the compiler does not take is checked by the interpreter.
 */
export function compiledCheck(schema: TSchema, value: unknown): boolean {
  let validator = validators.get(schema);
  if (validator === undefined) {
    try {
      validator = Compile(schema);
    } catch {
      validator = 'interpreted';
    }
    validators.set(schema, validator);
  }
  return validator === 'interpreted' ? Value.Check(schema, value) : validator.Check(value);
}
