import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { RULES } from '../../src/rules/registry.js';
import { kernelVocabulary, renameIdentifiers, restoreNames } from './rename-identifiers.js';
import { findingsOfTexts, hasShared, SHARED, V7_2 } from './rule-tester.js';

/** A finding on the renamed patch, told with the original names again. */
function restored(finding: Finding, names: ReadonlyMap<string, string>): Finding {
  const out: Finding = { ...finding, message: restoreNames(finding.message, names), fix: restoreNames(finding.fix, names) };
  if (finding.function !== undefined) out.function = restoreNames(finding.function, names);
  if (finding.related) out.related = finding.related.map((r) => ({ ...r, message: restoreNames(r.message, names) }));
  return out;
}

/** The rules that read files and programs; the simulator's have their own renamed fixture. */
const FILE_RULES = RULES.filter((rule) => rule.meta.source !== 'simulator');

async function findingsOfAll(name: string, text: string): Promise<Finding[]> {
  const bytes = new TextEncoder().encode(text);
  const perRule = await Promise.all(FILE_RULES.map((rule) => findingsOfTexts(rule, [{ name, bytes }])));
  return perRule.flat();
}

describe('findings follow the analysis, not the names', () => {
  it('renaming an identifier renames it everywhere in the patch code and nowhere else', () => {
    const patch = [
      'diff --git a/drivers/misc/foo.c b/drivers/misc/foo.c',
      '--- a/drivers/misc/foo.c',
      '+++ b/drivers/misc/foo.c',
      '@@ -1,2 +1,3 @@ static int foo_init(void)',
      ' \tfoo_count = 0x10; /* foo_count */',
      '+\tkfree(foo_buf);',
      ' \tpr_info("foo_count\\n");',
      'foo_count after the hunk',
    ].join('\n');
    const { text, names } = renameIdentifiers(patch, kernelVocabulary());
    expect(text.split('\n')).toEqual([
      'diff --git a/drivers/misc/foo.c b/drivers/misc/foo.c',
      '--- a/drivers/misc/foo.c',
      '+++ b/drivers/misc/foo.c',
      '@@ -1,2 +1,3 @@ static int ren_1(void)',
      ' \tren_2 = 0x10; /* foo_count */',
      '+\tkfree(ren_3);',
      ' \tren_4("foo_count\\n");',
      'foo_count after the hunk',
    ]);
    expect([...names.keys()]).toEqual(['foo_init', 'foo_count', 'foo_buf', 'pr_info']);
  });

  it.skipIf(!hasShared)('every file-level rule gives the same findings on v7 2/4 with every identifier renamed (needs ../shared)', async () => {
    const original = await readFile(path.join(SHARED, V7_2), 'utf8');
    const { text, names } = renameIdentifiers(original, kernelVocabulary());
    expect(names.size).toBeGreaterThan(50);
    expect(names.has('balloon_mapping') && names.has('vb_ptr') && names.has('virtballoon_probe')).toBe(true);

    const before = await findingsOfAll('v7-2of4.patch', original);
    const after = await findingsOfAll('v7-2of4.patch', text);
    expect(before.length).toBe(13);
    expect(after.map((f) => restored(f, names))).toEqual(before);
    // The findings moved with the names: none of the driver's own names is left in what they say.
    const said = after.map((f) => [f.message, f.fix, f.function ?? '', ...(f.related ?? []).map((r) => r.message)].join(' ')).join(' ');
    const own = ['balloon_mapping', 'vb_ptr', 'vb', 'virtballoon_probe', 'virtballoon_remove', 'fill_balloon', 'balloon_lock',
      'pages_lock', 'virtballoon_migratepage', 'virtballoon_isolatepage', 'virtballoon_putbackpage', 'virtio_balloon_aops'];
    for (const name of own) expect(said).not.toMatch(new RegExp(`\\b${name}\\b`));
  });
});
