import type { Diagnostic } from '../model/diagnostic.js';
import type { FileDiff } from '../model/patch.js';
import { DEV_NULL, parseBarePath, parseGitDiffPaths, parseHeaderPath } from './diff-paths.js';
import { HUNK_HEADER, isFileHeaderPair, isSignature, readHunk } from './read-hunk.js';
import type { SourceText } from './source-text.js';

/**
 * A strict unified-diff reader (git and `diff -u`/quilt forms) for the diff inside a body.
 *
 * Why not `parse-diff`, the dependency we started with: run on small inputs (parse-diff 0.12.0), it
 *  - keeps no input line numbers, and every finding must point back into the file the user opened;
 *  - completes a hunk cut off at the end of input with an invented empty context line, and reports
 *    nothing when a hunk's lines disagree with its header;
 *  - reads a rename without status or similarity, and a binary diff as an empty modified file.
 * Text before the first file (a commit message, a diffstat) and after git's `-- ` signature is skipped.
 */
export interface DiffRead {
  files: FileDiff[];
  diagnostics: Diagnostic[];
}

/** Git's extended header lines between `diff --git` and `---`. */
const KEYWORDS = /^(new file mode|deleted file mode|rename from|rename to|copy from|copy to|similarity index|dissimilarity index|old mode|new mode|index|GIT binary patch|Binary files)(?: (.*))?$/;

/** Header state of the file being read; only the lines right after `diff --git` can change it. */
interface OpenFile {
  file: FileDiff;
  /** Still in the extended header block, before `---`/`+++` or the first hunk. */
  inHeader: boolean;
}

export function parseUnifiedDiff(source: SourceText): DiffRead {
  const { lines } = source;
  const files: FileDiff[] = [];
  const diagnostics: Diagnostic[] = [];
  let open: OpenFile | undefined;
  for (let at = 0; at < lines.length; ) {
    const line = lines[at] as string;
    if (line.startsWith('diff --git ')) {
      open = { file: startGitFile(source, at), inHeader: true };
      files.push(open.file);
      at++;
    } else if (isFileHeaderPair(lines, at)) {
      if (open?.inHeader) {
        setHeaderPaths(open.file, lines[at] as string, lines[at + 1] as string);
        open.inHeader = false;
      } else {
        open = { file: startPlainFile(source, at), inHeader: false };
        files.push(open.file);
      }
      at += 2;
    } else if (HUNK_HEADER.test(line)) {
      if (!open) {
        open = { file: startOrphanFile(source, at, diagnostics), inHeader: false };
        files.push(open.file);
      }
      open.inHeader = false;
      const read = readHunk(source, at);
      open.file.hunks.push(read.hunk);
      diagnostics.push(...read.diagnostics);
      at = read.next;
    } else if (open?.inHeader && readExtendedHeader(open.file, line)) {
      at++;
    } else if (isSignature(line) && files.length > 0) {
      break;
    } else {
      if (open) open.inHeader = false;
      at++;
    }
  }
  for (const file of files) {
    if (file.status === 'binary') {
      diagnostics.push({
        level: 'note', input: source.input, patchLine: file.patchLine, code: 'binary-diff',
        message: `binary diff of ${file.newPath === DEV_NULL ? file.oldPath : file.newPath} is not reviewed`,
      });
    }
  }
  return { files, diagnostics };
}

function startGitFile(source: SourceText, at: number): FileDiff {
  const paths = parseGitDiffPaths((source.lines[at] as string).slice('diff --git '.length));
  return { oldPath: paths?.oldPath ?? '', newPath: paths?.newPath ?? '', status: 'modified', patchLine: source.lineOf(at), hunks: [] };
}

function startPlainFile(source: SourceText, at: number): FileDiff {
  const file: FileDiff = { oldPath: '', newPath: '', status: 'modified', patchLine: source.lineOf(at), hunks: [] };
  setHeaderPaths(file, source.lines[at] as string, source.lines[at + 1] as string);
  return file;
}

/** A hunk quoted or pasted without its file header: kept, since its lines can still be reviewed. */
function startOrphanFile(source: SourceText, at: number, diagnostics: Diagnostic[]): FileDiff {
  const patchLine = source.lineOf(at);
  diagnostics.push({
    level: 'warning', input: source.input, patchLine, code: 'no-file-header',
    message: 'hunk without a `---`/`+++` file header; its file is unknown',
  });
  return { oldPath: '', newPath: '', status: 'modified', patchLine, hunks: [] };
}

function setHeaderPaths(file: FileDiff, minus: string, plus: string): void {
  file.oldPath = parseHeaderPath(minus);
  file.newPath = parseHeaderPath(plus);
  if (file.status !== 'modified') return;
  if (file.oldPath === DEV_NULL) file.status = 'added';
  else if (file.newPath === DEV_NULL) file.status = 'deleted';
}

/** Applies one git extended header line; false when the line is not one. */
function readExtendedHeader(file: FileDiff, line: string): boolean {
  const [keyword, value] = splitKeyword(line);
  switch (keyword) {
    case 'new file mode':
      file.oldPath = DEV_NULL;
      if (file.status === 'modified') file.status = 'added';
      return true;
    case 'deleted file mode':
      file.newPath = DEV_NULL;
      if (file.status === 'modified') file.status = 'deleted';
      return true;
    case 'rename from':
    case 'copy from':
      file.oldPath = parseBarePath(value);
      if (file.status !== 'binary') file.status = keyword === 'rename from' ? 'renamed' : 'copied';
      return true;
    case 'rename to':
    case 'copy to':
      file.newPath = parseBarePath(value);
      return true;
    case 'similarity index':
      file.similarity = parseInt(value, 10);
      return true;
    case 'GIT binary patch':
    case 'Binary files':
      file.status = 'binary';
      return true;
    case 'old mode':
    case 'new mode':
    case 'index':
    case 'dissimilarity index':
      return true;
    default:
      return false;
  }
}

function splitKeyword(line: string): [string, string] {
  const match = KEYWORDS.exec(line);
  return match ? [match[1] as string, match[2] ?? ''] : ['', ''];
}
