import { describe, expect, it } from 'vitest';
import { extractAnnotated, findOp, functionOf, newFilePatch, reaches } from './annotated.js';

describe('control flow', () => {
  it('lowers if/else, && and || into branch chains, and a ternary into two assignments', async () => {
    const built = newFilePatch('drivers/misc/cond.c', `
      static int cond(struct dev *d, int n)
      //= nop cond()
      {
      	int err;

      	if (d && d->ready || n)
      	//= branch d -> 5:load | 5:branch
      	//= load t1 = d->ready
      	//= branch t1 -> 6:assign | 5:branch
      	//= branch n -> 6:assign | 8:assign
      		err = 4;
      		//= assign err := 4 -> 9:branch
      	else
      		err = 5;
      		//= assign err := 5
      	return n ? err : -1;
      	//= branch n -> 9:assign | 9:assign
      	//= assign #2 := err -> 9:return
      	//= assign #2 := -1
      	//= return #2
      }
    `);
    const { rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
  });

  it('lowers for, while and do loops with their back edges, break, continue and goto', async () => {
    const built = newFilePatch('drivers/misc/loops.c', `
      static int loops(struct dev *d, int n)
      //= nop loops()
      {
      	int i, err = 0;
      	//= assign err := 0

      	for (i = 0; i < n; i++) {
      	//= assign i := 0
      	//= nop for (i < n)
      	//= branch (i < n) loop -> 6:branch | 12:nop
      	//= assign i := (i + 1) -> 5:nop
      		if (i == 3)
      		//= branch (i == 3) -> 7:jump | 8:load
      			continue;
      			//= jump continue -> 5:assign
      		if (d->stop)
      		//= load t1 = d->stop
      		//= branch t1 -> 9:jump | 10:load
      			break;
      			//= jump break -> 12:nop
      		d->count++;
      		//= load t2 = d->count
      		//= store d->count = (t2 + 1)
      	}
      	while (n > 0) {
      	//= nop while (n > 0)
      	//= branch (n > 0) loop -> 13:assign | 17:nop
      		n--;
      		//= assign n := (n - 1)
      		if (n == 5)
      		//= branch (n == 5) -> 15:jump | 12:nop
      			goto out;
      			//= jump goto out -> 20:nop
      	}
      	do {
      	//= nop do
      		n++;
      		//= assign n := (n + 1)
      	} while (n < 10);
      	//= branch (n < 10) loop -> 17:nop | 20:nop
      out:
      //= nop out:
      	return err;
      	//= return err
      }
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);

    const fn = functionOf(program, 'loops');
    // `goto out` leaves the while loop for the label; the label is reached from the do loop's exit too.
    const jump = findOp(fn, (op) => op.kind === 'jump' && op.jump === 'goto');
    expect(jump).toMatchObject({ label: 'out', anchor: { newLine: 15, patchLine: 21 } });
    expect(fn.ops[jump.succ[0]!]).toMatchObject({ kind: 'nop', text: 'out:', anchor: { newLine: 20, patchLine: 26 } });
    const doBody = findOp(fn, (op) => op.kind === 'assign' && op.anchor.newLine === 18);
    expect(reaches(fn, doBody.id, (op) => op.id === doBody.id)).toBe(true);
  });

  it('lowers a switch into a chain of case tests with fall-through, break and default', async () => {
    const built = newFilePatch('drivers/misc/sw.c', `
      static int sw(int n)
      //= nop sw()
      {
      	int err = 0;
      	//= assign err := 0

      	switch (n) {
      	case 1:
      	//= branch (n == 1) -> 7:assign | 9:branch
      		err = 1;
      		//= assign err := 1
      		break;
      		//= jump break -> 15:return
      	case 2:
      	//= branch (n == 2) -> 11:assign | 10:branch
      	case 3:
      	//= branch (n == 3) -> 11:assign | 12:nop
      		err = 2;
      		//= assign err := 2
      	default:
      	//= nop default:
      		err = 3;
      		//= assign err := 3
      	}
      	return err;
      	//= return err
      }
    `);
    const { rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
  });

  it('lowers #if inside a function as a branch over both alternatives', async () => {
    const built = newFilePatch('drivers/misc/pp.c', `
      static void pp(struct dev *d)
      //= nop pp()
      {
      #ifdef CONFIG_FOO
      //= branch «#if CONFIG_FOO» -> 4:store | 6:store
      	d->foo = 1;
      	//= store d->foo = 1 -> 8:return
      #else
      	d->foo = 2;
      	//= store d->foo = 2
      #endif
      }
      //= return
    `);
    const { rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
  });

  it('ends a function that falls off its end with a return at the closing brace', async () => {
    const built = newFilePatch('drivers/misc/end.c', `
      static void end(struct dev *d)
      //= nop end()
      {
      	if (!d)
      	//= branch d -> 5:store | 4:return
      		return;
      		//= return
      	d->x = 1;
      	//= store d->x = 1
      }
      //= return
    `);
    const { rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
  });

  // Regression (src/extract/lower-stmt.ts, lowerFor/lowerWhile/lowerDo/lowerListLoop): `branch.loop`
  // marks a loop's test in the IR (program.ts); nothing passed `loop = true`, so every branch had
  // `loop: false`. Each test of a short-circuit loop condition is the loop's; an `if` is not.
  it('marks the test of every loop with loop: true', async () => {
    const built = newFilePatch('drivers/misc/flag.c', `
      static void flag(struct dev *d, int n)
      {
      	struct page *page;
      	while (n > 0)
      		n--;
      	list_for_each_entry(page, &d->pages, lru)
      		put_page(page);
      	for (; n < 4 && d->ok; n++)
      		if (d->x)
      			break;
      	do
      		n--;
      	while (n);
      }
    `);
    const { program } = await extractAnnotated(built);
    const branches = functionOf(program, 'flag').ops.filter((op) => op.kind === 'branch');
    expect(branches.map((op) => op.kind === 'branch' && op.loop)).toEqual([true, true, true, true, false, true]);
  });
});
