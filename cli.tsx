#!/usr/bin/env -S node --initial-old-space-size=64
/**
 * The V8 flag in the first line is measured: V8 starts with a tiny old
 * generation and, while a download streams, runs a full mark-compact every
 * ~70 ms to stay in it (77 per GiB); starting it at 64 MiB leaves 0 and cuts
 * thaw's user CPU per GiB from ~4.3 s to ~2.3 s at the same peak RSS
 * (`node --trace-gc build/cli.js get-job-output ...`).
 *
 * thaw: argv -> source/cli (the command table, argument parsing, and per
 * command the choice between the terminal UI and printing). This file stays
 * this thin so that nothing heavy loads before a command is chosen.
 */
import process from 'node:process';
import {main} from './source/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
