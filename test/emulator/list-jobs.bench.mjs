/**
 * Micro-benchmark (not part of npm test / npm run bench): a ListJobs walk over
 * N jobs (default 100,000) with the raw HTTP API and with the AWS SDK's
 * paginator, and the server's own time per page at the start and at the end
 * of the walk (flat = no O(n) work per page).
 *
 *   npm run build && node test/emulator/list-jobs.bench.mjs [N]
 */
import {GlacierClient, paginateListJobs} from '@aws-sdk/client-glacier';
import {startEmulator} from '../../build/source/emulator/index.js';

const n = Number(process.argv[2] ?? 100_000);
const lines = [];
const e = await startEmulator({hashCacheDir: false, log: line => lines.push(line)});
e.createVault('v');
const archives = Array.from({length: 20}, (_, i) => e.addArchive('v', {size: 100 + i, seed: `bench:${i}`}).archiveId);
let started = performance.now();
await Promise.all(Array.from({length: n}, async (_, i) => e.addJob('v', {type: 'archive-retrieval', archiveId: archives[i % 20], description: `thaw-restore 0123456789abcdef ${i}`})));
console.log(`setup: ${n} jobs in ${(performance.now() - started).toFixed(0)} ms`);

const serverMs = () => lines.splice(0).map(line => Number(/ (\d+) ms/.exec(line)?.[1] ?? 0));
const headers = {'x-amz-glacier-version': '2012-06-01', Authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/glacier/aws4_request, SignedHeaders=host, Signature=0'};
started = performance.now();
let marker = null;
let pages = 0;
let jobs = 0;
do {
	const body = await (await fetch(`${e.url}/-/vaults/v/jobs${marker ? `?marker=${marker}` : ''}`, {headers})).json();
	marker = body.Marker;
	pages++;
	jobs += body.JobList.length;
} while (marker);
let ms = performance.now() - started;
const perPage = serverMs();
const mean = values => (values.reduce((a, b) => a + b, 0) / values.length).toFixed(2);
console.log(`raw HTTP walk: ${jobs} jobs in ${pages} pages, ${ms.toFixed(0)} ms (${(ms / pages).toFixed(2)} ms/page); server time per page: first 100 ${mean(perPage.slice(0, 100))} ms, last 100 ${mean(perPage.slice(-100))} ms`);

const glacier = new GlacierClient({endpoint: e.url, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}});
started = performance.now();
pages = 0;
jobs = 0;
for await (const page of paginateListJobs({client: glacier}, {accountId: '-', vaultName: 'v'})) {
	pages++;
	jobs += page.JobList.length;
}

ms = performance.now() - started;
serverMs();
console.log(`SDK paginator walk: ${jobs} jobs in ${pages} pages, ${ms.toFixed(0)} ms (${(ms / pages).toFixed(2)} ms/page)`);
await e.close();
