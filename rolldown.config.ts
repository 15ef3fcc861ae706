import { defineConfig } from 'rolldown';

/**
 * What bin/kreview.js runs: tsc's output in dist/ bundled into a few files under dist/bundle/. Node
 * resolves, reads and links each ES module on its own, and for `kreview lint` that was about 90 files
 * of ours. Each command module `main` loads lazily stays a chunk of its own, with the modules commands
 * share split out, so a command loads only what it needs. Packages stay outside: tree-sitter and its
 * grammar are native addons found beside their own files, and the rest are installed anyway.
 *
 * The bundle sits two levels below the package root, as dist/cli/ does, for `package-info`.
 */
export default defineConfig({
  input: {
    main: 'dist/cli/main.js',
    io: 'dist/cli/io.js',
    // Loaded by URL from the scenario pool, beside the chunk that starts it.
    'scenario-worker': 'dist/cli/scenario-worker.js',
  },
  platform: 'node',
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  output: {
    dir: 'dist/bundle',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    cleanDir: true,
  },
});
