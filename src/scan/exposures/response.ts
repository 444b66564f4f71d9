/** The fetched response the exposure checks read, and small helpers over it. */

import { valuesOf, type ReceivedHeader } from '../headers/header-list.js';

/** A response as fetched by the scanner. */
export interface FetchedResponse {
  readonly status: number;
  /** The response headers as received. */
  readonly headers: readonly ReceivedHeader[];
  /** The body (or its first bytes): text, or raw bytes for binary files. */
  readonly body: string | Uint8Array;
}

/** The body as text: strings as they are, bytes one character per byte (latin1, so signatures match). */
export function bodyText(response: FetchedResponse): string {
  return typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('latin1');
}

/** Whether the status is 2xx. */
export function succeeded(response: FetchedResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

/** The media type of `Content-Type`, lower-cased, without parameters; `''` when absent. */
export function mediaType(response: FetchedResponse): string {
  return (valuesOf(response.headers, 'Content-Type')[0] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether the response is an HTML page (by media type, or a body starting with markup). */
export function looksLikeHtml(response: FetchedResponse): boolean {
  return mediaType(response) === 'text/html' || /^\s*</.test(bodyText(response).slice(0, 512));
}

/** The first `max` characters of `text` on one line, for evidence. */
export function excerpt(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
