import { describe, expect, it } from 'vitest';
import { evaluateConstant, macroValues } from '../../src/extract/constant-expr.js';
import { KERNEL_CONSTANTS } from '../../src/extract/kernel-api.js';
import { extractText, fileOf, findOp, functionOf, newFilePatch } from './annotated.js';

describe('integer constant expressions of #define bodies', () => {
  const none = (): undefined => undefined;

  it('evaluates numbers, parentheses and C\'s integer operators with C\'s precedence', () => {
    expect(evaluateConstant('(4096 >> 12)', none)).toBe(1);
    expect(evaluateConstant('1 + 2 * 3', none)).toBe(7);
    expect(evaluateConstant('(1 + 2) * 3', none)).toBe(9);
    expect(evaluateConstant('0x10 | 1 << 2', none)).toBe(20);
    expect(evaluateConstant('256UL', none)).toBe(256);
    expect(evaluateConstant('-(3) % 2', none)).toBe(-1);
    expect(evaluateConstant('~0 & 0xff', none)).toBe(255);
    expect(evaluateConstant('010', none)).toBe(8);
  });

  it('has no value for what is not an integer constant expression', () => {
    expect(evaluateConstant('"string"', none)).toBeUndefined();
    expect(evaluateConstant('foo(1)', none)).toBeUndefined();
    expect(evaluateConstant('1 +', none)).toBeUndefined();
    expect(evaluateConstant('4 / 0', none)).toBeUndefined();
    expect(evaluateConstant('UNKNOWN_FLAG | 1', none)).toBeUndefined();
  });

  it('resolves macros through each other and the kernel\'s constants, and stops at a cycle', () => {
    const bodies = new Map([
      ['PAGES_PER_PAGE', '(PAGE_SIZE >> PFN_SHIFT)'], ['PFN_SHIFT', '12'], ['TWICE', '(2 * PAGES_PER_PAGE)'],
      ['LOOP_A', 'LOOP_B + 1'], ['LOOP_B', 'LOOP_A'],
    ]);
    expect(Object.fromEntries(macroValues(bodies, KERNEL_CONSTANTS))).toEqual({ PAGES_PER_PAGE: 1, PFN_SHIFT: 12, TWICE: 2 });
  });
});

describe('macros and array lengths a patch shows', () => {
  const patch = newFilePatch('drivers/misc/counted.c', `
    #define SLOTS_PER_PAGE (PAGE_SIZE >> SLOT_SHIFT)
    #define SLOT_SHIFT 10
    struct counted {
    \tunsigned int slots[SLOTS_PER_PAGE * 2];
    \tunsigned int n;
    };
    static unsigned int counted_take(struct counted *c, unsigned int want)
    {
    \treturn min(want, ARRAY_SIZE(c->slots));
    }
  `);

  it('records object-like macros and the length of each array field, keyed as ARRAY_SIZE() of it lowers to', async () => {
    const facts = fileOf(await extractText(patch.text), 'drivers/misc/counted.c').facts;
    expect(facts.macros).toEqual({ SLOTS_PER_PAGE: '(PAGE_SIZE >> SLOT_SHIFT)', SLOT_SHIFT: '10' });
    expect(facts.arrays).toEqual({ 'ARRAY_SIZE(->slots)': 'SLOTS_PER_PAGE * 2' });
    expect(Object.fromEntries(macroValues(new Map([...Object.entries(facts.macros), ...Object.entries(facts.arrays)]), KERNEL_CONSTANTS)))
      .toEqual({ SLOTS_PER_PAGE: 4, SLOT_SHIFT: 10, 'ARRAY_SIZE(->slots)': 8 });
  });

  it('lowers ARRAY_SIZE(x->field) to a named constant instead of an opaque value', async () => {
    const fn = functionOf(await extractText(patch.text), 'counted_take');
    const call = findOp(fn, (op) => op.kind === 'call' && op.callee === 'min');
    expect(call.kind === 'call' && call.args[1]).toEqual({ k: 'name', name: 'ARRAY_SIZE(->slots)', scope: 'constant' });
  });
});
