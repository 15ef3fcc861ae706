import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, ruleById } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/rule.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ids = RULES.map((r) => r.meta.id);

/** Imported by path so that the module is the one the registry imported, found without a glob. */
async function moduleAt(file: string): Promise<Record<string, unknown>> {
  const specifier = path.join(ROOT, 'src', 'rules', file);
  return (await import(specifier)) as Record<string, unknown>;
}

const isRule = (value: unknown): value is Rule =>
  typeof value === 'object' && value !== null && 'meta' in value && 'check' in value && typeof value.check === 'function';

describe('rule registry', () => {
  it('lists each rule once, sorted by id', () => {
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('finds rules by id', () => {
    for (const rule of RULES) expect(ruleById(rule.meta.id)).toBe(rule);
    expect(ruleById('no-such-rule')).toBeUndefined();
  });

  it('names each rule after its module, which exports it', async () => {
    for (const rule of RULES) {
      expect(Object.values(await moduleAt(`${rule.meta.id}.ts`))).toContain(rule);
    }
  });

  it('registers every rule module of src/rules', async () => {
    const exported: string[] = [];
    for (const file of readdirSync(path.join(ROOT, 'src', 'rules')).filter((f) => f.endsWith('.ts'))) {
      exported.push(...Object.values(await moduleAt(file)).filter(isRule).map((r) => r.meta.id));
    }
    expect(exported.sort()).toEqual([...ids].sort());
  });

  it('has a test for every rule, and bad and good fixtures for every rule that reads files or programs', () => {
    for (const { meta } of RULES) {
      expect(existsSync(path.join(ROOT, 'test', 'rules', `${meta.id}.test.ts`)), `${meta.id}.test.ts`).toBe(true);
      if (meta.source === 'simulator') continue;
      for (const kind of ['bad', 'good']) {
        expect(existsSync(path.join(ROOT, 'fixtures', 'patches', `rule-${meta.id}-${kind}.patch`)), `rule-${meta.id}-${kind}.patch`).toBe(true);
      }
    }
  });
});
