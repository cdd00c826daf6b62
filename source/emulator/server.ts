/**
 * The HTTP side: routes Glacier's REST paths to the store, answers with the
 * headers, status codes and JSON bodies botocore's service model and the AWS
 * SDK expect, applies faults, and serves the /_emulator/faults control
 * endpoint.
 */
import {createHash, randomBytes} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {inert} from '../inert.js';
import {redact} from '../redact.js';
import {parseRangeHeader} from './alignment.js';
import {ContentReader} from './content.js';
import {faultRuleToJson, lieAboutSize, normalizeFaultRule, type FaultSet} from './faults.js';
import {bodyFaults, sendBadHead, sendBody, type BodySource} from './send-body.js';
import {GlacierError, invalid, missing, type Job, type EmulatorState} from './state.js';
import type {FaultRule, OperationName, RequestRecord} from './types.js';

export type ServerContext = {
	store: EmulatorState;
	faults: FaultSet;
	requests: RequestRecord[];
	log?: (line: string) => void;
};

const maxRecords = 100_000;
const maxBodyBytes = 1024 * 1024;

type Route = {op: OperationName | 'EmulatorFaults' | 'CreateVault' | 'Unknown'; account?: string; vault?: string; jobId?: string; archiveId?: string};

function route(method: string, segments: string[]): Route {
	if (segments[0] === '_emulator' && segments[1] === 'faults' && segments.length === 2) return {op: 'EmulatorFaults'};
	const [account, vaults, vault, jobs, jobId, output] = segments;
	if (account !== undefined && vaults === 'policies' && vault === 'data-retrieval' && segments.length === 3) {
		if (method === 'GET') return {op: 'GetDataRetrievalPolicy', account};
		if (method === 'PUT') return {op: 'SetDataRetrievalPolicy', account};
	}

	if (vaults !== 'vaults' || account === undefined) return {op: 'Unknown'};
	if (segments.length === 2 && method === 'GET') return {op: 'ListVaults', account};
	if (segments.length === 3 && method === 'GET') return {op: 'DescribeVault', account, vault};
	if (segments.length === 3 && method === 'PUT') return {op: 'CreateVault', account, vault};
	if (segments.length === 3 && method === 'DELETE') return {op: 'DeleteVault', account, vault};
	if (segments.length === 5 && jobs === 'archives' && method === 'DELETE') return {op: 'DeleteArchive', account, vault, archiveId: jobId};
	if (jobs !== 'jobs') return {op: 'Unknown'};
	if (segments.length === 4 && method === 'GET') return {op: 'ListJobs', account, vault};
	if (segments.length === 4 && method === 'POST') return {op: 'InitiateJob', account, vault};
	if (segments.length === 5 && method === 'GET') return {op: 'DescribeJob', account, vault, jobId};
	if (segments.length === 6 && output === 'output' && method === 'GET') return {op: 'GetJobOutput', account, vault, jobId};
	return {op: 'Unknown'};
}

function headerText(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** Header values must be visible ASCII; Glacier descriptions are. Anything else becomes '?'. */
function headerSafe(text: string): string {
	return text.replace(/[^\x20-\x7e]/g, '?');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = Buffer.from(JSON.stringify(body), 'utf8');
	res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': String(text.length), ...headers});
	res.end(text);
}

function sendError(res: ServerResponse, error: GlacierError): void {
	if (res.headersSent) {
		res.destroy();
		return;
	}

	sendJson(res, error.status, {code: error.code, message: error.message, type: error.type}, {'x-amzn-ErrorType': error.code});
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const parts: Buffer[] = [];
	let size = 0;
	for await (const part of req) {
		size += (part as Buffer).length;
		if (size > maxBodyBytes) throw invalid('The request body is too large.');
		parts.push(part as Buffer);
	}

	return Buffer.concat(parts);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	const body = await readBody(req);
	if (body.length === 0) return {};
	try {
		return JSON.parse(body.toString('utf8')) as unknown;
	} catch {
		throw invalid('The request body is not valid JSON.');
	}
}

function parseLimit(value: string | null, max: number): number | undefined {
	if (value === null) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw invalid(`Invalid limit: ${value}. It must be an integer from 1 to ${max}.`);
	return Number(value);
}

/** InitiateJob waits for the hashing of a job with at most this much left to hash (about 0.3 s of work). */
const initiateWaitBytes = 64 * 1024 * 1024;

/** Start preparing a job (tree hashes, inventory) without waiting: requests never wait on a hash. */
function kick(job: Job): void {
	job.prepare().catch(() => undefined);
}

const faultErrors: Partial<Record<FaultRule['kind'], () => GlacierError>> = {
	throttle: () => new GlacierError(400, 'ThrottlingException', 'Rate exceeded'),
	unavailable: () => new GlacierError(500, 'ServiceUnavailableException', 'Service is temporarily unavailable. Please retry.'),
	timeout: () => new GlacierError(408, 'RequestTimeoutException', 'Request timed out.'),
};

export function createHandler(context: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
	const {store, faults} = context;

	return (req, res) => {
		const started = Date.now();
		const method = req.method ?? 'GET';
		const url = new URL(req.url ?? '/', 'http://emulator');
		let segments: string[];
		try {
			segments = url.pathname.split('/').filter(s => s !== '').map(s => decodeURIComponent(s));
		} catch {
			segments = [];
		}

		const r = route(method, segments);
		const range = headerText(req.headers.range);
		let faultNames: string[] = [];
		let bodyBytes = 0;
		const originalWrite = res.write.bind(res);
		res.write = ((chunk: unknown, ...rest: unknown[]) => {
			if (typeof chunk === 'string' || chunk instanceof Uint8Array) bodyBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
			return (originalWrite as (...args: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof res.write;
		res.setHeader('x-amzn-RequestId', randomBytes(24).toString('base64url'));
		res.on('close', () => {
			const record: RequestRecord = {op: r.op, method, path: url.pathname, ...(range === undefined ? {} : {range}), status: res.statusCode, bytes: bodyBytes};
			context.requests.push(record);
			// Trim in batches: one splice per 10,000 requests, not a 100,000-element shift on every one.
			if (context.requests.length > maxRecords + 10_000) context.requests.splice(0, context.requests.length - maxRecords);
			if (context.log) {
				const complete = res.writableFinished ? '' : ' (connection closed early)';
				const bytes = bodyBytes === 0 && res.writableFinished ? Number(res.getHeader('content-length') ?? 0) : bodyBytes;
				const line = `${method} ${url.pathname}${url.search}${range === undefined ? '' : ` Range: ${range}`} -> ${res.statusCode} ${bytes} B ${Date.now() - started} ms${faultNames.length > 0 ? ` [fault: ${faultNames.join(', ')}]` : ''}${complete}`;
				context.log(inert(redact(line)));
			}
		});

		const handle = async (): Promise<void> => {
			if (r.op === 'EmulatorFaults') {
				await controlFaults(req, res, method, faults);
				return;
			}

			const signed = req.headers.authorization !== undefined || url.searchParams.has('X-Amz-Signature');
			if (!signed) throw new GlacierError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
			const version = headerText(req.headers['x-amz-glacier-version']);
			if (version === undefined) throw missing('Required parameter missing: API version. Send the header x-amz-glacier-version: 2012-06-01.');
			if (version !== '2012-06-01') throw invalid(`Invalid API version: ${version}. The only version is 2012-06-01.`);
			if (r.op === 'Unknown') throw new GlacierError(400, 'UnknownOperationException', `No operation matches ${method} ${url.pathname}`);
			if (r.account !== '-' && r.account !== store.options.accountId) throw new GlacierError(403, 'AccessDeniedException', `Access denied for account ${r.account}`);
			if (r.op === 'CreateVault') {
				createVault(res, store, r.vault!);
				return;
			}

			const taken = faults.take(r.op, r.jobId, range);
			faultNames = taken.map(rule => rule.kind);
			if (taken.some(rule => rule.kind === 'html-500')) {
				sendHtml500(res);
				return;
			}

			if (taken.some(rule => rule.kind === 'bad-signature')) throw signatureMismatch(req, method, url);
			for (const rule of taken) {
				const error = faultErrors[rule.kind]?.();
				if (error) throw error;
			}

			switch (r.op) {
				case 'ListVaults': {
					await jsonBody(res, 200, listVaults(store, url, taken), taken);
					break;
				}

				case 'DescribeVault': {
					await jsonBody(res, 200, store.describeVault(store.vault(r.vault!)), taken);
					break;
				}

				case 'ListJobs': {
					const list = await listJobs(store, r.vault!, url, taken);
					list.JobList = (list.JobList as Array<Record<string, unknown>>).map(job => lieAboutSize(job, taken));
					await jsonBody(res, 200, list, taken);
					break;
				}

				case 'DescribeJob': {
					const job = store.job(store.vault(r.vault!), r.jobId!);
					kick(job);
					await jsonBody(res, 200, lieAboutSize(store.describeJob(job), taken), taken);
					break;
				}

				case 'InitiateJob': {
					const vault = store.vault(r.vault!);
					const job = store.initiateJob(vault.name, await readJson(req));
					// A small job is hashed before answering (so a jobDelayMs of 0 means done at once); a big one keeps hashing in the background, InProgress until then.
					if (store.pendingBytes(job) <= initiateWaitBytes) await job.prepare();
					const late = taken.find(rule => rule.kind === 'late-answer');
					if (late) await new Promise(resolve => setTimeout(resolve, late.stallMs ?? 1000));
					const location = `/${store.options.accountId}/vaults/${encodeURIComponent(vault.name)}/jobs/${job.id}`;
					res.writeHead(202, {'Location': location, 'x-amz-job-id': job.id, 'Content-Length': '0'});
					res.end();
					break;
				}

				case 'GetJobOutput': {
					await getJobOutput(req, res, store, r.vault!, r.jobId!, taken);
					break;
				}

				case 'DeleteArchive': {
					store.deleteArchive(r.vault!, r.archiveId!);
					noContent(res);
					break;
				}

				case 'DeleteVault': {
					store.deleteVault(r.vault!);
					noContent(res);
					break;
				}

				case 'GetDataRetrievalPolicy': {
					const {policy} = store;
					await jsonBody(res, 200, {Policy: {Rules: [policy.Strategy === 'BytesPerHour' ? {BytesPerHour: policy.BytesPerHour, Strategy: policy.Strategy} : {Strategy: policy.Strategy}]}}, taken);
					break;
				}

				case 'SetDataRetrievalPolicy': {
					store.setPolicy(policyFromBody(await readJson(req)));
					noContent(res);
					break;
				}
			}
		};

		handle().catch((error: unknown) => {
			if (error instanceof GlacierError) {
				sendError(res, error);
				return;
			}

			const message = error instanceof Error ? error.message : String(error);
			sendError(res, new GlacierError(500, 'ServiceUnavailableException', `Emulator error: ${message}`));
		});
	};
}

async function jsonBody(res: ServerResponse, status: number, body: unknown, taken: readonly FaultRule[]): Promise<void> {
	const text = Buffer.from(JSON.stringify(body), 'utf8');
	const faults = bodyFaults(taken, text.length);
	const sentLength = Math.min(text.length, faults.shortTo ?? text.length);
	res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': String(sentLength)});
	let offset = 0;
	await sendBody(res, {
		length: text.length,
		read(length) {
			const piece = text.subarray(offset, offset + length);
			offset += length;
			return piece;
		},
	}, faults);
}

function noContent(res: ServerResponse): void {
	res.writeHead(204, {'Content-Length': '0'});
	res.end();
}

/** SetDataRetrievalPolicy's body: {"Policy": {"Rules": [{"Strategy": ..., "BytesPerHour": ...}]}}, exactly one rule. */
function policyFromBody(body: unknown): unknown {
	const policy = (body as {Policy?: unknown}).Policy;
	if (policy === undefined || policy === null) throw missing('Required parameter missing: Policy.');
	const rules = (policy as {Rules?: unknown}).Rules;
	if (!Array.isArray(rules) || rules.length !== 1) throw invalid('The policy must hold exactly one rule in Rules.');
	return rules[0];
}

function createVault(res: ServerResponse, store: EmulatorState, name: string): void {
	try {
		store.createVault(name);
	} catch {
		throw invalid(`Invalid vault name: ${name}. Names are 1 to 255 characters: a-z, A-Z, 0-9, '_', '-', '.'.`);
	}

	res.writeHead(201, {'Location': `/${store.options.accountId}/vaults/${encodeURIComponent(name)}`, 'Content-Length': '0'});
	res.end();
}

/** What a load balancer or proxy in front of the service answers when it fails: HTML, not JSON. */
function sendHtml500(res: ServerResponse): void {
	const html = Buffer.from('<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n</body>\r\n</html>\r\n');
	res.writeHead(500, {'Content-Type': 'text/html', 'Content-Length': String(html.length)});
	res.end(html);
}

/**
 * AWS's answer to a bad signature quotes the canonical request it computed,
 * x-amz-security-token line and all; the Authorization header is quoted too,
 * as some proxies echo it. This is what thaw must never print.
 */
function signatureMismatch(req: IncomingMessage, method: string, url: URL): GlacierError {
	const authorization = headerText(req.headers.authorization) ?? '';
	const signed = /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1]?.split(';') ?? ['host', 'x-amz-date'];
	if (req.headers['x-amz-security-token'] !== undefined && !signed.includes('x-amz-security-token')) signed.push('x-amz-security-token');
	const canonical = [method, url.pathname, url.search.slice(1), ...signed.map(name => `${name}:${(headerText(req.headers[name]) ?? '').trim()}`), '', signed.join(';'), headerText(req.headers['x-amz-content-sha256']) ?? createHash('sha256').digest('hex')].join('\n');
	const date = headerText(req.headers['x-amz-date']) ?? '';
	const scope = /Credential=[^/]+\/([^,\s]+)/.exec(authorization)?.[1] ?? '';
	const stringToSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
	return new GlacierError(403, 'InvalidSignatureException', `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n\nAuthorization: ${authorization}`);
}

function listVaults(store: EmulatorState, url: URL, taken: readonly FaultRule[]): Record<string, unknown> {
	const limit = parseLimit(url.searchParams.get('limit'), 1000) ?? 10;
	const vaults = [...store.vaults.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	const marker = url.searchParams.get('marker');
	let start = 0;
	if (marker !== null) {
		start = vaults.findIndex(v => store.vaultArn(v) === marker);
		if (start === -1) throw invalid(`Invalid marker: ${marker}`);
	}

	const page = vaults.slice(start, start + limit);
	const next = vaults[start + limit];
	if (taken.some(rule => rule.kind === 'repeat-marker') && vaults.length > 0) return {Marker: marker ?? store.vaultArn(next ?? vaults[0]), VaultList: page.map(v => store.describeVault(v))};
	return {Marker: next ? store.vaultArn(next) : null, VaultList: page.map(v => store.describeVault(v))};
}

/** ListJobs never returns more than this per page, whatever the limit asked (Glacier: pages of 50). */
const maxJobsPerPage = 50;

async function listJobs(store: EmulatorState, vaultName: string, url: URL, taken: readonly FaultRule[]): Promise<Record<string, unknown>> {
	const vault = store.vault(vaultName);
	const limit = Math.min(maxJobsPerPage, parseLimit(url.searchParams.get('limit'), 1000) ?? maxJobsPerPage);
	const completed = url.searchParams.get('completed');
	if (completed !== null && completed !== 'true' && completed !== 'false') throw invalid(`Invalid completed value: ${completed}. Use true or false.`);
	const statuscode = url.searchParams.get('statuscode');
	if (statuscode !== null && !['InProgress', 'Succeeded', 'Failed'].includes(statuscode)) throw invalid(`Invalid statuscode: ${statuscode}. Valid values are InProgress, Succeeded and Failed.`);
	const {page, next} = store.listJobsPage(vault, limit, url.searchParams.get('marker'), (job, now) => {
		if (completed === null && statuscode === null) return true;
		const status = store.status(job, now);
		if (completed !== null && (status !== 'InProgress') !== (completed === 'true')) return false;
		return statuscode === null || status === statuscode;
	});
	for (const job of page) kick(job);
	const marker = url.searchParams.get('marker');
	if (taken.some(rule => rule.kind === 'repeat-marker') && page.length > 0) return {JobList: page.map(job => store.describeJob(job)), Marker: marker ?? next ?? page[0].id};
	return {JobList: page.map(job => store.describeJob(job)), Marker: next};
}

async function getJobOutput(req: IncomingMessage, res: ServerResponse, store: EmulatorState, vaultName: string, jobId: string, taken: readonly FaultRule[]): Promise<void> {
	const job = store.job(store.vault(vaultName), jobId);
	kick(job);
	if (store.status(job) !== 'Succeeded') throw invalid(`The job is not currently available for download: ${jobId}`);
	const total = store.outputSize(job);
	const ignoreRange = taken.some(rule => rule.kind === 'ignore-range');
	const request = parseRangeHeader(ignoreRange ? undefined : headerText(req.headers.range), total);
	if (request.kind === 'error') throw invalid(request.message);
	const start = request.kind === 'range' ? request.start : 0;
	const end = request.kind === 'range' ? request.endInclusive : total - 1;
	const length = end - start + 1;
	const faults = bodyFaults(taken, length);
	const headers: Record<string, string> = {
		'Accept-Ranges': 'bytes',
		'Content-Type': job.action === 'ArchiveRetrieval' ? 'application/octet-stream' : job.format === 'CSV' ? 'text/csv' : 'application/json',
		'Content-Length': String(Math.min(length, faults.shortTo ?? length)),
	};
	if (request.kind === 'range') headers['Content-Range'] = `bytes ${start}-${end}/${total}`;
	if (job.action === 'ArchiveRetrieval') headers['x-amz-archive-description'] = taken.some(rule => rule.kind === 'raw-description') ? job.archive!.description.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?') : headerSafe(job.archive!.description);
	let hash = store.outputTreeHash(job, start, end);
	if (taken.some(rule => rule.kind === 'wrong-hash')) hash = createHash('sha256').update(`wrong\0${hash ?? ''}\0${start}-${end}`).digest('hex');
	if (hash !== null) headers['x-amz-sha256-tree-hash'] = hash;
	if (taken.some(rule => rule.kind === 'bad-header')) {
		await sendBadHead(res, request.kind === 'range' ? 206 : 200, headers);
		return;
	}

	res.writeHead(request.kind === 'range' ? 206 : 200, headers);
	await sendBody(res, bodySource(job, start, length), faults);
}

function bodySource(job: Job, start: number, length: number): BodySource {
	if (job.action === 'ArchiveRetrieval') {
		const reader = new ContentReader(job.archive!.key, job.rangeStart + start);
		return {length, read: n => reader.read(n)};
	}

	let offset = start;
	const data = job.inventory!;
	return {
		length,
		read(n) {
			const piece = data.subarray(offset, offset + n);
			offset += n;
			return piece;
		},
	};
}

async function controlFaults(req: IncomingMessage, res: ServerResponse, method: string, faults: FaultSet): Promise<void> {
	if (method === 'GET') {
		sendJson(res, 200, {rules: faults.active.map(({rule, left}) => ({...faultRuleToJson(rule), left: left === Number.POSITIVE_INFINITY ? 'Infinity' : left})), hits: faults.hits.map(hit => ({...hit, rule: faultRuleToJson(hit.rule)}))});
		return;
	}

	if (method === 'DELETE') {
		faults.clear();
		sendJson(res, 200, {cleared: true});
		return;
	}

	if (method === 'POST') {
		let body: unknown;
		try {
			body = JSON.parse((await readBody(req)).toString('utf8')) as unknown;
		} catch {
			sendJson(res, 400, {message: 'The body must be a JSON fault rule (or an array of them), e.g. {"kind":"drop","times":2}.'});
			return;
		}

		const rules = Array.isArray(body) ? body : [body];
		try {
			const checked = rules.map(rule => normalizeFaultRule(rule));
			for (const rule of checked) faults.add(rule);
			sendJson(res, 201, {added: checked.map(rule => faultRuleToJson(rule))});
		} catch (error) {
			sendJson(res, 400, {message: (error as Error).message});
		}

		return;
	}

	sendJson(res, 405, {message: 'Use GET, POST or DELETE on /_emulator/faults.'});
}
