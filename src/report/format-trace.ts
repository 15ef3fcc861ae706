import type { TraceStep } from '../model/verdict.js';
import { anchorLine } from './locate-line.js';
import { wrapWords } from './wrap-words.js';

/** Where a trace table goes: the text report gives it the terminal, a mail reply 72 columns. */
interface TraceLayout {
  /** Columns for the whole table, the indent included. */
  width: number;
  /** Spaces before every line. */
  indent: number;
}

/** A trace as lines: the header (thread names and a rule under them) apart, so callers can style it. */
interface RenderedTrace {
  header: string[];
  rows: string[];
}

interface Column {
  thread: number;
  label: string;
  width: number;
}

const GAP = '   ';
/** Narrower than this, `function:line` stops fitting and the table is harder to read than to scroll. */
const MIN_COLUMN = 16;
/** Cell continuation lines are indented so each step's start stands out in its column. */
const CONTINUATION = '  ';

/** `CPU0 (deflate)`: the name a reviewer uses for a thread in an interleaving. */
export function threadLabel(thread: number, actor: string): string {
  return `CPU${thread} (${actor})`;
}

/**
 * What a step does, in words. A store buffer commit is not an instruction the reader can find in the
 * code, so it says what becomes visible instead of repeating the store.
 */
export function stepText(step: TraceStep): string {
  if (!step.commit) return step.text;
  if (step.note) return `(${step.note})`;
  const target = /^(.*?[^=!<>\s+\-*/%&|^])\s*=(?!=)/.exec(step.text)?.[1];
  return target ? `(store to ${target} becomes visible)` : `(store becomes visible: ${step.text})`;
}

/** `leak_balloon:197`, or the function alone when the step has no source line. */
export function stepPlace(step: TraceStep): string {
  const line = anchorLine(step.anchor);
  return line === undefined ? step.function : `${step.function}:${line}`;
}

/** The threads of a trace in CPU order, each named after the actor of its first step. */
export function traceThreads(trace: readonly TraceStep[]): { thread: number; actor: string }[] {
  const actors = new Map<number, string>();
  for (const step of trace) if (!actors.has(step.thread)) actors.set(step.thread, step.actor);
  return [...actors.entries()].sort((a, b) => a[0] - b[0]).map(([thread, actor]) => ({ thread, actor }));
}

function cellLines(step: TraceStep, width: number): string[] {
  const place = stepPlace(step);
  const text = stepText(step);
  const note = step.commit || !step.note ? undefined : `(${step.note})`;
  const lines = `${place}  ${text}`.length <= width
    ? [`${place}  ${text}`]
    : [...wrapWords(place, width), ...wrapWords(text, width - CONTINUATION.length).map((l) => CONTINUATION + l)];
  if (note) lines.push(...wrapWords(note, width - CONTINUATION.length).map((l) => CONTINUATION + l));
  return lines;
}

/**
 * Column widths: each column gets what its widest cell needs when everything fits; otherwise the
 * space is shared out so that a narrow column cedes what it does not use to the wider ones.
 */
function fitWidths(natural: readonly number[], available: number): number[] {
  const widths = natural.map(() => 0);
  let left = Math.max(available, MIN_COLUMN * natural.length);
  let open = natural.map((_, i) => i);
  while (open.length > 0) {
    const share = Math.floor(left / open.length);
    const settled = open.filter((i) => (natural[i] ?? 0) <= share);
    if (settled.length === 0) {
      for (const i of open) widths[i] = Math.max(MIN_COLUMN, share);
      break;
    }
    for (const i of settled) {
      widths[i] = natural[i] ?? 0;
      left -= widths[i] ?? 0;
    }
    open = open.filter((i) => !settled.includes(i));
  }
  return widths;
}

function layoutColumns(trace: readonly TraceStep[], layout: TraceLayout): Column[] {
  const threads = traceThreads(trace);
  const labels = threads.map(({ thread, actor }) => threadLabel(thread, actor));
  const natural = threads.map(({ thread }, i) =>
    Math.max(
      labels[i]?.length ?? 0,
      ...trace.filter((s) => s.thread === thread).flatMap((s) => [
        `${stepPlace(s)}  ${stepText(s)}`.length,
        !s.commit && s.note ? CONTINUATION.length + s.note.length + 2 : 0,
      ]),
    ),
  );
  const widths = fitWidths(natural, layout.width - layout.indent - GAP.length * (threads.length - 1));
  return threads.map(({ thread }, i) => ({ thread, label: labels[i] ?? '', width: widths[i] ?? MIN_COLUMN }));
}

/** One table row from one cell per column: cells are padded to their column, trailing blanks cut. */
function joinRow(cells: string[][], columns: readonly Column[], indent: string): string[] {
  const height = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let i = 0; i < height; i++) {
    const parts = columns.map((col, c) => (cells[c]?.[i] ?? '').padEnd(col.width));
    lines.push((indent + parts.join(GAP)).trimEnd());
  }
  return lines;
}

/** Traces this short are shown whole. */
const SHORT_TRACE = 12;

/**
 * The steps a reader needs: what touched shared memory, locks and lists, the decisions taken on it,
 * and the last step; calls, returns and hidden lines in between are left out, and a step repeated
 * back to back is shown once.
 */
export function condenseTrace(trace: readonly TraceStep[]): TraceStep[] {
  if (trace.length <= SHORT_TRACE) return [...trace];
  const kept = trace.filter((step, i) => i === trace.length - 1 || step.access !== undefined || step.commit === true
    || (step.decision !== undefined && trace.slice(Math.max(0, i - 3), i).some((s) => s.thread === step.thread && s.access === 'read')));
  return kept.filter((step, i) => {
    const previous = kept[i - 1];
    return !previous || previous.thread !== step.thread || previous.text !== step.text || previous.anchor.newLine !== step.anchor.newLine;
  });
}

/**
 * An interleaving as columns, one per thread, each step on its own row in the global order the
 * simulator found, so reading down shows what happened when and reading across shows who did it.
 */
export function renderTrace(trace: readonly TraceStep[], layout: TraceLayout): RenderedTrace {
  const columns = layoutColumns(trace, layout);
  const indent = ' '.repeat(layout.indent);
  const header = [
    ...joinRow(columns.map((col) => wrapWords(col.label, col.width)), columns, indent),
    ...joinRow(columns.map((col) => ['-'.repeat(col.width)]), columns, indent),
  ];
  const rows = trace.flatMap((step) =>
    joinRow(columns.map((col) => (col.thread === step.thread ? cellLines(step, col.width) : [])), columns, indent),
  );
  return { header, rows };
}
