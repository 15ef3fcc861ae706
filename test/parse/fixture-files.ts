import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Hunk, Patch, Series } from '../../src/model/patch.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { contiguousText, splitLines, type SourceText } from '../../src/parse/source-text.js';

/** Fixtures live in the repository; the shared corpus and seed sit next to it when present. */
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const hasShared = existsSync(SHARED);

/** The input name diagnostics carry for a fixture. */
export function fixtureInput(name: string): string {
  return `fixtures/patches/${name}`;
}

export function readFixture(name: string): Uint8Array {
  return readFileSync(path.join(ROOT, fixtureInput(name)));
}

export function parseFixture(name: string): Promise<Series> {
  return parseInput(fixtureInput(name), readFixture(name));
}

export function readShared(relative: string): Uint8Array {
  return readFileSync(path.join(SHARED, relative));
}

/** A diff written inline in a test, as the lines of an input named `inline.diff`. */
export function inlineText(text: string): SourceText {
  return contiguousText('inline.diff', splitLines(text), 1);
}

export function onlyPatch(series: Series): Patch {
  if (series.patches.length !== 1) throw new Error(`expected one patch, got ${series.patches.length}`);
  return series.patches[0] as Patch;
}

/** The hunk line whose text (after the +/-/space) is exactly `text`. */
export function lineWithText(hunk: Hunk | undefined, text: string) {
  return hunk?.lines.find((line) => line.text === text);
}

export function codesOf(diagnostics: readonly { code: string; patchLine?: number }[]): string[] {
  return diagnostics.map((diagnostic) => `${diagnostic.code}@${diagnostic.patchLine}`);
}
