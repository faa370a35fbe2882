import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stepFailureCodes, type StepFailureCode } from '../../src/runs/step-failure.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const codes = Object.keys(stepFailureCodes) as StepFailureCode[];

/** `| \`code\` | yes/no |` rows of the failure table in docs/runs.md. */
function documentedRetryability(): Map<string, boolean> {
  const text = readFileSync(join(root, 'docs/runs.md'), 'utf8');
  return new Map([...text.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(yes|no)\s*\|/gm)].map((match) => [match[1] as string, match[2] === 'yes']));
}

const testTexts = readdirSync(join(root, 'test/runs'))
  .filter((name) => name.endsWith('.test.ts') && name !== 'step-failure-codes.test.ts')
  .map((name) => readFileSync(join(root, 'test/runs', name), 'utf8'));

describe('step failure codes', () => {
  const documented = documentedRetryability();

  it.each(codes)('documents `%s` in docs/runs.md with its retryability', (code) => {
    expect(documented.get(code)).toBe(stepFailureCodes[code].retryable);
  });

  it.each(codes)('tests `%s` in test/runs', (code) => {
    expect(testTexts.some((text) => text.includes(`'${code}'`))).toBe(true);
  });

  it('documents no code that does not exist', () => {
    expect([...documented.keys()].filter((code) => !(code in stepFailureCodes))).toEqual([]);
  });
});
