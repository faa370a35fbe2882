import { describe, expect, it } from 'vitest';
import { countSmsSegments } from '../../../src/delivery/channels/count-sms-segments.js';

describe('countSmsSegments', () => {
  it('fits 160 GSM-7 characters in one segment and splits longer texts into parts of 153', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(countSmsSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', units: 306, segments: 2 });
    expect(countSmsSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', units: 307, segments: 3 });
  });

  it('counts the GSM-7 extension characters as two septets', () => {
    expect(countSmsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSmsSegments(`${'a'.repeat(159)}{`)).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(countSmsSegments('^{}\\[~]|\f')).toMatchObject({ encoding: 'GSM-7', units: 18 });
  });

  it('never splits an extension character from its escape: 152 septets and a € need a new part', () => {
    // 152 + 2 does not fit a 153-septet part, so the € starts part 2; 153 × 2 would otherwise hold 306 septets.
    const text = `${'a'.repeat(152)}€${'b'.repeat(152)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: 306, segments: 3 });
  });

  it('keeps the GSM-7 basic set, accented letters and Greek capitals included, in GSM-7', () => {
    expect(countSmsSegments('Ünïcode? No: @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà').encoding).toBe('UCS-2');
    expect(countSmsSegments('@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà\r\n').encoding).toBe('GSM-7');
  });

  it('uses UCS-2 for any other character: 70 in one segment, 67 per part', () => {
    expect(countSmsSegments('ç'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments('ç'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(countSmsSegments('ж'.repeat(134))).toEqual({ encoding: 'UCS-2', units: 134, segments: 2 });
    expect(countSmsSegments('ж'.repeat(135))).toEqual({ encoding: 'UCS-2', units: 135, segments: 3 });
  });

  it('counts an emoji as two UTF-16 units and never splits the pair', () => {
    expect(countSmsSegments('🙂'.repeat(35))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    // 134 units would fill two 67-unit parts, but the pair would need units 67 and 68 of the first.
    expect(countSmsSegments(`${'ж'.repeat(66)}🙂${'ж'.repeat(66)}`)).toEqual({ encoding: 'UCS-2', units: 134, segments: 3 });
  });

  it('gives no segments for an empty text', () => {
    expect(countSmsSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 0 });
  });
});
