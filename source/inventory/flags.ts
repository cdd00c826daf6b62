/** Row flag: the description was decoded; the search text holds the path. */
export const flagDecoded = 1;
/** Row flag: the search text has non-ASCII characters. */
export const flagNonAscii = 2;
