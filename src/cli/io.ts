import { clearLine, cursorTo } from 'node:readline';

/** The side effects the CLI may use, passed in so tests can run `main` in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<Buffer>;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colour only then). */
  isTTY: boolean;
  /**
   * Replaces the one status line on the terminal (progress); anything printed after takes its place.
   * Absent where stderr is no terminal that can rewrite a line.
   */
  status?: (text: string) => void;
}

export function processIo(): Io {
  // A reader that stops early (`kreview lint ... | head`) closes the pipe: what is left to print goes
  // nowhere, and the run ends with its own exit status, instead of a stack trace.
  let readerGone = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    readerGone = true;
  });
  const status = statusLine(process.stderr, process.env);
  return {
    stdout: (text) => {
      status?.clear();
      if (!readerGone) process.stdout.write(text);
    },
    stderr: (text) => {
      status?.clear();
      process.stderr.write(text);
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    ...(status ? { status: status.show } : {}),
  };
}

/** One line of stderr, rewritten in place: only on a terminal that can (not `TERM=dumb`). */
function statusLine(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): { show: (text: string) => void; clear: () => void } | undefined {
  if (!stream.isTTY || env.TERM === 'dumb') return undefined;
  let shown = false;
  const clear = (): void => {
    if (!shown) return;
    clearLine(stream, 0);
    cursorTo(stream, 0);
    shown = false;
  };
  // The process may end with the line still there (an error thrown, a run cut short): leave none behind.
  process.on('exit', clear);
  return {
    show: (text) => {
      clearLine(stream, 0);
      cursorTo(stream, 0);
      // A line wider than the terminal wraps, and a wrapped line cannot be taken back: one column a
      // character, so a wide one (a subject in CJK, an emoji) stands as `?`.
      stream.write(text.replace(/[^\x20-\x7e]/gu, '?').slice(0, (stream.columns || 80) - 1));
      shown = true;
    },
    clear,
  };
}
