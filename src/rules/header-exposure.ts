import type { FileDiff } from '../model/patch.js';
import type { FileFacts } from '../model/program.js';
import type { TreeFiles } from '../extract/extract-patch.js';
import {
  ABI_FIELD_TYPE, EXPORTABLE_HEADER_DIR, KBUILD_EXPORT_LINE, PACKED_MARKERS, UAPI_PATH, WIRE_STRUCT_NAME,
} from './kernel-types.js';

/**
 * Whether a header is exported to userspace, and the evidence for it in words a reviewer can check.
 *
 * The path and `Kbuild` are proof. Before the 3.7 uapi split, `include/linux/*.h` mixed kernel-only
 * and exported headers; there the evidence is the header's own shape: packed structures and
 * fixed-width `__u32`/`__le32` fields are layouts shared with something outside the kernel. The
 * extractor has no facts about type definitions, so this reads the visible lines of the header
 * (the patch's hunks and, with `--tree`, the pre-image) one by one.
 */

export const KERNEL_GUARD = /\b__KERNEL__\b/;

/** A line of the header the patch or the tree shows, by new-file line when it has one. */
interface ShownLine {
  text: string;
  line?: number;
}

function shownLines(diff: FileDiff | undefined, preImage: string | undefined): ShownLine[] {
  const fromPatch = (diff?.hunks ?? []).flatMap((h) => [
    { text: h.context },
    ...h.lines.filter((l) => l.kind !== 'del')
      .map((l): ShownLine => (l.newLine === undefined ? { text: l.text } : { text: l.text, line: l.newLine })),
  ]);
  const fromTree = (preImage ?? '').split('\n').map((text): ShownLine => ({ text }));
  return [...fromPatch, ...fromTree];
}

const STRUCT_OPENING = /^\s*(struct\s+\w+)\s*\{?\s*$/;

/** The `struct name` a line belongs to: the closest opening before it. */
function enclosingStruct(lines: readonly ShownLine[], at: number): string | undefined {
  for (let i = at; i >= 0; i--) {
    const name = STRUCT_OPENING.exec(lines[i]!.text)?.[1];
    if (name) return name.replace(/\s+/g, ' ');
  }
  return undefined;
}

const where = (l: ShownLine): string => (l.line === undefined ? '' : ` (line ${l.line})`);

/** Phrases such as "packed `struct foo` (line 57)", first occurrence of each kind, in a stable order. */
function abiEvidence(lines: readonly ShownLine[]): string[] {
  const evidence: string[] = [];
  const packed = lines.findIndex((l) => PACKED_MARKERS.some((m) => m.test(l.text)));
  if (packed >= 0) {
    const name = enclosingStruct(lines, packed);
    evidence.push(`a packed ${name ? `\`${name}\`` : 'structure'}${where(lines[packed]!)}`);
  }
  const wire = lines.find((l) => WIRE_STRUCT_NAME.test(STRUCT_OPENING.exec(l.text)?.[1]?.replace(/\s+/g, ' ') ?? ''));
  if (wire) evidence.push(`the wire layout \`${STRUCT_OPENING.exec(wire.text)![1]!.replace(/\s+/g, ' ')}\`${where(wire)}`);
  const fixed = lines.find((l) => /^\s*\w+\s+\w+(\[\w*\])?\s*;/.test(l.text) && ABI_FIELD_TYPE.test(l.text.trim().split(/\s+/)[0]!));
  if (fixed) evidence.push(`\`${fixed.text.trim().split(/\s+/)[0]}\` fields${where(fixed)}`);
  return evidence;
}

/** Names a `Kbuild` exports with `header-y += a.h b.h`. */
function kbuildExports(kbuild: string): Set<string> {
  return new Set(kbuild.split('\n').flatMap((line) => KBUILD_EXPORT_LINE.exec(line)?.[1]?.split(/\s+/) ?? []));
}

const directoryOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));
const baseNameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Whether anything visible in the header mentions `__KERNEL__`. */
function hasKernelGuard(facts: FileFacts): boolean {
  return facts.kernelGuardLines.length > 0
    || [...facts.objects, ...facts.functions].some((d) => d.conditions.some((c) => KERNEL_GUARD.test(c)));
}

/**
 * Why `facts.file` is a header userspace includes, as a phrase ("it lives under include/uapi/"), or
 * undefined when nothing visible says so.
 */
export function exportEvidence(facts: FileFacts, diff: FileDiff | undefined, tree: TreeFiles | undefined): string | undefined {
  if (UAPI_PATH.test(facts.file)) return 'it lives under `include/uapi/`';
  const kbuildPath = `${directoryOf(facts.file)}/Kbuild`;
  const kbuild = tree?.get(kbuildPath);
  if (kbuild !== undefined) {
    return kbuildExports(kbuild).has(baseNameOf(facts.file)) ? `\`${kbuildPath}\` exports it with \`header-y\`` : undefined;
  }
  if (!EXPORTABLE_HEADER_DIR.test(facts.file)) return undefined;
  const preImage = tree?.get(facts.file);
  // With the whole header from --tree every declaration's conditions are exact, and a __KERNEL__
  // section is itself the mark of an exported header. From hunks alone a guard may open in lines the
  // patch hides, so any sign of one means the declarations' conditions cannot be trusted.
  if (hasKernelGuard(facts)) {
    const line = facts.kernelGuardLines[0];
    const at = line === undefined ? '' : ` (line ${line})`;
    return preImage === undefined ? undefined : `it has a \`#ifdef __KERNEL__\` section${at} for what userspace must not see`;
  }
  const evidence = abiEvidence(shownLines(diff, preImage));
  if (evidence.length === 0) return undefined;
  return `it has ${evidence.join(' and ')}, layouts shared with userspace, and no \`__KERNEL__\` guard`;
}
