import type { Migration } from 'kysely';
import { migration0001Foundation } from './0001-foundation.js';
import { migration0002Jobs } from './0002-jobs.js';
import { migration0003Routes } from './0003-routes.js';
import { migration0004Runs } from './0004-runs.js';

/** Every migration, numbered and forward-only. Append; never edit or reorder a migration that has shipped. */
export const migrationList: Readonly<Record<string, Migration>> = {
  '0001-foundation': migration0001Foundation,
  '0002-jobs': migration0002Jobs,
  '0003-routes': migration0003Routes,
  '0004-runs': migration0004Runs,
};
