import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import path from 'node:path';

/** The pipeline, left to right: a module may import only from its own stage or stages to its left. */
const STAGES = ['model', 'parse', 'extract', 'sim', 'rules', 'report', 'cli'] as const;
/** Modules of the pure core may not touch the outside world; only the CLI does. */
const EFFECTFUL_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process',
  'node:child_process', 'readline', 'node:readline', 'net', 'node:net', 'http', 'node:http']);
const EFFECTFUL_GLOBALS = /\b(process\.(exit|stdout|stderr|stdin|argv|env|cwd)|console\.(log|error|warn|info)|Date\.now|Math\.random)\b/;

const root = path.resolve(import.meta.dirname, '..');
const project = new Project({ tsConfigFilePath: path.join(root, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
project.addSourceFilesAtPaths(path.join(root, 'src/**/*.ts'));
const files = project.getSourceFiles().filter((f) => !f.getFilePath().endsWith('.test.ts'));

function stageOf(filePath: string): number {
  const rel = path.relative(path.join(root, 'src'), filePath).split(path.sep)[0] ?? '';
  return STAGES.indexOf(rel as (typeof STAGES)[number]);
}

describe('architecture', () => {
  it('puts every source module in a known stage', () => {
    const strays = files.filter((f) => stageOf(f.getFilePath()) < 0).map((f) => f.getFilePath());
    expect(strays).toEqual([]);
  });

  it('imports only from the same or an earlier stage', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = stageOf(file.getFilePath());
      for (const decl of file.getImportDeclarations()) {
        const target = decl.getModuleSpecifierSourceFile();
        if (!target) continue;
        const to = stageOf(target.getFilePath());
        if (to > from) {
          violations.push(`${path.relative(root, file.getFilePath())} imports ${decl.getModuleSpecifierValue()}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps I/O, clocks and randomness in the CLI', () => {
    const violations: string[] = [];
    for (const file of files) {
      if (STAGES[stageOf(file.getFilePath())] === 'cli') continue;
      const rel = path.relative(root, file.getFilePath());
      for (const decl of file.getImportDeclarations()) {
        if (EFFECTFUL_MODULES.has(decl.getModuleSpecifierValue())) violations.push(`${rel} imports ${decl.getModuleSpecifierValue()}`);
      }
      const match = EFFECTFUL_GLOBALS.exec(file.getFullText());
      if (match) violations.push(`${rel} uses ${match[0]}`);
    }
    expect(violations).toEqual([]);
  });

  it('has no `any`', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (/(:\s*any\b|<any>|as any\b)/.test(file.getFullText())) offenders.push(path.relative(root, file.getFilePath()));
    }
    expect(offenders).toEqual([]);
  });
});
