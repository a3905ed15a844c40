import { DEFAULT_REGISTRY_CONFIG } from '../../config';
import { BoundExceededError } from '../../errors/bound-exceeded.error';
import { InstanceRegistration } from '../instance.entity';
import { declaredSizeCheck } from './declared-size.bounds';

const registration = (tags: string[], metadata: Record<string, string>): InstanceRegistration => ({
  name: 'calc',
  host: '127.0.0.1',
  port: 3200,
  protocol: 'http',
  tags,
  metadata,
  weight: 1,
  ttlSeconds: 30,
});

describe('declaredSizeCheck', () => {
  it('checks nothing when no bound is tighter than the contract (the default)', () => {
    expect(declaredSizeCheck(DEFAULT_REGISTRY_CONFIG.bounds)).toBeUndefined();
  });

  it('refuses each tighter bound with the variable and what was declared', () => {
    const check = declaredSizeCheck({ maxTags: 1, maxTagLength: 4, maxMetadataEntries: 1, maxMetadataValueLength: 3 });
    expect(check).toBeDefined();
    const refusal = (tags: string[], metadata: Record<string, string>): string => {
      try {
        check!(registration(tags, metadata));
      } catch (error) {
        expect(error).toBeInstanceOf(BoundExceededError);
        expect((error as BoundExceededError).status).toBe(400);
        return (error as Error).message;
      }
      return 'admitted';
    };
    expect(refusal(['a'], { k: 'v' })).toBe('admitted');
    expect(refusal(['a', 'b'], {})).toBe('tags has 2 items, the most REGISTRY_MAX_TAGS (1) allows');
    expect(refusal(['abcde'], {})).toMatch(/has 5 characters, the most REGISTRY_MAX_TAG_LENGTH \(4\) allows$/);
    expect(refusal([], { a: '1', b: '2' })).toBe('metadata has 2 entries, the most REGISTRY_MAX_METADATA_ENTRIES (1) allows');
    expect(refusal([], { a: 'long' })).toBe('metadata.a has 4 characters, the most REGISTRY_MAX_METADATA_VALUE_LENGTH (3) allows');
  });
});
