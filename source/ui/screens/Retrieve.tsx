import {Box, Text} from 'ink';
import {useEffect, useRef, useState} from 'react';
import {initiateMany} from '../../glacier/initiate-many.js';
import {inert} from '../../inert.js';
import {Confirm} from '../components/Confirm.js';
import {Line, Wrapped} from '../components/Line.js';
import {StatusBar} from '../components/StatusBar.js';
import {TextInput} from '../components/TextInput.js';
import {useNavigation, useServices} from '../context.js';
import {errorLine} from '../error-line.js';
import {formatBytes, formatCount} from '../format.js';
import {useKeys} from '../hooks/use-keys.js';
import {commandFor} from '../keymap.js';
import type {ArchiveToRetrieve, RetrieveOutcome} from '../routes.js';
import {fit} from '../text.js';
import {useExistingJobs} from './retrieve-existing.js';

export type RetrieveProps = {width: number; height: number; active: boolean; vaultName: string; archives: ArchiveToRetrieve[]; onStarted?: (outcome: RetrieveOutcome) => void};

type Result = {archive: ArchiveToRetrieve; jobId?: string; error?: string};

const tiers = ['Standard', 'Bulk', 'Expedited'] as const;
/** InitiateJob calls in flight at once. */
const parallel = 4;

/** Glacier job descriptions: at most 1,024 printable ASCII characters. */
export function checkJobDescription(text: string): string | undefined {
	if (text.length > 1024) return 'the description can have at most 1,024 characters';
	if (!/^[\x20-\x7E]*$/.test(text)) return 'the description can only hold printable ASCII characters (Glacier\'s rule)';
	return undefined;
}

/**
 * Archive retrievals for the archives marked in the inventory browser: the
 * job-initiation flow of the jobs screen (tier, description, a confirmation
 * that says what is billed), then one InitiateJob per archive, each job id or
 * error reported as it comes back.
 */
export function Retrieve({width, height, active, vaultName, archives, onStarted}: RetrieveProps) {
	const {connection} = useServices();
	const navigation = useNavigation();
	const [tier, setTier] = useState<typeof tiers[number]>('Standard');
	const [description, setDescription] = useState('');
	const [focus, setFocus] = useState(0);
	const [phase, setPhase] = useState<'form' | 'confirm' | 'running' | 'done'>('form');
	const [error, setError] = useState<string>();
	const [results, setResults] = useState<Result[]>([]);
	const [offset, setOffset] = useState(0);
	const stopRef = useRef<AbortController | undefined>(undefined);
	// Archives that already have a job in progress or ready: skipped unless the person chooses to pay again.
	const existing = useExistingJobs(vaultName, archives.map(a => a.archiveId));
	const [again, setAgain] = useState(false);
	const withJob = existing.checking ? [] : archives.filter(a => existing.byArchive.has(a.archiveId));
	const toStart = again || withJob.length === 0 ? archives : archives.filter(a => !existing.checking && !existing.byArchive.has(a.archiveId));
	const skipped = again ? [] : withJob;
	const fields = withJob.length > 0 ? 3 : 2;
	const total = toStart.reduce((sum, a) => sum + a.size, 0);
	const allTotal = archives.reduce((sum, a) => sum + a.size, 0);

	useEffect(() => {
		navigation.setCapture(active);
		return () => {
			navigation.setCapture(false);
		};
	}, [active, navigation]);

	useEffect(() => () => {
		stopRef.current?.abort();
	}, []);

	const start = () => {
		setPhase('running');
		const controller = new AbortController();
		stopRef.current = controller;
		const jobs = toStart.map(archive => ({type: 'archive-retrieval' as const, archiveId: archive.archiveId, tier, description: description || undefined}));
		const done: Result[] = [];
		initiateMany(connection, vaultName, jobs, {
			concurrency: parallel,
			signal: controller.signal,
			onProgress(result) {
				done.push({archive: toStart[result.index], jobId: result.jobId, error: result.error === undefined ? undefined : errorLine(result.error)});
				setResults([...done]);
			},
		}).finally(() => {
			setPhase('done');
			const started = done.filter(r => r.jobId);
			onStarted?.({started: started.map(r => r.archive.archiveId), jobIds: started.map(r => r.jobId!), skipped: skipped.map(a => a.archiveId)});
		});
	};

	// Enter: the confirmation, once it is known which archives already have a job (Enter while checking waits for that).
	const [reviewWaiting, setReviewWaiting] = useState(false);
	const review = () => {
		if (existing.checking) {
			setReviewWaiting(true);
			return;
		}

		setReviewWaiting(false);
		const problem = toStart.length === 0
			? `${archives.length === 1 ? 'It already has' : `All ${count} already have`} a job in progress or ready: nothing to start.`
			: checkJobDescription(description);
		setError(problem);
		if (!problem) setPhase('confirm');
	};

	useEffect(() => {
		if (reviewWaiting && !existing.checking) review();
	});

	useKeys((input, key) => {
		if (phase === 'running') {
			if (commandFor(['global'], input, key) === 'back') stopRef.current?.abort();
			return;
		}

		if (phase === 'done') {
			const command = commandFor(['pager'], input, key);
			if (command === 'back') navigation.pop();
			else if (command === 'down') setOffset(o => o + 1);
			else if (command === 'up') setOffset(o => Math.max(0, o - 1));
			return;
		}

		const command = commandFor(['setup'], input, key);
		if (command === 'back') navigation.pop();
		else if (command === 'nextField') setFocus(f => (f + 1) % fields);
		else if (command === 'prevField') setFocus(f => (f + fields - 1) % fields);
		else if (command === 'start') review(); else if (focus === 0 && command === 'choose') {
			const step = key.leftArrow ? tiers.length - 1 : 1;
			setTier(t => tiers[(tiers.indexOf(t) + step) % tiers.length]);
		} else if (focus === 2 && command === 'choose') {
			setAgain(a => !a);
			setError(undefined);
		}
	}, active && phase !== 'confirm');

	const count = `${formatCount(archives.length)} archive${archives.length === 1 ? '' : 's'}`;
	const startCount = `${formatCount(toStart.length)} archive${toStart.length === 1 ? '' : 's'}`;
	const existingLine = existing.checking
		? {text: 'Checking whether any of these already has a retrieval job (a moment).', colour: 'gray'}
		: existing.error
			? {text: `Any of these with a job already would be billed again: could not check (${existing.error}).`, colour: 'yellow'}
			: withJob.length > 0
				? {text: `${formatCount(withJob.length)} of ${count} already ha${withJob.length === 1 ? 's' : 've'} a job (in progress or ready): ${again ? 'billed again' : 'skipped'}.`, colour: 'yellow'}
				: undefined;
	const repeatLines = skipped.length > 0
		? [`${formatCount(skipped.length)} that already ha${skipped.length === 1 ? 's' : 've'} a job in progress or ready: skipped.`]
		: again && withJob.length > 0 ? [`${formatCount(withJob.length)} of them already ha${withJob.length === 1 ? 's' : 've'} a job in progress or ready: billed again.`] : [];
	const billing = 'AWS bills every retrieval request and each GB retrieved (Expedited costs most); Standard takes 3-5 hours, Bulk 5-12, then each output stays 24 hours.';
	const started = results.filter(r => r.jobId).length;
	const failed = results.length - started;
	const listRoom = Math.max(1, height - 6);
	const maxOffset = Math.max(0, results.length - listRoom);
	const first = phase === 'running' ? maxOffset : Math.min(offset, maxOffset);
	const lines = results.slice(first, first + listRoom).map(r => (r.jobId
		? {text: `✓ ${r.archive.name || r.archive.archiveId.slice(0, 20) + '…'}  →  job ${inert(r.jobId)}`, colour: undefined}
		: {text: `✗ ${r.archive.name || r.archive.archiveId.slice(0, 20) + '…'}: ${r.error ?? ''}`, colour: 'red'}));
	const names = archives.slice(0, 3).map(a => a.name || `${a.archiveId.slice(0, 16)}…`).join(', ') + (archives.length > 3 ? `, and ${formatCount(archives.length - 3)} more` : '');

	if (phase === 'running' || phase === 'done') {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Line width={width} bold>{`Archive retrievals from '${inert(vaultName)}', ${tier} tier`}</Line>
				<Line width={width} color={failed > 0 ? 'yellow' : undefined}>{`${phase === 'running' ? 'Starting' : 'Started'} ${formatCount(started)} of ${startCount}${failed ? `, ${formatCount(failed)} failed` : ''}${phase === 'done' && results.length < toStart.length ? ` (stopped: ${formatCount(toStart.length - results.length)} not started)` : ''}`}</Line>
				<Line width={width} color="gray">{skipped.length > 0 ? `Skipped ${formatCount(skipped.length)} that already had a job in progress or ready (not billed again).` : ''}</Line>
				{lines.map((l, i) => <Line key={i} width={width} color={l.colour}>{l.text}</Line>)}
				<Box flexGrow={1} />
				<Line width={width} color="gray">{phase === 'done' ? 'The new jobs show in the vault\'s jobs list (in progress); download each once it succeeds.' : ''}</Line>
				<StatusBar width={width} text={phase === 'running' ? 'Esc stops starting more (jobs already started keep running)' : `Esc back${maxOffset > 0 ? '  j/k scroll' : ''}`} />
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{`Retrieve ${count} (${formatBytes(allTotal)}) from vault '${inert(vaultName)}'`}</Line>
			<Line width={width} color="gray">{names}</Line>
			<Line width={width}>{''}</Line>
			<Box height={1} width={width}>
				<Text color={focus === 0 ? 'cyan' : undefined} bold={focus === 0} wrap="truncate-end">{fit(`Tier: ${tiers.map(t => (t === tier ? `[${t}]` : ` ${t} `)).join(' ')}${focus === 0 ? '   ←/→ changes' : ''}`, width)}</Text>
			</Box>
			<TextInput label="Job description:" value={description} width={width} active={active && phase === 'form' && focus === 1} placeholder="(none)" onChange={setDescription} />
			{withJob.length > 0
				? <Box height={1} width={width}><Text color={focus === 2 ? 'cyan' : undefined} bold={focus === 2} wrap="truncate-end">{fit(`Already have a job: ${again ? ' skip them  [start again]' : '[skip them]  start again '}${focus === 2 ? '   ←/→ changes' : ''}`, width)}</Text></Box>
				: undefined}
			{existingLine ? <Wrapped width={width} maxLines={4} color={existingLine.colour}>{existingLine.text}</Wrapped> : undefined}
			<Line width={width}>{''}</Line>
			<Wrapped width={width} maxLines={3} color="yellow">{`Retrievals are billed by AWS. ${billing}`}</Wrapped>
			{error ? <Wrapped width={width} maxLines={3} color="red">{error}</Wrapped> : undefined}
			{phase === 'confirm'
				? <Confirm width={width} title={`Start ${formatCount(toStart.length)} billed archive retrieval${toStart.length === 1 ? '' : 's'}?`} lines={[`${startCount}, ${formatBytes(total)} (${formatCount(total)} bytes) in total, ${tier} tier: one job per archive.`, ...repeatLines, 'AWS bills each request and each GB retrieved.']} yes="start them" no="go back" onYes={start} onNo={() => setPhase('form')} />
				: undefined}
			<Box flexGrow={1} />
			<StatusBar width={width} text={phase === 'confirm' ? 'y starts (billed)  n/Esc goes back to the form' : 'Tab/↓ next field  ←/→ choose  Enter review and start  Esc back'} />
		</Box>
	);
}
