// No schema library here: the web app's pages import these values into their bundles.

/**
 * The header our own pages send with every request that changes something (ADR 0023). An
 * HTML form on another page cannot set a header, and a script on another origin that tries
 * is stopped by the browser's preflight (the server allows no other origin), so a request
 * that carries it was sent by a page of ours.
 */
export const APP_REQUEST_HEADER = 'x-requested-with';
export const APP_REQUEST_HEADER_VALUE = 'ketatrack';
