/**
 * A vault inventory as Glacier writes it: JSON exactly as the AWS page shows,
 * or CSV with Glacier's own escaping (quote a field that holds a comma or a
 * double quote, write `"` as `\"`, leave backslashes alone).
 */
export type InventoryArchive = {archiveId: string; description: string; creationDate: string; size: number; treeHash: string};

export function inventoryJson(vaultArn: string, inventoryDate: string, archives: readonly InventoryArchive[]): string {
	return JSON.stringify({
		VaultARN: vaultArn,
		InventoryDate: inventoryDate,
		ArchiveList: archives.map(a => ({
			ArchiveId: a.archiveId,
			ArchiveDescription: a.description,
			CreationDate: a.creationDate,
			Size: a.size,
			SHA256TreeHash: a.treeHash,
		})),
	});
}

/** One CSV field, escaped the way Glacier does it. */
export function glacierCsvField(value: string): string {
	if (!/[",]/.test(value)) return value;
	return `"${value.replaceAll('"', '\\"')}"`;
}

export function inventoryCsv(archives: readonly InventoryArchive[]): string {
	const lines = ['ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash'];
	for (const a of archives) {
		lines.push([a.archiveId, glacierCsvField(a.description), a.creationDate, String(a.size), a.treeHash].join(','));
	}

	return lines.join('\n') + '\n';
}
