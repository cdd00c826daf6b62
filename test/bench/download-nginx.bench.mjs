#!/usr/bin/env node
/**
 * Download against a server that costs nearly no CPU: nginx on loopback
 * serving a 1 GiB job output from tmpfs with sendfile, as a real Glacier
 * endpoint looks from the client. Three clients fetch the same bytes into
 * tmpfs (/dev/shm), alternating within each round (the order rotates):
 *
 *   thaw   `build/cli.js get-job-output` run as installed (its shebang's node
 *          flags), verified: every chunk against x-amz-sha256-tree-hash, the
 *          whole against DescribeJob's SHA256TreeHash
 *   aws    `aws glacier get-job-output`: one stream, nothing checked
 *   curl   `curl -o`: one stream, nothing checked (what the machine allows)
 *
 * Each: wall time, user and system CPU and peak RSS (/usr/bin/time), median
 * of the rounds; then thaw / aws and thaw / curl. Then the engine in this
 * process with the event loop watched (monitorEventLoopDelay) while a store
 * listener reads a snapshot every notification, as the TUI's download screen
 * does: p99 must stay <= 25 ms.
 *
 * nginx gets real hashes: the bench hashes every 1 MiB leaf of the file once,
 * checks the whole against `thaw tree-hash`, and gives nginx a map from each
 * tree-hash-aligned Range (chunks of 1 to 64 MiB) to that range's tree hash,
 * so a wrong byte anywhere fails thaw's checks. nginx adds Content-Range, 206
 * and Accept-Ranges itself; DescribeJob is a fixed JSON answer.
 *
 *   npm run build && node test/bench/download-nginx.bench.mjs [options]
 *
 *   --size MIB         job output size, whole MiB (default 1024)
 *   --rounds N         rounds, each runs every client once (default 5)
 *   --thaw SPEC        a thaw to run, repeatable: 'LABEL' or 'LABEL=CLI.js' or
 *                      'LABEL=CLI.js ARGS...' (default: 'thaw' = build/cli.js);
 *                      e.g. --thaw 'ht0=build/cli.js --hash-threads 0' to
 *                      compare settings (or another build) in the same run
 *   --no-aws --no-curl leave a client out
 *   --no-floor         leave out the two floors: 'node:http' (this node's
 *                      http client fetching the same 8 ranges at once and
 *                      dropping the bytes: what any verified download that
 *                      parses HTTP on one event loop costs at least) and
 *                      'raw socket' (the same over plain sockets reading
 *                      into one reused buffer, no HTTP parser: the kernel's
 *                      share)
 *   --no-loop          skip the event-loop rounds (the engine in one process, as under the TUI)
 *   --loop-rounds N    event-loop rounds (default 2)
 *   --serve            only start nginx and print the commands; Enter stops it
 *
 * Skips (exit 0, saying why) where nginx is not installed. On a shared
 * machine absolute times move with the load (printed with every round):
 * compare clients within one run, never across runs.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {createCipheriv, createHash} from 'node:crypto';
import {closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs';
import {createServer} from 'node:net';
import {availableParallelism, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const MiB = 1024 * 1024;
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'build/cli.js');
const {values} = parseArgs({options: {
	size: {type: 'string', default: '1024'},
	rounds: {type: 'string', default: '5'},
	thaw: {type: 'string', multiple: true},
	'no-aws': {type: 'boolean'},
	'no-curl': {type: 'boolean'},
	'no-floor': {type: 'boolean'},
	floor: {type: 'string'},
	loop: {type: 'boolean'},
	url: {type: 'string'},
	'no-loop': {type: 'boolean'},
	'loop-rounds': {type: 'string', default: '2'},
	serve: {type: 'boolean'},
}});
const sizeMiB = Number(values.size);
const size = sizeMiB * MiB;
const rounds = Number(values.rounds);
const loopRounds = Number(values['loop-rounds']);
if (values.loop) {
	// Child mode: one in-process download from --url, the event loop watched; prints JSON.
	const {connect} = await import(new URL('build/source/glacier/client.js', `file://${root}`).href);
	const {startDownload, defaultHashThreads} = await import(new URL('build/source/engine/download/index.js', `file://${root}`).href);
	const connection = connect({endpointUrl: values.url, region: 'us-east-1', demoCredentials: true, maxSockets: 8});
	const outfile = join(mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'thaw-bench-loop-')), 'loop.out');
	// Warm up first (SDK, credentials, sockets, JIT), as a TUI that already listed its jobs is.
	await startDownload({connection, vaultName: 'bench', jobId: 'bench-job', outfile, overwrite: true, resume: 'never', range: {start: 0, end: MiB - 1}}).done;
	const histogram = monitorEventLoopDelay({resolution: 1});
	const t = performance.now();
	histogram.enable();
	const download = startDownload({connection, vaultName: 'bench', jobId: 'bench-job', outfile, overwrite: true, resume: 'never'});
	let notifications = 0;
	download.store.subscribe(() => {
		notifications++;
		download.store.getSnapshot();
	});
	const result = await download.done;
	histogram.disable();
	connection.close();
	rmSync(join(outfile, '..'), {recursive: true, force: true});
	console.log(JSON.stringify({seconds: (performance.now() - t) / 1000, ok: result.verdict.ok, hashThreads: defaultHashThreads(), notifications, p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6}));
	process.exit(0);
}

if (values.floor) {
	// Child mode for the floors: 8 ranged GETs of the output at once, the bytes dropped.
	const {request, Agent} = await import('node:http');
	const {connect} = await import('node:net');
	const target = new URL(values.url);
	const lanes = 8;
	const part = Math.ceil(size / lanes);
	const agent = new Agent({keepAlive: true, maxSockets: lanes});
	const one = async lane => {
		const range = `bytes=${lane * part}-${Math.min(size, (lane + 1) * part) - 1}`;
		const want = Math.min(size, (lane + 1) * part) - (lane * part);
		if (values.floor === 'http') {
			return new Promise((done, fail) => {
				request(target, {agent, headers: {range}}, response => {
					let got = 0;
					response.on('data', piece => {
						got += piece.length;
					});
					response.on('end', () => done(got));
					response.on('error', fail);
				}).on('error', fail).end();
			});
		}

		return new Promise((done, fail) => {
			let got = -1;
			const socket = connect({host: target.hostname, port: Number(target.port), onread: {buffer: Buffer.allocUnsafe(MiB), callback(nread, buffer) {
				const at = got < 0 ? buffer.subarray(0, nread).indexOf('\r\n\r\n') + 4 : 0;
				got = Math.max(got, 0) + nread - at;
				if (got >= want) {
					socket.destroy();
					done(got);
				}
			}}});
			socket.on('error', fail);
			socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nRange: ${range}\r\n\r\n`);
		});
	};

	const got = (await Promise.all(Array.from({length: lanes}, async (_, lane) => one(lane)))).reduce((a, b) => a + b, 0);
	if (got !== size) throw new Error(`floor ${values.floor}: ${got} bytes, not ${size}`);
	process.exit(0);
}

const which = name => spawnSync('sh', ['-c', `command -v ${name}`], {encoding: 'utf8'}).stdout.trim();
const nginx = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : which('nginx');
const uptime = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

if (!nginx) {
	console.log('download-nginx bench: skipped: nginx is not installed (apt-get install nginx-light), so there is no server that costs no CPU');
	process.exit(0);
}

if (!existsSync(cli)) {
	console.log('download-nginx bench: skipped: build/cli.js is missing; run npm run build first');
	process.exit(0);
}

const hasTime = existsSync('/usr/bin/time');
const aws = values['no-aws'] ? '' : which('aws');
const curl = values['no-curl'] ? '' : which('curl');
const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(join(shm, 'thaw-bench-nginx-'));
let server;
const cleanUp = () => {
	if (server && server.exitCode === null) server.kill('SIGTERM');
	rmSync(dir, {recursive: true, force: true});
};

process.on('exit', cleanUp);
// A signal would skip 'exit' handlers: turn each into an exit so nginx is stopped and the 1 GiB file removed.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
process.on('SIGHUP', () => process.exit(129));

/** The node flags of a cli.js's shebang line (#!/usr/bin/env -S node FLAGS): thaw run as installed. */
function shebangFlags(file) {
	return (readFileSync(file, 'utf8').split('\n', 1)[0].match(/^#!\S*env\s+(?:-S\s+)?node\s*(.*)$/)?.[1] ?? '').split(/\s+/).filter(Boolean);
}

const thaws = (values.thaw ?? ['thaw']).map(spec => {
	const [label, rest] = spec.includes('=') ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)] : [spec, ''];
	const [file = cli, ...args] = rest.split(/\s+/).filter(Boolean);
	const path = resolve(root, file);
	if (!existsSync(path)) throw new Error(`--thaw ${spec}: no ${path}`);
	return {label, path, args};
});

async function freePort() {
	return new Promise((done, fail) => {
		const probe = createServer();
		probe.once('error', fail);
		probe.listen(0, '127.0.0.1', () => {
			const {port} = probe.address();
			probe.close(() => done(port));
		});
	});
}

/** Fill `file` with `bytes` of pseudo-random data (AES-CTR of zeros: no two leaves alike); the SHA-256 of every 1 MiB leaf. */
function makeOutput(file, bytes) {
	const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
	const zeros = Buffer.alloc(8 * MiB);
	const fd = openSync(file, 'w');
	const leaves = [];
	for (let written = 0; written < bytes;) {
		const block = cipher.update(zeros.subarray(0, Math.min(zeros.length, bytes - written)));
		writeSync(fd, block);
		for (let at = 0; at < block.length; at += MiB) leaves.push(createHash('sha256').update(block.subarray(at, at + MiB)).digest());
		written += block.length;
	}

	closeSync(fd);
	return leaves;
}

/** Glacier's tree hash over leaf digests (pairs left to right, an odd one carried up). */
function rootOf(digests) {
	let level = digests;
	while (level.length > 1) {
		const next = [];
		for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? createHash('sha256').update(level[i]).update(level[i + 1]).digest() : level[i]);
		level = next;
	}

	return (level[0] ?? createHash('sha256').digest()).toString('hex');
}

function nginxConfig({port, leaves, whole, jobPath, file}) {
	// Every aligned range thaw may ask for, chunk sizes 1..64 MiB (the last chunk may be short).
	const entries = new Map();
	for (let chunkLeaves = 1; chunkLeaves <= 64; chunkLeaves *= 2) {
		for (let first = 0; first < leaves.length; first += chunkLeaves) {
			const last = Math.min(leaves.length, first + chunkLeaves);
			entries.set(`bytes=${first * MiB}-${Math.min(size, last * MiB) - 1}`, rootOf(leaves.slice(first, last)));
		}
	}

	const describe = JSON.stringify({
		JobId: 'bench-job', Action: 'ArchiveRetrieval', StatusCode: 'Succeeded', Completed: true, ArchiveId: 'bench-archive',
		ArchiveSizeInBytes: size, RetrievalByteRange: `0-${size - 1}`, SHA256TreeHash: whole, ArchiveSHA256TreeHash: whole,
		CreationDate: '2026-01-01T00:00:00.000Z', CompletionDate: '2026-01-01T04:00:00.000Z', Tier: 'Standard', VaultARN: 'arn:aws:glacier:us-east-1:000000000000:vaults/bench',
	});
	return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 512; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	client_body_temp_path ${dir}/nginx-tmp;
	proxy_temp_path ${dir}/nginx-tmp;
	fastcgi_temp_path ${dir}/nginx-tmp;
	uwsgi_temp_path ${dir}/nginx-tmp;
	scgi_temp_path ${dir}/nginx-tmp;
	map_hash_max_size 65536;
	map_hash_bucket_size 128;
	map $http_range $tree_hash {
		default "${whole}";
${[...entries].map(([range, hash]) => `\t\t"${range}" "${hash}";`).join('\n')}
	}
	server {
		listen 127.0.0.1:${port};
		location = ${jobPath}/output {
			alias ${file};
			default_type application/octet-stream;
			add_header x-amz-sha256-tree-hash $tree_hash;
			add_header x-amz-archive-description "bench archive";
		}
		location = ${jobPath} {
			default_type application/json;
			return 200 '${describe}';
		}
	}
}
`;
}

/** Run a command under /usr/bin/time: wall, user and system seconds, peak RSS in MB. */
async function measure(command, args, env = process.env) {
	return new Promise((done, fail) => {
		const started = performance.now();
		const child = hasTime
			? spawn('/usr/bin/time', ['-f', 'TIME %U %S %M', command, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
			: spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', data => {
			stdout += data;
		});
		child.stderr.on('data', data => {
			stderr += data;
		});
		child.on('error', fail);
		child.on('close', code => {
			const wall = (performance.now() - started) / 1000;
			const [, user, system, kb] = (/TIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr) ?? []).map(Number);
			if (code !== 0) fail(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-600)}`));
			else done({wall, user: user ?? Number.NaN, system: system ?? Number.NaN, rss: (kb ?? Number.NaN) / 1024, stdout});
		});
	});
}

const median = list => {
	const sorted = list.filter(Number.isFinite).sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const f2 = n => (Number.isFinite(n) ? n.toFixed(2) : '-');

console.log(`download-nginx bench: ${sizeMiB} MiB from ${execFileSync(nginx, ['-v'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim() || 'nginx'} on loopback (sendfile) to ${shm}, ${rounds} rounds, node ${process.version}, ${availableParallelism()} cores`);
if (!hasTime) console.log('  (/usr/bin/time missing: no CPU or RSS figures)');
const started = performance.now();
const file = join(dir, 'www-output.bin');
const leaves = makeOutput(file, size);
const whole = rootOf(leaves);
const printed = execFileSync(process.execPath, [...shebangFlags(cli), cli, 'tree-hash', file], {encoding: 'utf8'}).split(' ')[0];
if (printed !== whole) throw new Error(`thaw tree-hash says ${printed}, the bench's own leaf hashes say ${whole}`);
const port = await freePort();
const jobPath = '/-/vaults/bench/jobs/bench-job';
mkdirSync(join(dir, 'nginx-tmp'));
writeFileSync(join(dir, 'nginx.conf'), nginxConfig({port, leaves, whole, jobPath, file}));
server = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir], {stdio: ['ignore', 'ignore', 'inherit']});
const url = `http://127.0.0.1:${port}`;
for (let tries = 0; ; tries++) {
	const answer = await fetch(`${url}${jobPath}`).then(async response => response.ok && response.json(), () => undefined);
	if (answer?.SHA256TreeHash === whole) break;
	if (tries > 100) throw new Error(`nginx did not answer on ${url}: ${readFileSync(join(dir, 'nginx-error.log'), 'utf8').slice(-400)}`);
	await new Promise(done => setTimeout(done, 50));
}

console.log(`  file ${whole} (checked with thaw tree-hash), nginx pid ${server.pid} on ${url}, ready in ${((performance.now() - started) / 1000).toFixed(1)} s; load ${uptime()}`);
const env = {...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true'};
const out = name => join(dir, `${name}.out`);
const thawArgs = (thaw, target) => [...shebangFlags(thaw.path), thaw.path, 'get-job-output', '--endpoint-url', url, '--account-id', '-', '--vault-name', 'bench', '--job-id', 'bench-job', '--quiet', '--overwrite', ...thaw.args, target];
const awsArgs = target => ['glacier', 'get-job-output', '--endpoint-url', url, '--account-id', '-', '--vault-name', 'bench', '--job-id', 'bench-job', target];
const curlArgs = target => ['-sS', '--fail', '-o', target, `${url}${jobPath}/output`];

if (values.serve) {
	console.log(`\nserving until Enter. By hand (env AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1):`);
	console.log(`  node ${thawArgs(thaws[0], '/dev/shm/thaw.out').join(' ')}`);
	console.log(`  aws ${awsArgs('/dev/shm/aws.out').join(' ')}`);
	console.log(`  curl ${curlArgs('/dev/shm/curl.out').join(' ')}`);
	await new Promise(done => {
		process.stdin.once('data', done);
		process.stdin.once('end', done);
	});
	cleanUp();
	process.exit(0);
}

const clients = [
	...thaws.map(thaw => ({
		name: thaw.label,
		run: async () => {
			const result = await measure(process.execPath, thawArgs(thaw, out(thaw.label)), env);
			const report = JSON.parse(result.stdout);
			if (!report.verified) throw new Error(`${thaw.label} did not verify the download: ${result.stdout.slice(0, 400)}`);
			return result;
		},
	})),
	...(aws ? [{name: 'aws', run: async () => measure(aws, awsArgs(out('aws')), env)}] : []),
	...(curl ? [{name: 'curl', run: async () => measure(curl, curlArgs(out('curl')), env)}] : []),
	...(values['no-floor'] ? [] : ['node:http', 'raw socket'].map(name => ({
		name,
		floor: true,
		run: async () => measure(process.execPath, [fileURLToPath(import.meta.url), '--floor', name === 'raw socket' ? 'raw' : 'http', '--size', String(sizeMiB), '--url', `${url}${jobPath}/output`], env),
	}))),
];
if (!aws) console.log(`  aws CLI ${values['no-aws'] ? 'left out (--no-aws)' : 'not on PATH'}: no thaw / aws ratio`);
const results = new Map(clients.map(client => [client.name, []]));
const pad = clients.reduce((most, client) => Math.max(most, client.name.length), 4);

console.log(`\nround  ${'client'.padEnd(pad)}   wall s   user s    sys s   RSS MB   load before`);
for (let round = 0; round < rounds; round++) {
	// Rotate who goes first, so no client always follows the same one.
	const order = clients.map((_, i) => clients[(i + round) % clients.length]);
	for (const client of order) {
		const load = uptime();
		const result = await client.run();
		if (!client.floor) {
			const target = out(client.name);
			if (statSync(target).size !== size) throw new Error(`${client.name} wrote ${statSync(target).size} bytes, not ${size}`);
			if (round === 0) execFileSync('cmp', [file, target]);
			rmSync(target, {force: true});
		}

		results.get(client.name).push(result);
		console.log(`${String(round + 1).padStart(5)}  ${client.name.padEnd(pad)} ${f2(result.wall).padStart(8)} ${f2(result.user).padStart(8)} ${f2(result.system).padStart(8)} ${result.rss.toFixed(0).padStart(8)}   ${load}`);
	}
}

console.log(`\nmedian of ${rounds} (first round's files compared byte for byte with cmp)`);
console.log(`       ${'client'.padEnd(pad)}   wall s   user s    sys s   RSS MB   MiB/s`);
const medians = new Map();
for (const [name, list] of results) {
	const m = {wall: median(list.map(r => r.wall)), user: median(list.map(r => r.user)), system: median(list.map(r => r.system)), rss: Math.max(...list.map(r => r.rss))};
	medians.set(name, m);
	const note = name === 'curl' || name === 'aws' ? 'unverified' : (name === 'node:http' || name === 'raw socket' ? 'floor: received, dropped' : 'verified');
	console.log(`       ${name.padEnd(pad)} ${f2(m.wall).padStart(8)} ${f2(m.user).padStart(8)} ${f2(m.system).padStart(8)} ${m.rss.toFixed(0).padStart(8)}   ${(sizeMiB / m.wall).toFixed(0).padStart(5)}   (${note})`);
}

for (const thaw of thaws) {
	const mine = medians.get(thaw.label);
	if (medians.has('aws')) {
		const ratio = mine.wall / medians.get('aws').wall;
		console.log(`${thaw.label} / aws wall ${ratio.toFixed(2)} (target <= 0.50: ${ratio <= 0.5 ? 'met' : 'NOT met'})${medians.has('curl') ? `; ${thaw.label} / curl ${(mine.wall / medians.get('curl').wall).toFixed(2)}` : ''}; peak RSS ${mine.rss.toFixed(0)} MB (target <= 150: ${mine.rss <= 150 ? 'met' : 'NOT met'})`);
	} else if (medians.has('curl')) {
		console.log(`${thaw.label} / curl wall ${(mine.wall / medians.get('curl').wall).toFixed(2)}; peak RSS ${mine.rss.toFixed(0)} MB`);
	}
}

if (medians.has('node:http') && medians.has('aws')) {
	const floor = medians.get('node:http');
	console.log(`floor: node:http alone (no hash, no write, no SDK) takes ${f2(floor.wall)} s and ${f2(floor.user + floor.system)} s of CPU on one event loop = ${(floor.wall / medians.get('aws').wall).toFixed(2)} of aws; raw sockets ${f2(medians.get('raw socket')?.wall)} s`);
}

if (medians.has('curl') && medians.has('aws')) {
	// The limit under the 0.5 target: curl only receives and writes the file (no hash, no checks), and
	// every client that saves the output has that work to do.
	const curl = medians.get('curl');
	const curlRatio = curl.wall / medians.get('aws').wall;
	console.log(`limit: curl (receive and write only) takes ${f2(curl.wall)} s and ${f2(curl.user + curl.system)} s of CPU = ${curlRatio.toFixed(2)} of aws: ${curlRatio > 0.5 ? 'on this machine no client that writes the file reaches 0.5 of aws' : 'a client that writes the file can reach 0.5 of aws here'}`);
}

console.log(`load after: ${uptime()}`);

if (!values['no-loop'] && loopRounds > 0) {
	// The engine in a process of its own started as cli.js starts the TUI (its
	// shebang's node flags: without them V8's tiny old space costs ~1.5 s more
	// of GC per GiB), with the screen's listener taking a snapshot every notification.
	console.log(`\nthe engine in-process as under the TUI (node ${shebangFlags(cli).join(' ')}), default settings, a store listener reading snapshots; event-loop delay (target p99 <= 25 ms):`);
	for (let round = 1; round <= loopRounds; round++) {
		const load = uptime();
		const result = await measure(process.execPath, [...shebangFlags(cli), fileURLToPath(import.meta.url), '--loop', '--size', String(sizeMiB), '--url', url], env);
		const r = JSON.parse(result.stdout);
		console.log(`  round ${round}: ${r.seconds.toFixed(2)} s, verified ${r.ok}, hashThreads ${r.hashThreads}, CPU ${f2(result.user + result.system)} s, peak RSS ${result.rss.toFixed(0)} MB, ${r.notifications} notifications; delay p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.p99 <= 25 ? 'met' : 'NOT met'}), max ${r.max.toFixed(1)} ms; load ${load}`);
	}
}

cleanUp();
console.log('\nrepeat:');
console.log(`  npm run build && node test/bench/download-nginx.bench.mjs --size ${sizeMiB} --rounds ${rounds}${(values.thaw ?? []).map(spec => ` --thaw '${spec}'`).join('')}${values['no-aws'] ? ' --no-aws' : ''}${values['no-curl'] ? ' --no-curl' : ''}${values['no-floor'] ? ' --no-floor' : ''}${values['no-loop'] ? ' --no-loop' : ''}`);
console.log('  by hand: the same with --serve (starts nginx, prints the three commands)');
