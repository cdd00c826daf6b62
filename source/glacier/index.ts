export {connect, validateEndpoint, type Connection, type ConnectionOptions} from './client.js';
export {deleteArchive, deleteVault, describeJob, describeVault, getJobOutput, initiateJob, jobPages, listJobs, listVaults, vaultPages, type Job, type JobFilter, type NewJob, type Vault} from './api.js';
export {errorName, errorText, httpStatus, isNetworkError, isRetryable, scrub, toThawError, type ErrorContext} from './errors.js';
export {initiateMany, type Initiated, type InitiateManyOptions} from './initiate-many.js';
