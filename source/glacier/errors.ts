/**
 * Turning what the SDK, the network and Glacier say into one line a person
 * can act on, with the right exit code. Server text is untrusted: it is made
 * inert, and anything credential-like is redacted (source/redact.ts).
 */
import {ExitCode, ThawError} from '../errors.js';
import {cutInert, inert} from '../inert.js';
import {redact} from '../redact.js';
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

/** How long a server's message may get in thaw's one-line errors. */
const maxMessage = 400;

/**
 * Strip anything credential-like from a message (see redact.ts), fold it onto
 * one line, make it inert, and cut it to 400 characters: after escaping, so
 * the cut never falls inside an escape.
 */
export function scrub(message: string): string {
	return cutInert(inert(redact(message).replace(/\s*[\r\n]+\s*/g, ' ').trim()), maxMessage);
}

/**
 * What an SDK error says, scrubbed. When the body could not be parsed (a
 * proxy's or load balancer's HTML page), the SDK's own words are a
 * SyntaxError about JSON and "Deserialization error": say what happened.
 * A signature mismatch quotes the canonical request after its first
 * paragraph: only the first paragraph is kept (--debug shows the rest,
 * redacted).
 */
export function errorText(error: unknown): string {
	const e = error as SdkError | undefined;
	const text = e?.message ?? String(error);
	if (isNonJsonBody(error)) {
		const status = httpStatus(error);
		const type = contentType(error);
		return `the service answered ${status === undefined ? 'with' : `HTTP ${status} with`} a non-JSON body${type ? ` (${scrub(type)})` : ''}`;
	}

	if (/InvalidSignature|SignatureDoesNotMatch/.test(errorName(error))) return scrub(text.split(/\n\s*\n/)[0]!);
	return scrub(text);
}

/** The SDK could not parse the answer's body: a proxy's or load balancer's HTML page, not Glacier's JSON. */
export function isNonJsonBody(error: unknown): boolean {
	const e = error as SdkError | undefined;
	return e?.name === 'SyntaxError' && /Deserialization error/i.test(e.message);
}

function contentType(error: unknown): string | undefined {
	const headers = (error as {$response?: {headers?: Record<string, string | undefined>}} | undefined)?.$response?.headers;
	const value = headers?.['content-type'] ?? headers?.['Content-Type'];
	return typeof value === 'string' ? value.split(';')[0]!.trim() : undefined;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Node's codes for a TLS certificate it does not trust (a private CA, self-signed, expired, wrong name). */
const certificateCodes = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'ERR_TLS_CERT_ALTNAME_INVALID']);

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
	const name = errorName(error);
	const message = errorText(error);
	const cause = {cause: error};

	if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
		return new ThawError('no AWS credentials found: run `aws configure`, pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or try `thaw --demo`)', ExitCode.usage, cause);
	}

	if (/region is missing/i.test(message)) {
		return new ThawError('no AWS region set: pass --region (e.g. --region us-east-1) or set AWS_REGION', ExitCode.usage, cause);
	}

	switch (name) {
		case 'ResourceNotFoundException': {
			// Glacier says which is missing: a mistyped vault must not read as "start a new (billed) retrieval".
			if (context.jobId && context.vaultName && /vault not found/i.test(message)) {
				return new ThawError(`vault '${inert(context.vaultName)}' was not found: check the vault name, --account-id and --region; the job is not the problem (${message})`, ExitCode.job, cause);
			}

			if (context.jobId) {
				return new ThawError(`${where(context)} was not found: it never existed or it expired (job output is kept about 24 hours after the job completes). Start a new retrieval.`, ExitCode.job, cause);
			}

			return new ThawError(`${where(context)} was not found: check the vault name, --account-id and --region (${message})`, ExitCode.job, cause);
		}

		case 'InvalidParameterValueException':
		case 'MissingParameterValueException': {
			// A range of a job's output that Glacier itself sized (DescribeJob) refused as out of bounds:
			// the service contradicts itself, which is no "job not ready" (4) but a service failure (5).
			if (context.jobId && name === 'InvalidParameterValueException' && /\brange\b/i.test(message)) {
				return new ThawError(`Glacier refused a byte range of ${where(context)} that its own job size covers (${message}): the output is smaller than DescribeJob says. Try again later; if it persists, start a new retrieval`, ExitCode.service, cause);
			}

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

	const code = (error as SdkError | undefined)?.code;
	if (code && certificateCodes.has(code)) {
		return new ThawError(`the TLS certificate of ${context.connection?.endpointLabel ?? 'the endpoint'} is not trusted (${message}): if the endpoint is yours, pass its CA with --ca-bundle FILE (or, knowingly, --no-verify-ssl)`, ExitCode.service, cause);
	}

	if (isNetworkError(error) && httpStatus(error) === undefined) {
		return new ThawError(`cannot reach ${context.connection?.endpointLabel ?? 'Glacier'} to ${context.what}: ${message}. Check the network and --endpoint-url`, ExitCode.service, cause);
	}

	if (isRetryable(error)) {
		return new ThawError(`Glacier kept failing to ${context.what} (${isNonJsonBody(error) ? '' : `${name || 'error'}: `}${message}); try again later`, ExitCode.service, cause);
	}

	const status = httpStatus(error);
	if (isNonJsonBody(error)) return new ThawError(`could not ${context.what} for ${where(context)}: ${message}`, status ? ExitCode.service : ExitCode.unexpected, cause);
	return new ThawError(`could not ${context.what} for ${where(context)}: ${name ? `${name}: ` : ''}${message}${status ? ` (HTTP ${status})` : ''}`, status ? ExitCode.service : ExitCode.unexpected, cause);
}
