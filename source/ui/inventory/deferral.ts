/**
 * From this many rows on, the browser sorts after drawing a "sorting…"
 * status (a sort may then take over 100 ms), and a text filter waits for the
 * background search index instead of building it at once ("indexing…").
 * delayMs: how long the status shows before the work starts, at least one
 * frame. (Tests lower rows to see the busy states on small inventories.)
 */
export const deferral = {rows: 50_000, delayMs: 0};
