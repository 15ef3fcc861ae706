import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Vitest global setup: without ../shared (a fresh clone elsewhere), the tests on the real v7 data
 * skip; say so once, up front, so a green run is not mistaken for one that checked them.
 */
export default function sharedNote(): void {
  const shared = path.resolve(import.meta.dirname, '..', '..', 'shared');
  if (!existsSync(shared)) {
    process.stderr.write(`note: ../shared (${shared}) is not here: the tests marked "(needs ../shared)" skip (the real v7 series, the seed review, the 3.6 tree, the litmus tests); .ci/run has it and runs them\n`);
  }
}
