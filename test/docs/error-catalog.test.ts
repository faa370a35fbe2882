import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorCatalog, type ErrorCode } from '../../src/core/errors/error-catalog.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogFile = join(root, 'src/core/errors/error-catalog.ts');


/** `| \`code\` | 401 | …` rows of the table in docs/errors.md, as code → status. */
function documentedStatuses(): Map<string, number> {
  const text = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const match of text.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)) {
    rows.set(match[1] as string, Number(match[2]));
  }
  return rows;
}

/** Every .ts file under src/ except the catalog itself, with its text. */
function sourceFiles(): Array<{ path: string; text: string }> {
  const files: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && full !== catalogFile) files.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
    }
  };
  walk(join(root, 'src'));
  return files;
}

/** Files that mention the code as a string literal ('code', "code" or `code`), i.e. produce or map it. */
function filesUsing(code: string, files: ReadonlyArray<{ path: string; text: string }>): string[] {
  const literal = new RegExp(`(['"\`])${code}\\1`);
  return files.filter((file) => literal.test(file.text)).map((file) => file.path);
}

const codes = Object.keys(errorCatalog) as ErrorCode[];

describe('error catalog', () => {
  const documented = documentedStatuses();
  const files = sourceFiles();

  it('has codes to check (the catalog and docs were found)', () => {
    expect(codes.length).toBeGreaterThan(10);
    expect(documented.size).toBeGreaterThan(10);
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(codes)('documents `%s` in docs/errors.md with its HTTP status', (code) => {
    expect(documented.has(code), `docs/errors.md has no table row for \`${code}\``).toBe(true);
    expect(documented.get(code)).toBe(errorCatalog[code].status);
  });

  it.each(codes)('uses `%s` somewhere in src/ outside the catalog', (code) => {
    expect(filesUsing(code, files), `no file in src/ uses '${code}'`).not.toEqual([]);
  });

  it('documents no code that is not in the catalog', () => {
    const unknown = [...documented.keys()].filter((code) => !(code in errorCatalog));
    expect(unknown).toEqual([]);
  });
});
