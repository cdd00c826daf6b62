import {Box, Text} from 'ink';
import {useEffect, useState} from 'react';
import {initiateJob, type NewJob as NewJobSpec} from '../../glacier/api.js';
import {inert} from '../../inert.js';
import {Confirm} from '../components/Confirm.js';
import {Line, Wrapped} from '../components/Line.js';
import {StatusBar} from '../components/StatusBar.js';
import {TextInput} from '../components/TextInput.js';
import {useNavigation, useServices} from '../context.js';
import {errorLine} from '../error-line.js';
import {useKeys} from '../hooks/use-keys.js';
import {commandFor} from '../keymap.js';
import {fit} from '../text.js';

const MiB = 1024 * 1024;

export type NewJobProps = {width: number; height: number; active: boolean; vaultName: string; kind: 'inventory' | 'archive'; onStarted(jobId: string): void};

type Field = {name: string; label: string; choices?: string[]};

/** A retrieval range must be megabyte aligned: start a multiple of 1 MiB; end+1 a multiple of 1 MiB (or the archive's end). */
export function checkRange(range: string): string | undefined {
	if (range === '') return undefined;
	const match = /^(\d+)-(\d+)$/.exec(range);
	if (!match) return 'range is START-END in bytes, e.g. 0-1048575';
	const start = Number(match[1]);
	const end = Number(match[2]);
	if (end < start) return 'range end is before its start';
	if (start % MiB !== 0) return `range start ${start} is not a multiple of 1 MiB (1048576)`;
	if ((end + 1) % MiB !== 0) return `range end+1 (${end + 1}) is not a multiple of 1 MiB; only the archive's last byte may end it otherwise`;
	return undefined;
}

export function NewJob({width, height, active, vaultName, kind, onStarted}: NewJobProps) {
	const {connection} = useServices();
	const navigation = useNavigation();
	const fields: Field[] = kind === 'inventory'
		? [{name: 'format', label: 'Format', choices: ['JSON', 'CSV']}, {name: 'tier', label: 'Tier', choices: ['Standard', 'Bulk']}, {name: 'description', label: 'Description'}]
		: [{name: 'archiveId', label: 'Archive id'}, {name: 'tier', label: 'Tier', choices: ['Standard', 'Bulk', 'Expedited']}, {name: 'range', label: 'Byte range (optional)'}, {name: 'description', label: 'Description'}];
	const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map(f => [f.name, f.choices?.[0] ?? ''])));
	const [focus, setFocus] = useState(0);
	const [phase, setPhase] = useState<'form' | 'confirm' | 'starting'>('form');
	const [error, setError] = useState<string>();
	const field = fields[focus];

	// Text fields take every key; so does the confirmation.
	useEffect(() => {
		navigation.setCapture(active);
		return () => {
			navigation.setCapture(false);
		};
	}, [active, navigation]);

	const validate = (): string | undefined => {
		if (kind === 'archive') {
			if (!/^[\w-]{20,}$/.test(values.archiveId.trim())) return 'give the archive id (the long id from an inventory)';
			return checkRange(values.range.trim());
		}

		return undefined;
	};

	const submit = () => {
		const problem = validate();
		setError(problem);
		if (!problem) setPhase('confirm');
	};

	const start = () => {
		setPhase('starting');
		const spec: NewJobSpec = kind === 'inventory'
			? {type: 'inventory-retrieval', format: values.format as 'JSON' | 'CSV', tier: values.tier as 'Standard' | 'Bulk', description: values.description || undefined}
			: {type: 'archive-retrieval', archiveId: values.archiveId.trim(), tier: values.tier as 'Standard' | 'Bulk' | 'Expedited', range: values.range.trim() || undefined, description: values.description || undefined};
		initiateJob(connection, vaultName, spec).then(jobId => {
			navigation.pop();
			onStarted(jobId);
		}, (error_: unknown) => {
			setError(errorLine(error_));
			setPhase('form');
		});
	};

	useKeys((input, key) => {
		const command = commandFor(['setup'], input, key);
		if (command === 'back') {
			navigation.pop();
			return;
		}

		if (command === 'nextField') setFocus(f => (f + 1) % fields.length);
		else if (command === 'prevField') setFocus(f => (f + fields.length - 1) % fields.length);
		else if (command === 'start') submit();
		else if (field.choices && command === 'choose') {
			const choices = field.choices;
			const step = key.leftArrow ? choices.length - 1 : 1;
			setValues(v => ({...v, [field.name]: choices[(choices.indexOf(v[field.name]) + step) % choices.length]}));
		}
	}, active && phase === 'form');

	const title = kind === 'inventory' ? `New inventory retrieval for vault '${inert(vaultName)}'` : `New archive retrieval from vault '${inert(vaultName)}'`;
	const billing = kind === 'inventory'
		? 'AWS bills each retrieval request; inventories usually take about 4 hours (Standard) or longer (Bulk).'
		: 'AWS bills retrievals per GB and per request (Expedited costs most); Standard takes 3-5 hours, Bulk 5-12.';
	const summary = kind === 'inventory'
		? `Inventory of '${inert(vaultName)}' as ${values.format}, ${values.tier} tier.`
		: `Archive ${inert(values.archiveId.trim().slice(0, 40))}…${values.range ? ` bytes ${inert(values.range)}` : ''}, ${values.tier} tier.`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{title}</Line>
			<Line width={width}>{''}</Line>
			{fields.map((f, i) => (f.choices
				? <Box key={f.name} height={1} width={width}>
					<Text color={i === focus ? 'cyan' : undefined} bold={i === focus} wrap="truncate-end">{fit(`${f.label}: ${f.choices.map(c => (c === values[f.name] ? `[${c}]` : ` ${c} `)).join(' ')}${i === focus ? '   ←/→ changes' : ''}`, width)}</Text>
				</Box>
				: <TextInput key={f.name} label={`${f.label}:`} value={values[f.name]} width={width} active={active && phase === 'form' && i === focus}
					placeholder={f.name === 'range' ? 'whole archive (or START-END, megabyte aligned)' : f.name === 'description' ? '(none)' : ''}
					onChange={value => setValues(v => ({...v, [f.name]: value}))} />))}
			<Line width={width}>{''}</Line>
			<Wrapped width={width} maxLines={3} color="yellow">{`Retrievals are billed by AWS. ${billing}`}</Wrapped>
			{error ? <Wrapped width={width} maxLines={3} color="red">{error}</Wrapped> : undefined}
			{phase === 'confirm'
				? <Confirm width={width} title="Start this retrieval? It is billed by AWS." lines={[summary, billing]} yes="start it" no="go back" onYes={start} onNo={() => setPhase('form')} />
				: undefined}
			{phase === 'starting' ? <Line width={width}>Starting the job…</Line> : undefined}
			<Box flexGrow={1} />
			<StatusBar width={width} text={phase === 'confirm' ? 'y starts (billed)  n/Esc goes back to the form' : 'Tab/↓ next field  ←/→ choose  Enter review and start  Esc back'} />
		</Box>
	);
}
