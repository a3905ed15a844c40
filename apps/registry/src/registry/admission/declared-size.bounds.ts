import { RegistryBounds } from '../../config';
import { BoundExceededError } from '../../errors/bound-exceeded.error';
import { InstanceRegistration, REGISTRATION_LIMITS } from '../instance.entity';

type SizeBounds = Pick<RegistryBounds, 'maxTags' | 'maxTagLength' | 'maxMetadataEntries' | 'maxMetadataValueLength'>;

/**
 * The configured bounds on what one registration declares (tags, metadata), when tighter than the contract's
 * ceilings, which validation already enforces. Undefined when none is tighter: then nothing is checked
 * per registration.
 */
export function declaredSizeCheck(bounds: SizeBounds): ((registration: InstanceRegistration) => void) | undefined {
  const tighter =
    bounds.maxTags < REGISTRATION_LIMITS.tags ||
    bounds.maxTagLength < REGISTRATION_LIMITS.tagLength ||
    bounds.maxMetadataEntries < REGISTRATION_LIMITS.metadataEntries ||
    bounds.maxMetadataValueLength < REGISTRATION_LIMITS.metadataValueLength;
  if (!tighter) return undefined;
  return ({ tags, metadata }) => {
    if (tags.length > bounds.maxTags) throw new BoundExceededError('maxTags', bounds.maxTags, `tags has ${tags.length} items`);
    const long = tags.find((tag) => tag.length > bounds.maxTagLength);
    if (long !== undefined) {
      throw new BoundExceededError('maxTagLength', bounds.maxTagLength, `tag "${long.slice(0, 32)}…" has ${long.length} characters`);
    }
    const keys = Object.keys(metadata);
    if (keys.length > bounds.maxMetadataEntries) {
      throw new BoundExceededError('maxMetadataEntries', bounds.maxMetadataEntries, `metadata has ${keys.length} entries`);
    }
    const key = keys.find((name) => metadata[name].length > bounds.maxMetadataValueLength);
    if (key !== undefined) {
      throw new BoundExceededError('maxMetadataValueLength', bounds.maxMetadataValueLength, `metadata.${key} has ${metadata[key].length} characters`);
    }
  };
}
