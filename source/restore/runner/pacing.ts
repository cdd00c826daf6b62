/**
 * Paced initiation, pure: how many more bytes of retrievals may be started
 * now so that what is outstanding (initiated and not yet on disk) can be
 * downloaded before the outputs expire, fits the free disk at --to, and stays
 * under --max-bytes-in-flight; and which archives (smallest first) that is.
 *
 * The window rule: outstanding bytes <= throughput x --window-hours (default
 * 20 of Glacier's 24: a margin for the job's own completion spread). The
 * rate is --bandwidth, else measured (trusted once enough was seen, or once
 * the first downloads are all done), else an earlier run's measurement.
 * With none of those nothing is assumed: a probe of at most PROBE_BYTES is
 * initiated (small enough for any link's window) and its downloads measure
 * the pace for every later wave.
 */
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A download rate for estimates only (a preview's "about how long"), never for pacing: pacing assumes nothing. */
export const ASSUMED_BYTES_PER_SECOND = 8 * MiB;

/** Initiated at most until a rate is known: 1 GiB fits a 20-hour window at 15 KB/s. */
export const PROBE_BYTES = GiB;

/** 'measuring': no rate yet, so no more than the probe is outstanding. */
export type Limit = 'window' | 'disk' | 'max-bytes-in-flight' | 'measuring';

export type PacingInput = {
	/** Download rate to plan with, bytes per second; null: not known yet (then at most `probeBytes` is outstanding). */
	bytesPerSecond: number | null;
	/** The probe's size while the rate is unknown (default PROBE_BYTES). */
	probeBytes?: number;
	/** The window never allows less than this (default 0): a measured rate may be low because the first archives were tiny, and the probe fits any window. */
	floorBytes?: number;
	windowHours: number;
	/** Bytes initiated (or being initiated) and not yet verified. */
	outstandingBytes: number;
	/** Free bytes at --to for this user (statfs bavail x bsize); null when unknown. */
	freeDiskBytes: number | null;
	/** Kept free on the disk, never planned into (default reserveFor(freeDiskBytes)). */
	reserveDiskBytes?: number;
	maxBytesInFlight: number | null;
};

export type Allowance = {
	/** Bytes that may still be initiated now (>= 0). */
	bytes: number;
	/** The tightest of the bounds. */
	limitedBy: Limit;
	/** Each bound's total (not minus outstanding), for the progress line; while measuring, windowBytes is the probe. */
	windowBytes: number;
	diskBytes: number;
};

/** A margin kept free on the disk: 1 GiB, or a twentieth of what is free when that is less. */
export function reserveFor(freeDiskBytes: number | null): number {
	if (freeDiskBytes === null) return 0;
	return Math.min(GiB, Math.floor(freeDiskBytes / 20));
}

export function allowance(input: PacingInput): Allowance {
	const measuring = input.bytesPerSecond === null;
	const windowBytes = measuring ? input.probeBytes ?? PROBE_BYTES : Math.max(input.floorBytes ?? 0, Math.max(0, input.bytesPerSecond!) * input.windowHours * 3600);
	// Free space already reflects the parts written so far; what is outstanding still has to land (counted whole: conservative).
	const diskBytes = input.freeDiskBytes === null ? Number.POSITIVE_INFINITY : Math.max(0, input.freeDiskBytes - (input.reserveDiskBytes ?? reserveFor(input.freeDiskBytes)));
	const bounds: Array<[Limit, number]> = [
		[measuring ? 'measuring' : 'window', windowBytes - input.outstandingBytes],
		['disk', diskBytes - input.outstandingBytes],
		['max-bytes-in-flight', (input.maxBytesInFlight ?? Number.POSITIVE_INFINITY) - input.outstandingBytes],
	];
	let tightest = bounds[0];
	for (const bound of bounds) if (bound[1] < tightest[1]) tightest = bound;
	return {bytes: Math.max(0, tightest[1]), limitedBy: tightest[0], windowBytes, diskBytes};
}

export type Wave = {
	/** How many of the candidates (in the order given) to initiate now. */
	count: number;
	bytes: number;
	/** Why the wave stopped before the candidates ran out. */
	blockedBy?: Limit;
};

/**
 * The next wave: the longest prefix of `sizes` (candidates, smallest first)
 * that fits the allowance. One archive bigger than the window or
 * --max-bytes-in-flight still goes alone when nothing else is outstanding
 * (else it would never start); the disk is a hard bound.
 */
export function nextWave(sizes: ArrayLike<number>, input: PacingInput, limit = Number.POSITIVE_INFINITY): Wave {
	const room = allowance(input);
	let count = 0;
	let bytes = 0;
	while (count < sizes.length && count < limit && bytes + sizes[count] <= room.bytes) bytes += sizes[count++];
	if (count === 0 && sizes.length > 0 && limit > 0 && input.outstandingBytes === 0) {
		const diskRoom = room.diskBytes;
		if (sizes[0] <= diskRoom) return {count: 1, bytes: sizes[0], ...(sizes.length > 1 ? {blockedBy: room.limitedBy} : {})};
		return {count: 0, bytes: 0, blockedBy: 'disk'};
	}

	if (count < sizes.length && count < limit) return {count, bytes, blockedBy: room.limitedBy};
	return {count, bytes};
}

/**
 * Download rate, counted only while downloads are running (an idle wait for
 * jobs is not a slow link), decayed so it follows the recent past.
 */
export class Throughput {
	private active = 0;
	private since = 0;
	private busyMs = 0;
	private bytes = 0;
	private totalBusyMs = 0;
	private totalBytes = 0;

	constructor(private readonly halfLifeMs = 60_000) {}

	/** A download started at `now`. */
	begin(now: number): void {
		this.settle(now);
		this.active++;
	}

	/** A download ended at `now`. */
	end(now: number): void {
		this.settle(now);
		this.active = Math.max(0, this.active - 1);
	}

	add(bytes: number): void {
		this.bytes += bytes;
		this.totalBytes += bytes;
	}

	/** Bytes per second, or null until enough was seen (10 s busy or 64 MiB) to trust it. */
	rate(now: number): number | null {
		this.settle(now);
		if (this.totalBusyMs < 10_000 && this.totalBytes < 64 * MiB) return null;
		return this.rough(now);
	}

	/** Bytes per second from whatever was seen, however little; null before any download ended. */
	rough(now: number): number | null {
		this.settle(now);
		if (this.busyMs <= 0 || this.bytes <= 0) return null;
		return this.bytes / (this.busyMs / 1000);
	}

	/** Bytes downloaded (all time). */
	get downloaded(): number {
		return this.totalBytes;
	}

	private settle(now: number): void {
		if (this.active > 0 && now > this.since) {
			this.busyMs += now - this.since;
			this.totalBusyMs += now - this.since;
		}

		this.since = now;
		while (this.busyMs > 2 * this.halfLifeMs) {
			this.busyMs /= 2;
			this.bytes /= 2;
		}
	}
}
