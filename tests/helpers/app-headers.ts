import {
  APP_REQUEST_HEADER,
  APP_REQUEST_HEADER_VALUE,
} from '../../src/contracts/app-request-header.contract.js';

/**
 * The header our own pages send with every request (ADR 0023): a test that talks to the
 * server the way the web app does sends it too (`startTestApi`'s inject adds it itself).
 */
export const APP_HEADERS = { [APP_REQUEST_HEADER]: APP_REQUEST_HEADER_VALUE } as const;
