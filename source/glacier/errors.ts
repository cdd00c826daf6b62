/**
 * Turning what the SDK, the network and Glacier say into one line a person
 * can act on, with the right exit code. Server text is untrusted: it is made
 * inert, and anything that looks like an access key is redacted.
 */
import {ExitCode, ThawError} from '../errors.js';
import {inert} from '../inert.js';
import type {Connection} from './client.js';

export type ErrorContext = {
	connection?: Pick<Connection, 'endpointLabel'>;
	what: string;
	vaultName?: string;
	jobId?: string;
};

type SdkError = Error & {
	name: string;
	code?: string;
	$fault?: 'client' | 'server';
	$metadata?: {httpStatusCode?: number};
	$retryable?: unknown;
};

const accessKey = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{12,}\b/g;
const signature = /(Signature=)[0-9a-f]{64}/gi;

/** Strip anything credential-like from a message, then make it inert. */
export function scrub(message: string): string {
	return inert(message.replace(accessKey, '[redacted key]').replace(signature, '$1[redacted]')).slice(0, 400);
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

export function errorName(error: unknown): string {
	const e = error as SdkError | undefined;
	return e?.name ?? '';
}

export function httpStatus(error: unknown): number | undefined {
	return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/** A network-level failure (no HTTP answer, or the connection broke). */
export function isNetworkError(error: unknown): boolean {
	const e = error as SdkError | undefined;
	if (!e) return false;
	if (e.code && networkCodes.has(e.code)) return true;
	return ['TimeoutError', 'RequestTimeout', 'AbortError'].includes(e.name) && !/aborted by the user/i.test(e.message)
		|| /socket hang up|ECONNRESET|premature close|aborted|terminated/i.test(e.message);
}

/** Worth trying again: throttling, 5xx, 408, network trouble. */
export function isRetryable(error: unknown): boolean {
	const name = errorName(error);
	if (['ThrottlingException', 'LimitExceededException', 'ServiceUnavailableException', 'RequestTimeoutException', 'InsufficientCapacityException'].includes(name)) return true;
	const status = httpStatus(error);
	if (status !== undefined && (status >= 500 || status === 408 || status === 429)) return true;
	return isNetworkError(error);
}

function where(context: ErrorContext): string {
	if (context.jobId && context.vaultName) return `job ${inert(context.jobId.slice(0, 16))}… in vault '${inert(context.vaultName)}'`;
	if (context.vaultName) return `vault '${inert(context.vaultName)}'`;
	return context.connection?.endpointLabel ?? 'Glacier';
}

/** One actionable line for any failure of a Glacier call. */
export function toThawError(error: unknown, context: ErrorContext): ThawError {
	if (error instanceof ThawError) return error;
	const e = error as SdkError;
	const name = errorName(error);
	const message = scrub(e?.message ?? String(error));
	const cause = {cause: error};

	if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
		return new ThawError('no AWS credentials found: run `aws configure`, pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or try `thaw --demo`)', ExitCode.usage, cause);
	}

	if (/region is missing/i.test(message)) {
		return new ThawError('no AWS region set: pass --region (e.g. --region us-east-1) or set AWS_REGION', ExitCode.usage, cause);
	}

	switch (name) {
		case 'ResourceNotFoundException': {
			if (context.jobId) {
				return new ThawError(`${where(context)} was not found: it never existed or it expired (job output is kept about 24 hours after the job completes). Start a new retrieval.`, ExitCode.job, cause);
			}

			return new ThawError(`${where(context)} was not found: check the vault name, --account-id and --region (${message})`, ExitCode.job, cause);
		}

		case 'InvalidParameterValueException':
		case 'MissingParameterValueException': {
			return new ThawError(`Glacier refused to ${context.what} for ${where(context)}: ${message}`, context.jobId ? ExitCode.job : ExitCode.usage, cause);
		}

		case 'PolicyEnforcedException': {
			return new ThawError(`the vault's data retrieval policy refused to ${context.what}: ${message}`, ExitCode.service, cause);
		}

		case 'InsufficientCapacityException': {
			return new ThawError(`no Expedited capacity right now: try the Standard tier, or buy provisioned capacity (${message})`, ExitCode.service, cause);
		}

		case 'AccessDeniedException':
		case 'UnrecognizedClientException':
		case 'InvalidSignatureException':
		case 'ExpiredTokenException':
		case 'MissingAuthenticationTokenException': {
			return new ThawError(`access denied while trying to ${context.what}: ${message} (check your credentials, --profile and --region)`, ExitCode.service, cause);
		}

		default: {
			break;
		}
	}

	if (isNetworkError(error) && httpStatus(error) === undefined) {
		return new ThawError(`cannot reach ${context.connection?.endpointLabel ?? 'Glacier'} to ${context.what}: ${message}. Check the network and --endpoint-url`, ExitCode.service, cause);
	}

	if (isRetryable(error)) {
		return new ThawError(`Glacier kept failing to ${context.what} (${name || 'error'}: ${message}); try again later`, ExitCode.service, cause);
	}

	const status = httpStatus(error);
	return new ThawError(`could not ${context.what} for ${where(context)}: ${name ? `${name}: ` : ''}${message}${status ? ` (HTTP ${status})` : ''}`, status ? ExitCode.service : ExitCode.unexpected, cause);
}
