import { encodeFrame, FrameDecoder, FrameError } from './tcp-frame.codec';
import { MAX_FRAME_BYTES } from './tcp-frame';

describe('the fast lane’s frame codec', () => {
  const decodeAll = (...chunks: Buffer[]): unknown[] => {
    const frames: unknown[] = [];
    const decoder = new FrameDecoder((frame) => frames.push(frame));
    for (const chunk of chunks) decoder.push(chunk);
    return frames;
  };

  it('writes a 4-byte big-endian length, then the JSON', () => {
    const bytes = encodeFrame({ i: 1, p: 'add', d: { a: 1, b: 2 } });
    const json = '{"i":1,"p":"add","d":{"a":1,"b":2}}';
    expect(bytes.readUInt32BE(0)).toBe(Buffer.byteLength(json));
    expect(bytes.subarray(4).toString()).toBe(json);
  });

  it('counts the length in UTF-8 bytes, not characters', () => {
    const bytes = encodeFrame({ m: 'division par zéro — ∞' });
    expect(bytes.readUInt32BE(0)).toBe(bytes.length - 4);
    expect(decodeAll(bytes)).toEqual([{ m: 'division par zéro — ∞' }]);
  });

  it('decodes several frames in one chunk, in order', () => {
    const chunk = Buffer.concat([encodeFrame({ i: 1 }), encodeFrame({ i: 2 }), encodeFrame({ i: 3 })]);
    expect(decodeAll(chunk)).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
  });

  it('gathers a frame split anywhere, even inside the length prefix or a multi-byte character', () => {
    const stream = Buffer.concat([encodeFrame({ i: 1, m: 'é€' }), encodeFrame({ i: 2, d: [1, 2, 3] })]);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(decodeAll(stream.subarray(0, cut), stream.subarray(cut))).toEqual([{ i: 1, m: 'é€' }, { i: 2, d: [1, 2, 3] }]);
    }
    // Byte by byte.
    expect(decodeAll(...[...stream].map((byte) => Buffer.from([byte])))).toHaveLength(2);
  });

  it('holds an incomplete frame until the rest comes', () => {
    const frames: unknown[] = [];
    const decoder = new FrameDecoder((frame) => frames.push(frame));
    const bytes = encodeFrame({ i: 7 });
    decoder.push(bytes.subarray(0, 6));
    expect(frames).toEqual([]);
    expect(decoder.buffered).toBe(6);
    decoder.push(bytes.subarray(6));
    expect(frames).toEqual([{ i: 7 }]);
    expect(decoder.buffered).toBe(0);
  });

  it('refuses a length over the limit before buffering it, and a body that is not JSON', () => {
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    expect(() => decodeAll(huge)).toThrow(FrameError);
    const garbage = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')]);
    expect(() => decodeAll(garbage)).toThrow(/not JSON/);
  });

  it('refuses to encode a frame over the limit', () => {
    expect(() => encodeFrame({ d: 'x'.repeat(MAX_FRAME_BYTES) })).toThrow(RangeError);
  });
});
