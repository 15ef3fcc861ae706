import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/registry.js';

/** Docs are tests, as in typescript-eslint: one page per rule, and what a page claims matches `meta`. */

const DOCS = path.resolve(import.meta.dirname, '..', '..', 'docs', 'rules');
const SECTIONS = ['## What it detects', '## Why it matters', '## Invalid', '## Valid', '## Fix', '## Known false positives and limits'];

const page = (id: string): string => readFileSync(path.join(DOCS, `${id}.md`), 'utf8');
const paragraphs = (text: string): string[] => text.split(/\n\s*\n/).map((p) => p.trim());

describe('rule docs', () => {
  it('has one page per registered rule and no other', () => {
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
    expect(pages).toEqual(RULES.map((r) => r.meta.id).sort());
  });

  for (const { meta } of RULES) {
    describe(meta.id, () => {
      it('is titled by the rule id and opens with the summary of meta', () => {
        const [title, summary] = paragraphs(page(meta.id));
        expect(title).toBe(`# ${meta.id}`);
        expect(summary).toBe(meta.summary);
      });

      it('states the severity and the evidence of meta', () => {
        expect(page(meta.id)).toContain(`- Severity: \`${meta.severity}\``);
        expect(page(meta.id)).toMatch(new RegExp(`- Evidence: \`${meta.source}\``));
      });

      it('has every section, in order, with C examples', () => {
        const text = page(meta.id);
        const at = SECTIONS.map((s) => text.indexOf(`\n${s}\n`));
        expect(at.every((i) => i > 0)).toBe(true);
        expect([...at].sort((a, b) => a - b)).toEqual(at);
        for (const [from, to] of [[2, 3], [3, 4]] as const) {
          expect(text.slice(at[from], at[to])).toContain('```c\n');
        }
      });
    });
  }
});
