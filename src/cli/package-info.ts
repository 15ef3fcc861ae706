import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the kreview package lives. This module sits two levels below the root as source (`src/cli/`),
 * as built code (`dist/cli/`) and in the bundle bin/kreview.js runs (`dist/bundle/`), so the docs are
 * found wherever kreview is run from.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let version: string | undefined;

/** The version in package.json, read once: the one place it is written down. */
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
