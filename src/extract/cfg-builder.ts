import type { Anchor, Expr, NameScope, Op } from '../model/program.js';
import type { CSource } from '../parse/rebuild-c.js';
import { flatText, type SyntaxNode } from './c-syntax.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type OpBody = DistributiveOmit<Op, 'id' | 'anchor' | 'text' | 'succ'>;

/** A successor slot of an operation that still has to be pointed at the next operation. */
export interface Exit {
  op: number;
  slot: number;
}

export interface BranchExits {
  t: Exit[];
  f: Exit[];
}

interface LoopFrame {
  breaks: Exit[];
  continues: Exit[];
  /** A `switch` takes `break` but not `continue`. */
  isSwitch: boolean;
}

/** How names resolve inside the function being lowered. */
export interface NameTable {
  resolve(name: string): NameScope;
}

/**
 * Builds a function's operation graph in emission order. `pending` holds the exits that fall
 * through to whatever is emitted next; a terminator (return, jump) leaves it empty.
 */
export class CfgBuilder {
  readonly ops: Op[] = [];
  readonly notes: string[] = [];
  pending: Exit[] = [];
  private temps = 0;
  private readonly loops: LoopFrame[] = [];
  readonly labels = new Map<string, number>();
  readonly gotos: { op: number; label: string }[] = [];

  constructor(
    readonly source: CSource,
    readonly names: NameTable,
  ) {}

  anchorOf(node: SyntaxNode): Anchor {
    const line = this.source.lines[node.startPosition.row];
    const anchor: Anchor = { file: this.source.file, origin: line?.origin ?? 'synthetic' };
    if (this.source.input !== undefined && line?.patchLine !== undefined) anchor.input = this.source.input;
    if (line?.patchLine !== undefined) anchor.patchLine = line.patchLine;
    if (line?.newLine !== undefined) anchor.newLine = line.newLine;
    if (line?.oldLine !== undefined) anchor.oldLine = line.oldLine;
    return anchor;
  }

  /** The line a note names: the node's first new-file line (old for the pre-image); glue rows have none. */
  lineOf(node: SyntaxNode): number | '?' {
    for (let row = node.startPosition.row; row <= node.endPosition.row; row += 1) {
      const line = this.source.lines[row];
      const number = line?.newLine ?? line?.oldLine;
      if (number !== undefined) return number;
    }
    return '?';
  }

  /** Notes C that tree-sitter could not read; its recovery around the error is a guess, not the code. */
  noteUnparsed(node: SyntaxNode): void {
    const note = `C that tree-sitter cannot parse at line ${this.lineOf(node)}: ${flatText(node, 60)}`;
    if (!this.notes.includes(note)) this.notes.push(note);
  }

  newTemp(): number {
    this.temps += 1;
    return this.temps;
  }

  /** Appends an operation reached from every pending exit; it becomes the only pending exit. */
  emit(body: OpBody, node: SyntaxNode, text = flatText(node)): number {
    const id = this.ops.length;
    const terminator = body.kind === 'return' || body.kind === 'jump' || (body.kind === 'bug' && body.level === 'bug');
    const succ = body.kind === 'branch' ? [-1, -1] : terminator ? [] : [-1];
    this.ops.push({ ...body, id, anchor: this.anchorOf(node), text, succ } as Op);
    this.link(this.pending, id);
    this.pending = terminator || body.kind === 'branch' ? [] : [{ op: id, slot: 0 }];
    return id;
  }

  branch(cond: Expr, node: SyntaxNode, loop = false, text = flatText(node)): BranchExits {
    const id = this.emit({ kind: 'branch', cond, loop }, node, text);
    return { t: [{ op: id, slot: 0 }], f: [{ op: id, slot: 1 }] };
  }

  link(exits: readonly Exit[], target: number): void {
    for (const exit of exits) this.ops[exit.op]!.succ[exit.slot] = target;
  }

  /** A target for back edges and labels that exists even when the next statement emits nothing. */
  head(node: SyntaxNode, text: string): number {
    return this.emit({ kind: 'nop' }, node, text);
  }

  load(source: Expr, node: SyntaxNode, order: 'plain' | 'once' | 'acquire' = 'plain'): Expr {
    const dest = this.newTemp();
    this.emit({ kind: 'load', dest, source, order }, node);
    return { k: 'temp', id: dest };
  }

  pushLoop(isSwitch: boolean): void {
    this.loops.push({ breaks: [], continues: [], isSwitch });
  }

  popLoop(): LoopFrame {
    return this.loops.pop()!;
  }

  /** Records a `break` or `continue` exit with its loop; false when there is no enclosing one. */
  addLoopExit(kind: 'break' | 'continue', exit: Exit): boolean {
    for (let i = this.loops.length - 1; i >= 0; i -= 1) {
      const frame = this.loops[i]!;
      if (kind === 'continue' && frame.isSwitch) continue;
      (kind === 'break' ? frame.breaks : frame.continues).push(exit);
      return true;
    }
    return false;
  }
}
