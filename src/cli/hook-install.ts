import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../model/errors.js';
import { EXIT_CLEAN } from './exit.js';
import { outputLines, requireRepository, runGit } from './git.js';
import { CHAINED_SUFFIX, HOOK_TYPES, isKreviewHook, isUnedited, renderHook, SENDEMAIL_CACHE, type HookSettings, type HookType } from './hook-script.js';
import type { Io } from './io.js';

/**
 * `kreview hook install` and `uninstall`. The hooks directory is git's own answer to where hooks
 * live (`git rev-parse --git-path hooks`, which follows `core.hooksPath`). A hook already there is
 * never overwritten: it is renamed to `<hook>.kreview-chained` (a rename keeps its bytes, mode and,
 * for a symbolic link, the link itself) and kreview's hook runs it first. Uninstall renames it back.
 * Anything kreview cannot put back exactly is refused with the reason, and nothing is changed.
 */
interface HookPlace {
  type: HookType;
  /** Absolute paths. */
  hook: string;
  chained: string;
  /** For messages: relative to the working directory. */
  shown: string;
}

async function hooksDirectory(io: Pick<Io, 'cwd' | 'env'>): Promise<{ dir: string; viaConfig: boolean }> {
  await requireRepository(io);
  const [dir = ''] = outputLines(await runGit(['rev-parse', '--git-path', 'hooks'], io));
  const configured = await runGit(['config', '--get', 'core.hooksPath'], io, { allowStatus: [1] });
  return { dir: path.resolve(io.cwd, dir), viaConfig: configured.status === 0 };
}

function placeOf(type: HookType, dir: string, io: Pick<Io, 'cwd'>): HookPlace {
  const hook = path.join(dir, type);
  return { type, hook, chained: hook + CHAINED_SUFFIX, shown: path.relative(io.cwd, hook) || hook };
}

async function lstatOrNothing(where: string): Promise<Stats | undefined> {
  try {
    return await lstat(where);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new InputError(`cannot inspect: ${error instanceof Error ? error.message : String(error)}`, where);
  }
}

/** The hook file's text when it is a regular file; undefined for a link or anything else. */
async function regularText(where: string, info: Stats | undefined): Promise<string | undefined> {
  return info?.isFile() ? readFile(where, 'utf8') : undefined;
}

/** Writes the hook beside its place and renames it in, so git never runs half a file. */
async function writeHook(where: string, text: string): Promise<void> {
  const fresh = `${where}.kreview-new`;
  await writeFile(fresh, text, { mode: 0o755 });
  await chmod(fresh, 0o755);
  await rename(fresh, where);
}

export async function installHook(settings: HookSettings, io: Io): Promise<number> {
  const { dir, viaConfig } = await hooksDirectory(io);
  const place = placeOf(settings.type, dir, io);
  const text = renderHook(settings);
  const [hookInfo, chainedInfo] = [await lstatOrNothing(place.hook), await lstatOrNothing(place.chained)];
  const existing = await regularText(place.hook, hookInfo);
  const where = viaConfig ? ' (core.hooksPath)' : '';

  if (existing !== undefined && isKreviewHook(existing)) {
    if (!isUnedited(existing)) throw refusal(place, 'it is a kreview hook that was edited since it was installed; remove or restore it by hand first');
    await writeHook(place.hook, text);
    io.stdout(`kreview: updated the ${place.type} hook at ${place.shown}${where}${chainedInfo ? ` (it still runs ${path.basename(place.chained)} first)` : ''}\n`);
    return EXIT_CLEAN;
  }
  if (hookInfo && !hookInfo.isFile() && !hookInfo.isSymbolicLink()) {
    throw refusal(place, `it is ${describeKind(hookInfo)}, not a hook file kreview can chain to`);
  }
  if (hookInfo && (await isTracked(place.hook, io))) {
    throw refusal(place, 'it is a file of the project, tracked by git (core.hooksPath points into the work tree); kreview would change it for everyone and write this machine\'s paths into it. Point core.hooksPath elsewhere, or have that hook run `kreview hook run ' + place.type + ' -- "$@"` itself');
  }
  if (hookInfo && chainedInfo) {
    throw refusal(place, `${path.basename(place.chained)} already exists beside it, so the hook there now has nowhere to be kept`);
  }
  if (!hookInfo && chainedInfo) {
    throw refusal(place, `${path.basename(place.chained)} exists but the hook it belongs to does not: rename it back to ${place.type} or remove it first`);
  }

  await mkdir(dir, { recursive: true });
  if (hookInfo) await rename(place.hook, place.chained);
  try {
    await writeHook(place.hook, text);
  } catch (error) {
    if (hookInfo) await rename(place.chained, place.hook);
    throw error;
  }
  const chained = hookInfo ? `; the hook that was there is kept as ${path.basename(place.chained)} and runs first` : '';
  io.stdout(`kreview: installed the ${place.type} hook at ${place.shown}${where}${chained}\n`);
  if (settings.type === 'sendemail-validate' && (await sendEmailSkipsHook(io))) {
    io.stderr('kreview: warning: sendemail.validate is false in your git config, so git send-email will not run this hook\n');
  }
  return EXIT_CLEAN;
}

/** Whether git tracks the file: then it is the project's, not this clone's. */
async function isTracked(file: string, io: Pick<Io, 'cwd' | 'env'>): Promise<boolean> {
  const listed = await runGit(['ls-files', '--error-unmatch', '--', file], io, { allowStatus: [1, 128] });
  return listed.status === 0;
}

async function sendEmailSkipsHook(io: Pick<Io, 'cwd' | 'env'>): Promise<boolean> {
  const validate = await runGit(['config', '--bool', '--get', 'sendemail.validate'], io, { allowStatus: [1, 128] });
  return validate.status === 0 && validate.stdout.toString('utf8').trim() === 'false';
}

/** Removes kreview's hooks (all types, or the one named) and puts back what each one chained to. */
export async function uninstallHooks(types: readonly HookType[] | undefined, io: Io): Promise<number> {
  const { dir } = await hooksDirectory(io);
  const places = (types ?? HOOK_TYPES).map((type) => placeOf(type, dir, io));
  const problems: string[] = [];
  let changed = 0;
  for (const place of places) {
    try {
      const message = await uninstallOne(place);
      if (message) {
        io.stdout(`kreview: ${message}\n`);
        changed++;
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
    }
  }
  if (places.some((place) => place.type === 'sendemail-validate')) {
    const [cache = ''] = outputLines(await runGit(['rev-parse', '--git-path', SENDEMAIL_CACHE], io));
    await rm(path.resolve(io.cwd, cache), { recursive: true, force: true });
  }
  if (problems.length > 0) throw new InputError(problems.join('; '));
  if (changed === 0) io.stdout(`kreview: no kreview hook in ${path.relative(io.cwd, dir) || dir}; nothing to remove\n`);
  return EXIT_CLEAN;
}

async function uninstallOne(place: HookPlace): Promise<string | undefined> {
  const [hookInfo, chainedInfo] = [await lstatOrNothing(place.hook), await lstatOrNothing(place.chained)];
  const existing = await regularText(place.hook, hookInfo);
  const ours = existing !== undefined && isKreviewHook(existing);
  if (hookInfo && !ours) {
    if (chainedInfo) throw refusal(place, `it is not kreview's hook any more; ${path.basename(place.chained)} is left as it is`, 'remove');
    return undefined;
  }
  if (ours && !isUnedited(existing)) throw refusal(place, 'it was edited after kreview installed it; remove it by hand', 'remove');
  if (chainedInfo) {
    // rename() replaces kreview's hook in one step and keeps the original's bytes, mode and times.
    await rename(place.chained, place.hook);
    if (!hookInfo) return `put back the ${place.type} hook that kreview's (removed by hand) had chained to, at ${place.shown}`;
    return `removed the ${place.type} hook at ${place.shown} and put back the hook it chained to`;
  }
  if (!hookInfo) return undefined;
  await unlink(place.hook);
  return `removed the ${place.type} hook at ${place.shown}`;
}

function describeKind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refusal(place: HookPlace, why: string, verb: 'install' | 'remove' = 'install'): InputError {
  return new InputError(`will not ${verb} the ${place.type} hook at ${place.shown}: ${why}`);
}
