/**
 * The headless commands' view of the argv toolkit, which lives in
 * source/args.ts because source/cli/ reads argv with it too (the TUI's
 * options, the commands that choose a mode) and headless/ may not import cli/.
 */
export {connectionFromArgs, connectionHelp, connectionOptions, integer, parse, seconds} from '../args.js';
