/**
 * Argument parsing shared by every command: node's util.parseArgs, strict,
 * with its errors turned into one-line usage errors, and the AWS CLI's
 * connection options in one place. It lives beside errors.ts and inert.ts,
 * not in cli/ or headless/, because both front ends read argv with it:
 * source/cli/ for the TUI and the commands that choose a mode, headless/
 * for the print-only commands, and neither may import the other's room.
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {UsageError} from './errors.js';
import {inert} from './inert.js';
import type {ConnectionOptions} from './glacier/client.js';

export const connectionOptions = {
	'endpoint-url': {type: 'string'},
	region: {type: 'string'},
	profile: {type: 'string'},
	'account-id': {type: 'string'},
	'no-verify-ssl': {type: 'boolean'},
	'ca-bundle': {type: 'string'},
	'cli-read-timeout': {type: 'string'},
	'cli-connect-timeout': {type: 'string'},
	debug: {type: 'boolean'},
} as const satisfies ParseArgsConfig['options'];

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--job-id -abc` as `--job-id=-abc`: Glacier ids may start with a dash, and
 * util.parseArgs refuses a string option's value that looks like an option.
 */
function joinDashValues(args: string[], options: Options): string[] {
	const out: string[] = [];
	for (let k = 0; k < args.length; k++) {
		const arg = args[k];
		if (arg === '--') {
			out.push(...args.slice(k));
			break;
		}

		const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
		const next = args[k + 1];
		if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '--' && !next.startsWith('--')) {
			out.push(`${arg}=${next}`);
			k++;
		} else {
			out.push(arg);
		}
	}

	return out;
}

export function parse<T extends Options>(command: string, args: string[], options: T, allowPositionals = false) {
	try {
		return parseArgs({args: joinDashValues(args, options), options, allowPositionals, strict: true});
	} catch (error) {
		const message = (error as Error).message.replace(/\s+/g, ' ').replace(/\. To specify a positional argument.*$/, '').replace(/\.$/, '');
		throw new UsageError(`${inert(message)}. Run 'thaw ${command} --help' for usage.`);
	}
}

/** A non-negative number of seconds for --cli-read-timeout and friends. */
export function seconds(name: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const number = Number(value);
	if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(number)) throw new UsageError(`--${name} takes a number of seconds, not '${inert(value)}'`);
	return number;
}

/** A whole number within bounds, for --concurrency, --chunk-size, --limit... */
export function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not '${inert(value)}'`);
	return Number(value);
}

type ConnectionValues = {
	'endpoint-url'?: string;
	region?: string;
	profile?: string;
	'account-id'?: string;
	'no-verify-ssl'?: boolean;
	'ca-bundle'?: string;
	'cli-read-timeout'?: string;
	'cli-connect-timeout'?: string;
};

export function connectionFromArgs(values: ConnectionValues): ConnectionOptions {
	const accountId = values['account-id'];
	if (accountId !== undefined && accountId !== '-' && !/^\d{12}$/.test(accountId)) {
		throw new UsageError(`--account-id must be '-' or a 12-digit AWS account id without hyphens, not '${inert(accountId)}'`);
	}

	return {
		endpointUrl: values['endpoint-url'],
		region: values.region,
		profile: values.profile,
		accountId,
		noVerifySsl: values['no-verify-ssl'],
		caBundle: values['ca-bundle'],
		readTimeoutSeconds: seconds('cli-read-timeout', values['cli-read-timeout']),
		connectTimeoutSeconds: seconds('cli-connect-timeout', values['cli-connect-timeout']),
	};
}

export const connectionHelp = `Connection (as in the AWS CLI):
  --endpoint-url URL        talk to this endpoint instead of AWS (e.g. a local emulator)
  --region REGION           AWS region (else AWS_REGION or the profile's region)
  --profile NAME            a named profile from ~/.aws/config (else AWS_PROFILE)
  --account-id ID           12-digit account id, or - for the credentials' account (default -)
  --no-verify-ssl           do not verify TLS certificates
  --ca-bundle FILE          PEM file of certificate authorities to trust
  --cli-read-timeout S      give up on a connection idle this long, or slower than 1 KiB/s over
                            this long (default 60; 0 = never)
  --cli-connect-timeout S   give up connecting after this long (default 60; 0 = never)
  --debug                   print stack traces on errors
Credentials come from the AWS SDK's default chain; thaw never stores them.`;
