#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { main } from '../dist/bundle/main.js';
import { processIo } from '../dist/bundle/io.js';

// The simulator's step functions are large, and V8's default inlining made each optimised compile of
// them take ~85 ms, on a search that is over in about a second: a run spent much of it in unoptimised
// code waiting. Inlining only small functions compiles them sooner (seed lint, median of 7 runs:
// 1.68 -> 1.44 s on 2 cores; a 2-minute search no slower). Set before any of it is optimised.
setFlagsFromString('--max-inlined-bytecode-size=30');

process.exitCode = await main(process.argv.slice(2), processIo());
