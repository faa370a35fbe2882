/** A step of an example got an answer it should not have: the runner prints the message and exits 1. */
export class ExampleFailure extends Error {
  override readonly name = 'ExampleFailure';
}

/** Stops the example with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ExampleFailure(message);
}
