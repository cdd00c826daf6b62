/**
 * thaw restore purge: delete from Glacier only the archives whose restored
 * file is proven byte-exact at that moment (see purge.ts for the flow). The
 * headless command and the TUI's restore dashboard both use this API.
 */
export {openPurge, confirmationMatches, type PurgeOptions, type PurgeResult, type PurgeSession} from './purge.js';
export {confirmQuestion, keptLine, keptLines, previewLines, progressText, resultLines} from './describe.js';
export {keptSummary, storagePriceFor, type Count, type KeptArchive, type PurgePreview, type StoragePrice} from './preview.js';
export {PurgeStore, type PurgePhase, type PurgeSnapshot, type PurgeStoreView} from './store.js';
export {keepReasonText, proveFile, type KeepReason} from './verify.js';
export {readPurgeState, PurgeCode, type PurgeState} from './journal.js';
export {ledgerFileName, readVaultDeletions, recordDeletions, type VaultDeletions} from './ledger.js';
export type {DeleteOptions} from './delete.js';
