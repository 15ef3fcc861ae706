#!/usr/bin/env node
import { main } from '../dist/bundle/main.js';
import { processIo } from '../dist/bundle/io.js';

process.exitCode = await main(process.argv.slice(2), processIo());
