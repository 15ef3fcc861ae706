#!/usr/bin/env node
// Every benchmark, one after the other: extraction, lint, the simulator against spin, and the hooks.
// Each prints its own figures; see the header of each script for what it measures.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const script of ['extract.mjs', 'lint.mjs', 'sim.mjs', 'hook.mjs']) {
  console.log(`\n== bench/${script}`);
  const result = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
  if (result.status !== 0) console.log(`bench/${script} exited with ${result.status}`);
}
