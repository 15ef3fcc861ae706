import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeriesProgram } from '../../src/extract/extract-patch.js';
import type { FunctionProgram, Op, PatchProgram } from '../../src/model/program.js';
import { runCli } from '../cli/run-cli.js';
import { ROOT, SHARED, allOps, extractFile, fileOf, findOp, functionOf, hasShared, isApi, reaches } from './annotated.js';

/**
 * The team's shared data: the LKML review of v7 2/4 (an archive page: one-space indentation, quoted
 * with `> `, reviewer text between hunks) and the v7 series as git wrote it. Skipped, visibly, when
 * ../shared is not beside the repository.
 */
const SEED = path.relative(ROOT, path.join(SHARED, 'seed/review-virtio-balloon-v7-2of4.txt'));
const V7_1 = path.relative(ROOT, path.join(SHARED, 'corpus/series-v7/v7-1of4-mm-compaction-migration.patch'));
const V7_2 = path.relative(ROOT, path.join(SHARED, 'corpus/series-v7/v7-2of4-virtio-balloon-migration.patch'));
const DRIVER = 'drivers/virtio/virtio_balloon.c';
const HEADER = 'include/linux/virtio_balloon.h';

const cache = new Map<string, Promise<SeriesProgram>>();
function extractShared(file: string): Promise<SeriesProgram> {
  if (!cache.has(file)) cache.set(file, extractFile(file));
  return cache.get(file)!;
}
async function onlyPatch(file: string): Promise<PatchProgram> {
  const program = await extractShared(file);
  expect(program.patches).toHaveLength(1);
  return program.patches[0]!;
}

const at = (op: Op): [number | undefined, number | undefined] => [op.anchor.newLine, op.anchor.patchLine];
const isAcquire = (op: Op): boolean => op.kind === 'lock' && op.action === 'acquire';

/** Whether a `return` is reachable from the function's `mutex_lock` without passing a `mutex_unlock`. */
function returnsHoldingMutex(fn: FunctionProgram): Op[] {
  const lock = findOp(fn, isApi('mutex_lock'));
  return fn.ops.filter((op) => op.kind === 'return' && reaches(fn, lock.id, (o) => o.id === op.id, isApi('mutex_unlock')));
}

/** The same expectations for the archived review and the patch as git wrote it: only patch lines differ. */
const V7_2_FORMS = [
  { name: 'the seed review (archive whitespace)', file: SEED, patchLines: { fill: 63, mutexLock: 67, gap: 94, ret: 95, unlock: 98, clear: 119, listDel: 129, probeFree: 322, removeFree: 335, header: 351, lockDef: 47 } },
  { name: 'v7 2/4 as git wrote it (real whitespace)', file: V7_2, patchLines: { fill: 61, mutexLock: 65, gap: 87, ret: 88, unlock: 91, clear: 112, listDel: 113, probeFree: 287, removeFree: 295, header: 308, lockDef: 45 } },
];

describe.each(V7_2_FORMS)('v7 2/4 virtio_balloon: $name', ({ file, patchLines }) => {
  it.skipIf(!hasShared)('has a program for every function the review discusses, at its first new-file line (needs ../shared)', async () => {
    const patch = await onlyPatch(file);
    const driver = fileOf(patch, DRIVER);
    const firstLines = Object.fromEntries(driver.functions.map((fn) => [fn.name, [fn.anchor.newLine, fn.complete]]));
    expect(firstLines).toMatchObject({
      fill_balloon: [133, false],
      leak_balloon: [183, false],
      virtballoon_migratepage: [397, true],
      virtballoon_isolatepage: [424, true],
      virtballoon_putbackpage: [435, true],
      virtballoon_probe: [448, false],
      virtballoon_remove: [518, false],
    });
    expect(functionOf(patch, 'fill_balloon').anchor.patchLine).toBe(patchLines.fill);
    expect(driver.notes).toEqual([]);
  });

  it.skipIf(!hasShared)('puts fill_balloon\'s lock, gaps and early return at their new and patch lines (needs ../shared)', async () => {
    const fill = functionOf(await onlyPatch(file), 'fill_balloon');
    expect(at(findOp(fill, isApi('mutex_lock')))).toEqual([136, patchLines.mutexLock]);
    expect(findOp(fill, isApi('mutex_lock'))).toMatchObject({ lockClass: 'mutex', action: 'acquire', sleeps: true, anchor: { origin: 'added' } });
    expect(at(findOp(fill, isApi('mutex_unlock')))).toEqual([165, patchLines.unlock]);
    expect(fill.ops.filter((op) => op.kind === 'gap').map((op) => op.kind === 'gap' && [op.reason, op.newFrom, op.newTo])).toEqual([
      ['before-hunk', 65, 132],
      ['between-hunks', 145, 150],
      ['between-hunks', 161, 161],
    ]);
    // Line 161 is hidden; the `return;` at 162 is guarded by it: `if (hidden) return;`.
    const gap = findOp(fill, (op) => op.kind === 'gap' && op.newFrom === 161);
    const guard = fill.ops[gap.succ[0]!]!;
    expect(guard).toMatchObject({ kind: 'branch', cond: { k: 'opaque', text: 'hidden condition' }, anchor: { newLine: 162, patchLine: patchLines.ret } });
    expect(fill.ops[guard.succ[0]!]).toMatchObject({ kind: 'return', anchor: { newLine: 162, patchLine: patchLines.ret } });
    expect(gap.anchor.patchLine).toBe(patchLines.gap);
  });

  it.skipIf(!hasShared)('reaches fill_balloon\'s `return` at 162 from mutex_lock without passing mutex_unlock (needs ../shared)', async () => {
    const patch = await onlyPatch(file);
    const fill = functionOf(patch, 'fill_balloon');
    expect(returnsHoldingMutex(fill).map(at)).toEqual([[162, patchLines.ret]]);
    // The other functions taking balloon_lock release it on every path the patch shows.
    for (const name of ['leak_balloon', 'virtballoon_migratepage', 'towards_target', 'update_balloon_size']) {
      expect(returnsHoldingMutex(functionOf(patch, name)), name).toEqual([]);
    }
  });

  it.skipIf(!hasShared)('has leak_balloon clear page->mapping at 199 before list_del at 200, under pages_lock (needs ../shared)', async () => {
    const leak = functionOf(await onlyPatch(file), 'leak_balloon');
    const clear = findOp(leak, (op) => op.kind === 'store' && op.target.k === 'field' && op.target.field === 'mapping');
    expect(at(clear)).toEqual([199, patchLines.clear]);
    expect(clear).toMatchObject({ value: { k: 'int', value: 0 }, order: 'plain', global: false });
    const del = findOp(leak, (op) => op.kind === 'list' && op.action === 'del');
    expect(at(del)).toEqual([200, patchLines.listDel]);
    expect(leak.ops[clear.succ[0]!]).toBe(del);
    // The empty-list check breaks out of the loop after dropping pages_lock.
    expect(allOps(leak).filter((line) => / 19[3-6] /.test(line))).toEqual([
      '9 193 lock spin_lock acquire spinlock &pages_lock',
      '10 194 list t3 = list_empty empty head=&vb->pages',
      '11 194 branch t3 -> 195:lock | 198:list',
      '12 195 lock spin_unlock release spinlock &pages_lock',
      '13 196 jump break -> ~:gap',
    ]);
  });

  it.skipIf(!hasShared)('frees balloon_mapping at 496 in probe and 521 in remove (needs ../shared)', async () => {
    const patch = await onlyPatch(file);
    for (const [name, line, patchLine] of [['virtballoon_probe', 496, patchLines.probeFree], ['virtballoon_remove', 521, patchLines.removeFree]] as const) {
      const fn = functionOf(patch, name);
      const free = findOp(fn, (op) => op.kind === 'free' && op.anchor.origin === 'added');
      expect(at(free), name).toEqual([line, patchLine]);
      // The pointer freed is loaded from the global first, on the same line.
      expect(fn.ops[free.id - 1]).toMatchObject({ kind: 'load', source: { k: 'name', name: 'balloon_mapping', scope: 'global' }, anchor: { newLine: line } });
    }
  });

  it.skipIf(!hasShared)('declares the header\'s balloon_mapping at line 60 under !defined(CONFIG_COMPACTION), and the driver\'s locks and aops (needs ../shared)', async () => {
    const patch = await onlyPatch(file);
    const header = fileOf(patch, HEADER).facts;
    expect(header.isHeader).toBe(true);
    expect(header.objects).toHaveLength(1);
    expect(header.objects[0]).toMatchObject({
      name: 'balloon_mapping', storage: 'none', definition: true, isPointer: true, type: 'struct address_space *',
      anchor: { file: HEADER, newLine: 60, patchLine: patchLines.header, origin: 'added' },
    });
    expect(header.objects[0]?.conditions).toContain('!defined(CONFIG_COMPACTION)');
    const driver = fileOf(patch, DRIVER).facts;
    expect(driver.objects.map((o) => [o.name, o.storage, o.lockClass, o.anchor.newLine])).toEqual([
      ['balloon_lock', 'none', 'mutex', 40],
      ['pages_lock', 'none', 'spinlock', 43],
      ['vb_ptr', 'none', undefined, 382],
      ['virtio_balloon_aops', 'static', undefined, 442],
    ]);
    expect(driver.objects[0]?.anchor.patchLine).toBe(patchLines.lockDef);
    expect(driver.objects[3]?.fields).toEqual({
      migratepage: 'virtballoon_migratepage', invalidatepage: 'virtballoon_isolatepage', freepage: 'virtballoon_putbackpage',
    });
    expect(driver.includes).toEqual(['<linux/delay.h>', '<linux/slab.h>', '<linux/module.h>', '<linux/fs.h>']);
  });

  it.skipIf(!hasShared)('gives the pre-image the four changed functions without the new locks (needs ../shared)', async () => {
    const old = fileOf(await onlyPatch(file), DRIVER, 'old');
    expect(old.functions.map((f) => f.name)).toEqual(['fill_balloon', 'leak_balloon', 'towards_target', 'update_balloon_size']);
    expect(old.functions.flatMap((f) => f.ops.filter(isAcquire))).toEqual([]);
  });
});

describe('v7 1/4 mm: compaction and migration', () => {
  it.skipIf(!hasShared)('extracts isolate_balloon_page complete, with its page reference, trylock and returns (needs ../shared)', async () => {
    const patch = await onlyPatch(V7_1);
    const fn = functionOf(fileOf(patch, 'mm/compaction.c'), 'isolate_balloon_page');
    expect(fn).toMatchObject({ file: 'mm/compaction.c', complete: true, changed: true, anchor: { newLine: 55, patchLine: 96 } });
    expect(allOps(fn)).toEqual([
      '0 55 nop isolate_balloon_page()',
      '1 57 call t1 = movable_balloon_page(page)',
      '2 57 branch t1 -> 60:pageref | 57:bug',
      '3 57 bug WARN_ON warn',
      '4 58 return 0',
      '5 60 pageref t2 = get_page_unless_zero get_unless_zero page',
      '6 60 branch t2 -> 70:lock | 87:return',
      '7 70 lock t3 = trylock_page try page page',
      '8 70 branch t3 -> 76:call | 85:pageref',
      '9 76 call t4 = movable_balloon_page(page)',
      '10 76 branch t4 -> 77:pageref | 82:lock',
      '11 77 pageref t5 = page_count count page',
      '12 77 branch (t5 == 2) -> 78:call | 82:lock',
      '13 78 call t6 = __isolate_balloon_page(page)',
      '14 79 lock unlock_page release page page',
      '15 80 return 1',
      '16 82 lock unlock_page release page page',
      '17 85 pageref put_page put page',
      '18 87 return 0',
    ]);
    expect(at(findOp(fn, isApi('get_page_unless_zero')))).toEqual([60, 101]);
    expect(at(findOp(fn, isApi('trylock_page')))).toEqual([70, 111]);
  });

  it.skipIf(!hasShared)('lowers __isolate_balloon_page\'s call through page->mapping->a_ops (needs ../shared)', async () => {
    const fn = functionOf(fileOf(await onlyPatch(V7_1), 'mm/compaction.c'), '__isolate_balloon_page');
    expect(allOps(fn).slice(1)).toEqual([
      '1 46 load t1 = page->mapping',
      '2 46 load t2 = t1->a_ops',
      '3 46 load t3 = t2->invalidatepage',
      '4 46 call t4 = (*t3)(page, 0)',
      '5 47 return',
    ]);
    expect(findOp(fn, (op) => op.kind === 'call').anchor).toMatchObject({ newLine: 46, patchLine: 87, origin: 'added' });
  });

  it.skipIf(!hasShared)('records balloon_mapping: defined and exported in compaction.c, declared extern in mm.h (needs ../shared)', async () => {
    const patch = await onlyPatch(V7_1);
    const compaction = fileOf(patch, 'mm/compaction.c').facts;
    expect(compaction.objects.map((o) => [o.name, o.storage, o.definition, o.anchor.newLine, o.anchor.patchLine])).toEqual([['balloon_mapping', 'none', true, 41, 82]]);
    expect(compaction.registrations.map((r) => [r.api, r.role, r.target, r.anchor.newLine])).toEqual([['EXPORT_SYMBOL_GPL', 'export', 'balloon_mapping', 42]]);
    const mm = fileOf(patch, 'include/linux/mm.h').facts;
    expect(mm.objects.map((o) => [o.name, o.storage, o.definition, o.anchor.newLine, o.anchor.patchLine])).toEqual([['balloon_mapping', 'extern', false, 1669, 35]]);
    expect(mm.objects[0]?.conditions).toContain('defined(__KERNEL__)');
  });

  // Regression (src/parse/rebuild-c.ts startDepth, see rebuild.test.ts): the hunk @@ -312,32 +391,40 @@
  // opens with `continue;` and `}` (3 and 2 tabs); it was rebuilt one loop level short, and its four
  // `continue`s were "outside a loop" on both sides. (The old-line wording of such notes, which only
  // these bogus notes exercised here, is pinned in rebuild.test.ts.)
  it.skipIf(!hasShared)('reads isolate_migratepages_range\'s continues as inside its loop (needs ../shared)', async () => {
    const patch = await onlyPatch(V7_1);
    expect(fileOf(patch, 'mm/compaction.c').notes).toEqual([]);
    expect(fileOf(patch, 'mm/compaction.c', 'old').notes).toEqual([]);
  });
});

describe('kreview extract from the command line', () => {
  const BIN = path.join(ROOT, 'bin/kreview.js');
  beforeAll(() => {
    if (!existsSync(path.join(ROOT, 'dist/bundle/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  });

  it.skipIf(!hasShared)('prints the seed\'s programs as JSON with the functions, lines and gaps (needs ../shared)', () => {
    const result = spawnSync(process.execPath, [BIN, 'extract', SEED, '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { patches: PatchProgram[]; diagnostics: { code: string }[] };
    const patch = json.patches[0]!;
    const names = patch.files.filter((f) => f.side === 'new').flatMap((f) => f.functions.map((fn) => fn.name));
    expect(names).toEqual(expect.arrayContaining([
      'fill_balloon', 'leak_balloon', 'virtballoon_migratepage', 'virtballoon_isolatepage', 'virtballoon_putbackpage', 'virtballoon_probe', 'virtballoon_remove',
    ]));
    const fill = functionOf(patch, 'fill_balloon');
    expect(returnsHoldingMutex(fill).map(at)).toEqual([[162, 95]]);
    expect(fill.ops.filter((op) => op.kind === 'gap').map((op) => op.kind === 'gap' && `${op.newFrom}-${op.newTo}`)).toEqual(['65-132', '145-150', '161-161']);
    expect(fileOf(patch, HEADER).facts.objects[0]).toMatchObject({ name: 'balloon_mapping', storage: 'none', definition: true, anchor: { newLine: 60 } });
    // Diagnostics go to stderr too; stdout is the JSON alone.
    expect(json.diagnostics.map((d) => d.code)).toEqual(['series-missing', 'series-missing', 'series-missing', 'quoted-reply']);
    expect(result.stderr).toContain('[quoted-reply]');
  });

  it('prints the human-readable program of a fixture, one line per operation (in-process)', async () => {
    const result = await runCli(['extract', 'fixtures/patches/extract-mixed-files.patch']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n').slice(0, 8)).toEqual([
      '# [PATCH] mixed: firmware, Kconfig, docs and one C file',
      '',
      'mixed_reset  drivers/misc/mixed.c:20  [post-image, partial: 1 hidden region]',
      '    0      ~ nop     mixed_reset()',
      '    1      ~ gap     hidden lines 1-19',
      '    2    20  store   store m->count = 0',
      '    3    21+ lock    spin_lock(&m->lock)',
      '    4    22+ lock    spin_unlock(&m->lock)',
    ]);
    expect(result.stderr).toBe('fixtures/patches/extract-mixed-files.patch:41: note: binary diff of firmware/mixed.bin is not reviewed [binary-diff]\n');
  });
});
