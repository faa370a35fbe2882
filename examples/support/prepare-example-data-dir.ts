import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExampleFailure } from './example-failure.js';

/** The file that marks a data dir as an example's own, so only such a directory is ever removed. */
const marker = '.switchboard-example';

/**
 * Gives a run an empty data dir, so every run starts from the same state: a directory an earlier run
 * made (it holds the marker) is removed and made again; a missing or empty one is used; any other is
 * refused rather than emptied (EXAMPLE_DATA_DIR pointing at real data).
 */
export function prepareExampleDataDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.includes(marker)) rmSync(dir, { recursive: true, force: true });
    else if (entries.length > 0) throw new ExampleFailure(`${dir} is not empty and was not made by an example: refusing to empty it (choose another EXAMPLE_DATA_DIR)`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, marker), 'Made by examples/run-example.ts; the next run removes this directory and makes it again.\n');
}
