import type { Diagnostic } from '../model/diagnostic.js';
import type { Patch, Series } from '../model/patch.js';

/**
 * Puts the patches read from every input in series order. Parts come from `[PATCH vN M/K]` subjects;
 * the cover letter (0/K) only tells how many parts to expect. When versions are mixed the newest one
 * is reviewed and the older parts are dropped with a `series-version` note: a Series has one list of
 * missing and duplicate parts, which only means something within one version. Patches without an
 * `M/K` tag keep their reading order after the series parts.
 */
export interface ReadPatch {
  patch: Patch;
  /** Recovered from a reviewer's quoted reply rather than sent by the author. */
  fromReply: boolean;
}

interface Part {
  read: ReadPatch;
  version: number;
  index: number;
  total: number;
}

export function orderSeries(read: readonly ReadPatch[], diagnostics: readonly Diagnostic[] = []): Series {
  const out: Diagnostic[] = [...diagnostics];
  const parts = read.flatMap((entry): Part[] => (entry.patch.series ? [{ read: entry, ...entry.patch.series }] : []));
  const lone = read.filter((entry) => !entry.patch.series).map((entry) => entry.patch);
  if (parts.length === 0) return { patches: lone, missing: [], duplicates: [], diagnostics: out };

  const newest = Math.max(...parts.map((part) => part.version));
  out.push(...noteOlderVersions(parts, newest));
  const current = parts.filter((part) => part.version === newest);
  const total = Math.max(...current.map((part) => part.total));
  out.push(...checkTotals(current, total));

  const ordered = current
    .filter((part) => part.index > 0)
    .sort((a, b) => a.index - b.index || Number(a.read.fromReply) - Number(b.read.fromReply));
  const kept: Part[] = [];
  const duplicates: number[] = [];
  for (const part of ordered) {
    const first = kept.at(-1);
    if (first?.index !== part.index) {
      kept.push(part);
      continue;
    }
    if (duplicates.at(-1) !== part.index) duplicates.push(part.index);
    out.push(warn(part.read.patch, 'series-duplicate',
      `part ${part.index}/${part.total} of v${newest} appears again${part.read.fromReply ? ' (in a quoted reply)' : ''}; the one at line ${first.read.patch.startLine} of ${first.read.patch.input} is kept`));
  }

  const missing = findMissing(kept, total);
  out.push(...missing.map((index) => {
    const neighbour = kept.filter((part) => part.index < index).at(-1) ?? kept[0] ?? (current[0] as Part);
    return warn(neighbour.read.patch, 'series-missing', `part ${index}/${total} of v${newest} is missing`);
  }));
  return { patches: [...kept.map((part) => part.read.patch), ...lone], missing, duplicates, diagnostics: out };
}

function noteOlderVersions(parts: readonly Part[], newest: number): Diagnostic[] {
  const older = [...new Set(parts.filter((part) => part.version < newest).map((part) => part.version))].sort((a, b) => a - b);
  return older.map((version) => {
    const dropped = parts.filter((part) => part.version === version);
    return {
      ...warn((dropped[0] as Part).read.patch, 'series-version', `v${version} (${dropped.length} message(s)) is ignored; v${newest} is reviewed`),
      level: 'note',
    };
  });
}

function checkTotals(parts: readonly Part[], total: number): Diagnostic[] {
  return parts
    .filter((part) => part.total !== total || part.index > total)
    .map((part) => warn(part.read.patch, 'series-total', `part ${part.index}/${part.total} does not fit a series of ${total}`));
}

function findMissing(kept: readonly Part[], total: number): number[] {
  const present = new Set(kept.map((part) => part.index));
  const missing: number[] = [];
  for (let index = 1; index <= total; index++) if (!present.has(index)) missing.push(index);
  return missing;
}

function warn(patch: Patch, code: string, message: string): Diagnostic {
  return { level: 'warning', input: patch.input, patchLine: patch.startLine, code, message };
}
