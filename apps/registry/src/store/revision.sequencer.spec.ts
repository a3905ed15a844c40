import { InstanceChange } from './registry-store.interface';
import { RevisionSequencer } from './revision.sequencer';

const change = (id: string): InstanceChange[] => [{ service: 'calc', id, before: 'absent', after: undefined }];

describe('RevisionSequencer', () => {
  let told: Array<[number, string | undefined]>;
  let sequencer: RevisionSequencer;

  beforeEach(() => {
    jest.useFakeTimers();
    told = [];
    sequencer = new RevisionSequencer((revision, changes) => told.push([revision, changes?.[0].id]), 500);
    sequencer.reset(10);
  });

  afterEach(() => {
    sequencer.close();
    jest.useRealTimers();
  });

  it('tells the next revision at once, with its changes, and each only once', () => {
    sequencer.changed(11, change('a'));
    sequencer.changed(11, change('a'));
    sequencer.changed(10, change('old'));
    expect(told).toEqual([[11, 'a']]);
  });

  it('holds a revision that overtook an earlier one until that one arrives', () => {
    sequencer.changed(12, change('b'));
    expect(told).toEqual([]);
    sequencer.changed(11, change('a'));
    expect(told).toEqual([
      [11, 'a'],
      [12, 'b'],
    ]);
  });

  it('gives up on a gap that does not fill: told without changes, the held ones after it with theirs', () => {
    sequencer.changed(13, change('c'));
    jest.advanceTimersByTime(499);
    expect(told).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(told).toEqual([
      [12, undefined],
      [13, 'c'],
    ]);
  });

  it('waits for the gap before a revision reached without details, and tells it at once when asked to', () => {
    sequencer.reached(12);
    sequencer.changed(11, change('a'));
    sequencer.changed(12, change('b'));
    expect(told).toEqual([
      [11, 'a'],
      [12, 'b'],
    ]);
    jest.advanceTimersByTime(1_000);
    expect(told).toHaveLength(2);
    sequencer.reached(14, true);
    expect(told[2]).toEqual([14, undefined]);
    sequencer.changed(14, change('late'));
    expect(told).toHaveLength(3);
  });

  it('starts over from a reset, forgetting what was held', () => {
    sequencer.changed(15, change('x'));
    sequencer.reset(3);
    sequencer.changed(4, change('d'));
    jest.advanceTimersByTime(1_000);
    expect(told).toEqual([[4, 'd']]);
  });
});
