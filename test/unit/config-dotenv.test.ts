import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/config/index.js';

const values = (text: string) => ({ ...parseDotenv(text).values });

describe('parseDotenv', () => {
  it('reads KEY=value, export, comments, blank lines and trims spaces', () => {
    const text = [
      '# a comment',
      '',
      'PORT=3000',
      '  export NAME = Aegis app  ',
      'EMPTY=',
      'SPACED=   ',
      'COLOR=#fff',
      'URL=https://example.com/a#b',
      'LEVEL=info # the log level',
      'TABBED=x\t# tab before the hash',
      'EQUALS=a=b=c',
      'export=yes',
      '_under_9=ok',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      values: { PORT: '3000', NAME: 'Aegis app', EMPTY: '', SPACED: '', COLOR: '#fff', URL: 'https://example.com/a#b', LEVEL: 'info', TABBED: 'x', EQUALS: 'a=b=c', export: 'yes', _under_9: 'ok' },
      problems: [],
    });
  });

  it('takes single-quoted values literally', () => {
    expect(values(String.raw`A='x \n "y" $HOME # not a comment'  # a comment`)).toEqual({ A: String.raw`x \n "y" $HOME # not a comment` });
    expect(values(`B=''`)).toEqual({ B: '' });
  });

  it('reads escapes in double quotes and keeps unknown ones as written', () => {
    expect(values(String.raw`A="line1\nline2\ttab \"quoted\" back\\slash \$HOME \x"`)).toEqual({ A: 'line1\nline2\ttab "quoted" back\\slash \\$HOME \\x' });
    expect(values(`B="  padded  " # comment`)).toEqual({ B: '  padded  ' });
    expect(values(`C="a#b"`)).toEqual({ C: 'a#b' });
  });

  it('reads quoted values over several lines, keeping their inner spaces, and counts lines after them', () => {
    const text = 'KEY="-----BEGIN KEY-----\n  abc\n-----END KEY-----"\nLITERAL=\'one\ntwo\'\nBAD\n';
    expect(parseDotenv(text)).toEqual({
      values: { KEY: '-----BEGIN KEY-----\n  abc\n-----END KEY-----', LITERAL: 'one\ntwo' },
      problems: [{ line: 6, message: 'expected KEY=value, but the line has no "=".' }],
    });
  });

  it('does not expand variables', () => {
    expect(values('A=1\nB=$A\nC="${A}"\nD=$(whoami)')).toEqual({ A: '1', B: '$A', C: '${A}', D: '$(whoami)' });
  });

  it('accepts CRLF and CR line ends and a byte-order mark', () => {
    expect(parseDotenv('\uFEFFA=1\r\nB="x\r\ny"\rC=3')).toEqual({ values: { A: '1', B: 'x\ny', C: '3' }, problems: [] });
  });

  it('lets a later line win for a repeated key', () => {
    expect(values('A=1\nA=2')).toEqual({ A: '2' });
  });

  it('treats __proto__ as an ordinary key', () => {
    const result = parseDotenv('__proto__=x\nconstructor=y');
    expect(Object.keys(result.values)).toEqual(['__proto__', 'constructor']);
    expect(result.values['__proto__']).toBe('x');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('reports malformed lines by number, never with their value, and reads the rest', () => {
    const text = [
      'GOOD=1', //                      1
      'just-a-value-s3cr3t', //        2
      '1BAD=s3cr3t', //                3
      'BAD KEY=s3cr3t', //             4
      'UNCLOSED="s3cr3t', //           5
      'AFTER=2', //                    6
      "SINGLE='s3cr3t", //             7
      'TRAILING="s3cr3t" s3cr3t', //   8
      '=s3cr3t', //                    9
      'export', //                    10
      'LAST=3', //                    11
    ].join('\n');
    const result = parseDotenv(text);
    expect(result).toEqual({
      values: { GOOD: '1', AFTER: '2', LAST: '3' },
      problems: [
        { line: 2, message: 'expected KEY=value, but the line has no "=".' },
        { line: 3, message: 'the name before "=" is not a variable name (letters, digits and _, not starting with a digit).' },
        { line: 4, message: 'the name before "=" is not a variable name (letters, digits and _, not starting with a digit).' },
        { line: 5, message: 'UNCLOSED: the double quote that opens the value is never closed.' },
        { line: 7, message: 'SINGLE: the single quote that opens the value is never closed.' },
        { line: 8, message: 'TRAILING: unexpected text after the closing quote (put a space and # before a comment).' },
        { line: 9, message: 'the name before "=" is not a variable name (letters, digits and _, not starting with a digit).' },
        { line: 10, message: 'expected KEY=value, but the line has no "=".' },
      ],
    });
    expect(JSON.stringify(result.problems)).not.toContain('s3cr3t');
  });

  it('reads an empty file', () => {
    expect(parseDotenv('')).toEqual({ values: {}, problems: [] });
    expect(parseDotenv('\n\n# only comments\n')).toEqual({ values: {}, problems: [] });
  });
});
