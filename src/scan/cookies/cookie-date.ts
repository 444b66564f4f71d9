/**
 * The cookie date algorithm of RFC 6265bis section 5.1.1, as browsers run it on `Expires`: split on
 * delimiters, take the first token that looks like a time, a day of month, a month and a year (in
 * that order of preference per token), fix two-digit years, validate. Implemented in full except
 * that the result is a JavaScript `Date` (years up to 9999, no leap seconds: second 60 fails).
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-dates
 */

/** %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E */
// eslint-disable-next-line no-control-regex -- the RFC names these control characters
const DELIMITER = /[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+/;
const TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D|$)/;
const DAY = /^(\d{1,2})(?:\D|$)/;
const YEAR = /^(\d{2,4})(?:\D|$)/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The instant a cookie-date string names, or `undefined` when browsers would ignore it. */
export function parseCookieDate(text: string): Date | undefined {
  let time: number[] | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const token of text.split(DELIMITER)) {
    if (token === '') continue;
    const t = time === undefined ? TIME.exec(token) : null;
    if (t) {
      time = [Number(t[1]), Number(t[2]), Number(t[3])];
      continue;
    }
    const d = day === undefined ? DAY.exec(token) : null;
    if (d) {
      day = Number(d[1]);
      continue;
    }
    const m = month === undefined ? MONTHS.indexOf(token.slice(0, 3).toLowerCase()) : -1;
    if (m >= 0) {
      month = m;
      continue;
    }
    const y = year === undefined ? YEAR.exec(token) : null;
    if (y) year = Number(y[1]);
  }
  if (time === undefined || day === undefined || month === undefined || year === undefined) return undefined;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year <= 69) year += 2000;
  const [hour = 0, minute = 0, second = 0] = time;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(year, month, day, hour, minute, second));
  // Date.UTC rolls 31 February over into March: the algorithm says such a date fails.
  return date.getUTCDate() === day ? date : undefined;
}
