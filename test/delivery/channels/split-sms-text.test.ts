import { describe, expect, it } from 'vitest';
import { splitSmsText } from '../../../src/delivery/channels/split-sms-text.js';

describe('splitSmsText', () => {
  it('keeps a text that fits as one part', () => {
    expect(splitSmsText('Disk almost full on db-1', 70)).toEqual(['Disk almost full on db-1']);
    expect(splitSmsText('x'.repeat(70), 70)).toEqual(['x'.repeat(70)]);
  });

  it('splits at the last word boundary that fits and drops the whitespace between parts', () => {
    expect(splitSmsText('alpha beta gamma delta', 11)).toEqual(['alpha beta', 'gamma delta']);
    expect(splitSmsText('one two\n\nthree four', 9)).toEqual(['one two', 'three', 'four']);
  });

  it('uses a boundary exactly at the limit', () => {
    expect(splitSmsText('abcde fghij', 5)).toEqual(['abcde', 'fghij']);
  });

  it('hard-splits a word longer than a part', () => {
    expect(splitSmsText('tiny abcdefghijklmnop end', 6)).toEqual(['tiny', 'abcdef', 'ghijkl', 'mnop', 'end']);
  });

  it('never splits a surrogate pair', () => {
    const parts = splitSmsText('🙂🙂🙂', 3);
    expect(parts).toEqual(['🙂', '🙂', '🙂']);
  });

  it('does not break at a no-break space', () => {
    expect(splitSmsText('10\u00a0000 units left', 9)).toEqual(['10\u00a0000', 'units', 'left']);
  });

  it('keeps every part within the limit and loses no word', () => {
    const words = Array.from({ length: 400 }, (_, index) => `word${index}`);
    const parts = splitSmsText(words.join(' '), 160);
    expect(parts.every((part) => part.length > 0 && part.length <= 160)).toBe(true);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });

  it('gives no parts for a blank text', () => {
    expect(splitSmsText('', 160)).toEqual([]);
    expect(splitSmsText(' \n ', 160)).toEqual([]);
  });
});
