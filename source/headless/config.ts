/**
 * thaw config: where the settings file is and what it holds;
 * `thaw config set KEY VALUE` and `thaw config unset KEY` change it.
 */
import process from 'node:process';
import {isSettingKey, openSettings, parseSetting, settingKeys} from '../config.js';
import {ExitCode, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import {parse} from './args.js';

const help = `Usage:
  thaw config                 print where the settings file is and what it holds
  thaw config set KEY VALUE   change one setting
  thaw config unset KEY       remove one setting (back to the default)

Settings:
${settingKeys.map(s => `  ${s.key.padEnd(16)}${s.help}`).join('\n')}

Credentials are never stored here: they come from the AWS SDK's default chain.
THAW_CONFIG_DIR=DIR keeps the file in DIR instead.`;

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('config', args, {help: {type: 'boolean', short: 'h'}, json: {type: 'boolean'}}, true);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	const settings = openSettings();
	const [action, key, value, ...extra] = positionals;
	if (action === 'set') {
		if (key === undefined || value === undefined || extra.length > 0) throw new UsageError('thaw config set takes a KEY and a VALUE. Run \'thaw config --help\' for the keys.');
		const parsed = parseSetting(key, value);
		settings.set(parsed.key, parsed.value as never);
		process.stdout.write(`${parsed.key} = ${inert(String(parsed.value))}\n`);
		return ExitCode.ok;
	}

	if (action === 'unset') {
		if (key === undefined || value !== undefined) throw new UsageError('thaw config unset takes one KEY. Run \'thaw config --help\' for the keys.');
		if (!isSettingKey(key)) throw new UsageError(`unknown setting '${inert(key)}'; the settings are ${settingKeys.map(s => s.key).join(', ')}`);
		settings.unset(key);
		process.stdout.write(`${inert(key)} unset\n`);
		return ExitCode.ok;
	}

	if (action !== undefined) throw new UsageError(`unknown action '${inert(action)}'. Run 'thaw config --help' for usage.`);

	const current = settings.get();
	if (values.json) {
		process.stdout.write(JSON.stringify({path: settings.path, settings: current}, null, '\t') + '\n');
		return ExitCode.ok;
	}

	const lines = [`Settings file: ${inert(settings.path)}`];
	const set = settingKeys.filter(s => current[s.key] !== undefined);
	if (set.length === 0) lines.push('(nothing set: every setting has its default)');
	for (const s of set) lines.push(`  ${s.key.padEnd(16)}${inert(String(current[s.key]))}`);
	lines.push('Change with: thaw config set KEY VALUE (see thaw config --help)');
	process.stdout.write(lines.join('\n') + '\n');
	return ExitCode.ok;
}
