/**
 * One place that builds the Glacier client from the AWS CLI's connection
 * options. Credentials always come from the SDK's default provider chain
 * (environment, shared config/credentials files and --profile, SSO, IMDS...):
 * thaw never reads, stores or prints them.
 */
import {readFileSync} from 'node:fs';
import {Agent as HttpAgent} from 'node:http';
import {Agent as HttpsAgent} from 'node:https';
import {GlacierClient} from '@aws-sdk/client-glacier';
import {ThawError, UsageError} from '../errors.js';
import {DirectHttpHandler} from './direct-http.js';

export type ConnectionOptions = {
	/** --endpoint-url; the real service when absent. */
	endpointUrl?: string;
	/** --region; else AWS_REGION / AWS_DEFAULT_REGION / the profile's region. */
	region?: string;
	/** --profile; else AWS_PROFILE. */
	profile?: string;
	/** --no-verify-ssl */
	noVerifySsl?: boolean;
	/** --ca-bundle: a PEM file of extra certificate authorities. */
	caBundle?: string;
	/** --cli-connect-timeout in seconds (0 = none). */
	connectTimeoutSeconds?: number;
	/** --cli-read-timeout in seconds (0 = none): how long a socket may sit idle. */
	readTimeoutSeconds?: number;
	/** Sockets kept per host; size it to the download concurrency. */
	maxSockets?: number;
	/** --account-id; '-' means the account of the credentials. */
	accountId?: string;
	/** SDK attempts for ordinary calls (lists, describe). */
	maxAttempts?: number;
	/** Static credentials, used only for the built-in demo emulator (never persisted). */
	demoCredentials?: boolean;
};

export type Connection = {
	client: GlacierClient;
	/**
	 * The same endpoint, credentials and sockets, but no SDK retries: for
	 * GetJobOutput bodies, which the download engine retries itself (with
	 * backoff, counted and shown) because the SDK cannot retry a broken body.
	 */
	outputClient?: GlacierClient;
	accountId: string;
	/** What the header line shows: endpoint, region, profile. */
	endpointLabel: string;
	region: string;
	profile: string | undefined;
	close(): void;
};

/** Region from the options or the environment (the SDK also reads the profile's config file). */
function regionFrom(options: ConnectionOptions): string | undefined {
	return options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (options.endpointUrl ? 'us-east-1' : undefined);
}

export function validateEndpoint(url: string): URL {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new UsageError(`--endpoint-url '${url}' is not a URL: give one like https://glacier.us-east-1.amazonaws.com or http://127.0.0.1:9000`);
	}

	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new UsageError(`--endpoint-url must start with http:// or https://, not ${parsed.protocol}`);
	}

	return parsed;
}

/**
 * When no region was given, the SDK takes it from the profile's config file:
 * ask it, so the header can say which region is in use. Unresolvable is left
 * as it is (the first call then fails with a clear "no region" message).
 */
export async function resolveRegion(connection: Connection): Promise<Connection> {
	if (connection.region !== '(from profile)') return connection;
	try {
		const region = await connection.client.config.region();
		if (region) {
			connection.region = region;
			if (connection.endpointLabel.includes('(no region)')) connection.endpointLabel = `glacier.${region}.amazonaws.com`;
		}
	} catch {
		// Left for the first call to report.
	}

	return connection;
}

export function connect(options: ConnectionOptions = {}): Connection {
	const endpoint = options.endpointUrl ? validateEndpoint(options.endpointUrl) : undefined;
	let ca: Buffer | undefined;
	if (options.caBundle) {
		try {
			ca = readFileSync(options.caBundle);
		} catch (error) {
			throw new ThawError(`cannot read --ca-bundle ${options.caBundle}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 6);
		}
	}

	const maxSockets = Math.max(options.maxSockets ?? 16, 4);
	const agentOptions = {keepAlive: true, maxSockets};
	const httpsAgent = new HttpsAgent({...agentOptions, rejectUnauthorized: !options.noVerifySsl, ...(ca ? {ca} : {})});
	const httpAgent = new HttpAgent(agentOptions);
	const region = regionFrom(options);
	const profile = options.profile ?? process.env.AWS_PROFILE;
	// The SDK warns on stderr that its 2027 releases will need Node 22: noise in
	// every command's output (and it breaks --quiet), not something a user can act on.
	process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
	const clientConfig = {
		...(region ? {region} : {}),
		...(profile ? {profile} : {}),
		...(endpoint ? {endpoint: endpoint.toString().replace(/\/$/, '')} : {}),
		...(options.demoCredentials ? {credentials: {accessKeyId: 'thaw-demo', secretAccessKey: 'thaw-demo'}} : {}),
		maxAttempts: options.maxAttempts ?? 4,
		requestHandler: {
			httpAgent,
			httpsAgent,
			connectionTimeout: (options.connectTimeoutSeconds ?? 60) * 1000 || undefined,
			// --cli-read-timeout is an idle timeout, like botocore's read timeout:
			// smithy's socketTimeout destroys a socket that sits idle this long
			// (its requestTimeout only logs a warning).
			socketTimeout: (options.readTimeoutSeconds ?? 60) * 1000 || undefined,
		},
	};
	const client = new GlacierClient(clientConfig);
	// Bodies over plain http go through thaw's own handler, which can read the
	// socket straight into the download's slots (direct-http.ts); https keeps
	// node:https (the SDK's handler) for now.
	const direct = endpoint?.protocol === 'http:' ? new DirectHttpHandler({maxSockets, connectionTimeout: clientConfig.requestHandler.connectionTimeout, socketTimeout: clientConfig.requestHandler.socketTimeout}) : undefined;
	const outputClient = new GlacierClient({...clientConfig, maxAttempts: 1, ...(direct ? {requestHandler: direct} : {})});
	return {
		client,
		outputClient,
		accountId: options.accountId ?? '-',
		endpointLabel: endpoint ? endpoint.host : `glacier.${region ?? '(no region)'}.amazonaws.com`,
		region: region ?? '(from profile)',
		profile,
		close() {
			client.destroy();
			outputClient.destroy();
			direct?.destroy();
			httpAgent.destroy();
			httpsAgent.destroy();
		},
	};
}
