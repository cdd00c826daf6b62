import {stat} from 'node:fs/promises';
import {resolve} from 'node:path';
import {Box} from 'ink';
import {useEffect, useState} from 'react';
import {describeJob, getJobOutput, type Job} from '../../glacier/api.js';
import {ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import {Confirm} from '../components/Confirm.js';
import {Line, Wrapped} from '../components/Line.js';
import {StatusBar} from '../components/StatusBar.js';
import {TextInput} from '../components/TextInput.js';
import {useNavigation, useServices} from '../context.js';
import {errorLine} from '../error-line.js';
import {checkFileName, defaultFileName} from '../download-name.js';
import {findPartial, type FoundPartial} from '../find-partial.js';
import {formatBytes, formatDuration} from '../format.js';
import {useKeys} from '../hooks/use-keys.js';
import {expiryOf, isInventory, outputSize} from '../job-info.js';
import {commandFor} from '../keymap.js';
import {chunkSizeProblem} from '../../engine/chunk-size.js';

export type DownloadSetupProps = {width: number; height: number; active: boolean; vaultName: string; jobId: string; job?: Job};

type Fields = {folder: string; name: string; chunk: string; concurrency: string};
const fieldOrder: Array<{key: keyof Fields; label: string}> = [
	{key: 'folder', label: 'Folder:     '},
	{key: 'name', label: 'File name:  '},
	{key: 'chunk', label: 'Chunk MiB:  '},
	{key: 'concurrency', label: 'Parallel:   '},
];

type Question =
	| {kind: 'resume'; verified: number; total: number; bytes: number}
	| {kind: 'other-partial'; detail: string}
	| {kind: 'overwrite'; path: string};

/** The shared chunk-size rule, worded for this field (which also takes 'auto'). */
function chunkProblem(text: string): string | undefined {
	const problem = chunkSizeProblem(text);
	return problem && `chunk size is auto or ${problem.replace(/^takes /, '')}`;
}

/** x-amz-archive-description, read from a one-byte GetJobOutput (the job listing does not carry it). */
async function archiveDescription(services: ReturnType<typeof useServices>, vaultName: string, job: Job): Promise<string | undefined> {
	if (isInventory(job) || !outputSize(job)) return undefined;
	try {
		const output = await getJobOutput(services.connection, vaultName, job.JobId, {range: 'bytes=0-0'});
		(output.body as {destroy?: () => void} | undefined)?.destroy?.();
		return output.archiveDescription;
	} catch {
		return undefined;
	}
}

export function DownloadSetup({width, height, active, vaultName, jobId, job: given}: DownloadSetupProps) {
	const services = useServices();
	const navigation = useNavigation();
	const saved = services.settings.get();
	const [job, setJob] = useState<Job | undefined>(given);
	const [loadError, setLoadError] = useState<string>();
	const [fields, setFields] = useState<Fields>({folder: saved.downloadFolder ?? services.cwd, name: '', chunk: saved.chunkSizeMiB ? String(saved.chunkSizeMiB) : 'auto', concurrency: String(saved.concurrency ?? 8)});
	const [focus, setFocus] = useState(1);
	const [error, setError] = useState<string>();
	const [question, setQuestion] = useState<Question>();
	const [busy, setBusy] = useState(false);
	const [plan, setPlan] = useState<{resume: 'auto' | 'never'; overwrite: boolean}>({resume: 'auto', overwrite: false});
	const [found, setFound] = useState<FoundPartial>();
	const startFolder = saved.downloadFolder ?? services.cwd;

	useEffect(() => {
		let live = true;
		(async () => {
			const current = given ?? await describeJob(services.connection, vaultName, jobId);
			if (!live) return;
			setJob(current);
			if (current.StatusCode !== 'Succeeded') {
				setLoadError(current.StatusCode === 'InProgress' ? 'This job is still in progress: its output can be downloaded once it succeeds.' : `This job failed (${inert(current.StatusMessage ?? 'no reason given')}): start a new retrieval from the jobs screen.`);
				return;
			}

			// A partial of this job in the folder (under whatever name it was given) comes first.
			const partial = await findPartial(startFolder, vaultName, jobId);
			if (!live) return;
			if (partial) {
				setFound(partial);
				setFields(f => (f.name ? f : {...f, name: partial.name}));
				return;
			}

			const description = await archiveDescription(services, vaultName, current);
			if (live) setFields(f => (f.name ? f : {...f, name: defaultFileName(current, vaultName, description)}));
		})().catch((error_: unknown) => {
			if (live) setLoadError(errorLine(error_));
		});
		return () => {
			live = false;
		};
	}, [vaultName, jobId, given, services, startFolder]);

	// Typing goes to the fields; q and ? are letters here.
	useEffect(() => {
		navigation.setCapture(active && !loadError);
		return () => {
			navigation.setCapture(false);
		};
	}, [active, loadError, navigation]);

	const outfile = resolve(fields.folder || '.', fields.name);

	const begin = async (choice: {resume: 'auto' | 'never'; overwrite: boolean}) => {
		if (!job) return;
		const {startDownload} = await import('../../engine/download/index.js');
		const chunkMiB = fields.chunk === 'auto' || fields.chunk === '' ? undefined : Number(fields.chunk);
		const download = startDownload({
			connection: services.connection,
			vaultName,
			jobId,
			job,
			outfile,
			chunkSize: chunkMiB === undefined ? undefined : chunkMiB * 1024 * 1024,
			concurrency: Number(fields.concurrency),
			resume: choice.resume,
			overwrite: choice.overwrite,
		});
		const untrack = services.track(download, {vaultName, jobId, outfile, progress: () => download.store.getSnapshot()});
		download.done.then(untrack, untrack);
		if (fields.folder !== (saved.downloadFolder ?? services.cwd)) services.settings.set('downloadFolder', resolve(fields.folder));
		navigation.replace({screen: 'download', vaultName, jobId, job, download, outfile});
	};

	/** Checks that need the disk, then the questions (resume? overwrite?), then the start. */
	const proceed = async (step: 'partial' | 'overwrite' | 'start', choice: {resume: 'auto' | 'never'; overwrite: boolean}) => {
		setPlan(choice);
		if (step === 'partial') {
			const {downloadInProgress, inspectPartial} = await import('../../engine/download/index.js');
			// Another thaw writing this file: say who, as `thaw get-job-output` would (exit 6).
			const holder = await downloadInProgress(outfile);
			if (holder) throw new ThawError(holder);
			const partial = await inspectPartial(outfile);
			if (partial && partial.vaultName === vaultName && partial.jobId === jobId) {
				setQuestion({kind: 'resume', verified: partial.verifiedChunks, total: partial.totalChunks, bytes: partial.verifiedBytes});
				return;
			}

			if (partial) {
				setQuestion({kind: 'other-partial', detail: `it belongs to job ${inert(partial.jobId.slice(0, 16))}… of vault '${inert(partial.vaultName)}'`});
				return;
			}

			step = 'overwrite';
		}

		if (step === 'overwrite') {
			const existing = await stat(outfile).catch(() => undefined);
			if (existing && !choice.overwrite) {
				setQuestion({kind: 'overwrite', path: outfile});
				return;
			}
		}

		await begin(choice);
	};

	const submit = () => {
		const problem = checkFileName(fields.name)
			?? (fields.chunk === 'auto' || fields.chunk === '' ? undefined : chunkProblem(fields.chunk))
			?? (!/^\d+$/.test(fields.concurrency) || Number(fields.concurrency) < 1 || Number(fields.concurrency) > 64 ? 'parallel requests: a whole number from 1 to 64' : undefined);
		setError(problem);
		if (problem || busy) return;
		setBusy(true);
		(async () => {
			const folder = await stat(fields.folder || '.').catch(() => undefined);
			if (!folder?.isDirectory()) throw new ThawError(`the folder ${fields.folder} does not exist: create it or choose another`);
			await proceed('partial', {resume: 'auto', overwrite: false});
		})().catch((error_: unknown) => {
			setError(errorLine(error_));
		}).finally(() => {
			setBusy(false);
		});
	};

	const answer = (step: 'overwrite' | 'start', choice: {resume: 'auto' | 'never'; overwrite: boolean}) => {
		setQuestion(undefined);
		proceed(step, choice).catch((error_: unknown) => {
			setError(errorLine(error_));
		});
	};

	useKeys((input, key) => {
		if (loadError) {
			// Nothing to set up: Esc or Enter goes back, q quits (the screen captures keys only while the form shows).
			const command = commandFor(['setup', 'global'], input, key);
			if (command === 'back' || command === 'start') navigation.pop();
			else if (command === 'quit') navigation.exit(0);
			return;
		}

		const command = commandFor(['setup'], input, key);
		if (command === 'back') navigation.pop();
		else if (command === 'nextField') setFocus(f => (f + 1) % fieldOrder.length);
		else if (command === 'prevField') setFocus(f => (f + fieldOrder.length - 1) % fieldOrder.length);
		else if (command === 'start') submit();
	}, active && !question);

	const size = job ? outputSize(job) : undefined;
	const expiry = job ? expiryOf(job, services.now()) : undefined;
	const what = job ? (isInventory(job) ? `Inventory (${job.InventoryRetrievalParameters?.Format ?? 'JSON'}) of vault '${inert(vaultName)}'` : `Archive ${inert((job.ArchiveId ?? '').slice(0, 24))}… from vault '${inert(vaultName)}'`) : `Job ${inert(jobId.slice(0, 24))}…`;
	const lines: Array<{text: string; colour?: string; bold?: boolean}> = [
		{text: `${what}: ${formatBytes(size)}${job?.RetrievalByteRange && job.RetrievalByteRange !== `0-${(job.ArchiveSizeInBytes ?? 0) - 1}` ? ` (bytes ${inert(job.RetrievalByteRange)} of ${formatBytes(job.ArchiveSizeInBytes)})` : ''}`, bold: true},
		{text: expiry?.kind === 'left' ? `Output available for ${formatDuration(expiry.ms / 1000)} more.` : '', colour: expiry?.kind === 'left' && expiry.soon ? 'yellow' : 'gray'},
	];
	if (job && isInventory(job)) lines.push({text: 'This saves the inventory to a file (browse it later with thaw inventory FILE; Enter on the job browses it now).', colour: 'cyan'});
	const body = loadError
		? [<Wrapped key="e" width={width} maxLines={4} color="red">{loadError}</Wrapped>, <Line key="h" width={width} color="gray">Esc goes back.</Line>]
		: [
			...lines.map((l, i) => <Wrapped key={`l${i}`} width={width} maxLines={2} color={l.colour} bold={l.bold}>{l.text}</Wrapped>),
			<Line key="blank" width={width}>{''}</Line>,
			...fieldOrder.map((f, i) => (
				<TextInput key={f.key} label={f.label} value={fields[f.key]} width={width} active={active && !question && !loadError && i === focus}
					placeholder={f.key === 'name' && !fields.name ? 'working out a name…' : ''}
					onChange={value => setFields(x => ({...x, [f.key]: value}))} />
			)),
			<Wrapped key="to" width={width} maxLines={3} color="gray">{fields.name ? `Saves to ${inert(outfile)} (via ${inert(fields.name)}.part until verified)` : ''}</Wrapped>,
			found && fields.name === found.name && resolve(fields.folder || '.') === resolve(startFolder)
				? <Wrapped key="found" width={width} maxLines={2} color="cyan">{`Partial of this job found: ${found.verifiedChunks}/${found.totalChunks} chunks (${formatBytes(found.verifiedBytes)}) verified; Enter resumes it`}</Wrapped>
				: undefined,
			error ? <Wrapped key="err" width={width} maxLines={4} color="red">{error}</Wrapped> : undefined,
			busy ? <Line key="busy" width={width}>Checking the destination…</Line> : undefined,
		];
	return (
		<Box flexDirection="column" width={width} height={height}>
			{body}
			{question?.kind === 'resume'
				? <Confirm width={width} tone="normal" title="A partial download of this job is here." lines={[`${question.verified} of ${question.total} chunks (${formatBytes(question.bytes)}) are already verified.`]} yes="resume it" other={{label: 'start over', onChoose: () => answer('overwrite', {resume: 'never', overwrite: plan.overwrite})}} no="go back" onYes={() => answer('overwrite', {resume: 'auto', overwrite: plan.overwrite})} onNo={() => setQuestion(undefined)} />
				: undefined}
			{question?.kind === 'other-partial'
				? <Confirm width={width} title="Another download's partial file is at this path." lines={[`${question.detail}. Starting over deletes it.`]} yes="start over" no="go back" onYes={() => answer('overwrite', {resume: 'never', overwrite: plan.overwrite})} onNo={() => setQuestion(undefined)} />
				: undefined}
			{question?.kind === 'overwrite'
				? <Confirm width={width} title="This file already exists." lines={[`${inert(question.path)} will be replaced once the download is verified.`]} yes="overwrite it" no="go back" onYes={() => answer('start', {...plan, overwrite: true})} onNo={() => setQuestion(undefined)} />
				: undefined}
			<Box flexGrow={1} />
			<StatusBar width={width} text={loadError ? 'Esc back' : 'Enter start with these settings  Tab/↓ next field  Esc back'} />
		</Box>
	);
}

