import { BadRequestException } from '@nestjs/common';
import { PatchInstanceDto } from './dto/patch-instance.dto';
import { RegisterQueryDto } from './dto/query.dto';
import { RegisterInstanceDto } from './dto/register-instance.dto';
import { RegistryValidationPipe } from './validation.pipe';

describe('RegistryValidationPipe', () => {
  const body = { metatype: RegisterInstanceDto, type: 'body' as const };
  const valid = { name: 'calc', host: 'calc.internal', port: 8080, tags: ['v1'], metadata: { zone: 'a' } };

  it('passes a plainly valid register body and query through as they are, numbers parsed', async () => {
    const pipe = new RegistryValidationPipe();
    const input = { ...valid };
    expect(await pipe.transform(input, body)).toBe(input);
    const query = { metatype: RegisterQueryDto, type: 'query' as const };
    expect(await pipe.transform({ knownRevision: '42', answer: 'none' }, query)).toEqual({ knownRevision: 42, answer: 'none' });
  });

  it('leaves what the fast check refuses to class-validator, and its words', async () => {
    const pipe = new RegistryValidationPipe();
    const query = { metatype: RegisterQueryDto, type: 'query' as const };
    await expect(pipe.transform({ answer: 'some' }, query)).rejects.toThrow('answer must be all or none');
    await expect(pipe.transform({ knownRevision: '-1' }, query)).rejects.toThrow('knownRevision must be a non-negative integer');
    // null is "not given" to class-validator: valid, though the schema refuses it.
    expect(await pipe.transform({ ...valid, id: null }, body)).toBeInstanceOf(RegisterInstanceDto);
  });

  it('answers an input seen valid before with the same frozen DTO', async () => {
    const pipe = new RegistryValidationPipe();
    const patch = { metatype: PatchInstanceDto, type: 'body' as const };
    const first = await pipe.transform({ enabled: false, weight: 3 }, patch);
    expect(first).toBeInstanceOf(PatchInstanceDto);
    expect(await pipe.transform({ enabled: false, weight: 3 }, patch)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('rejects with one message naming every bad field, and never caches a rejection', async () => {
    const pipe = new RegistryValidationPipe();
    const bad = { ...valid, port: 0, weight: 'heavy' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await pipe.transform({ ...bad }, body).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BadRequestException);
      expect((error as BadRequestException).message).toBe(
        'port must be an integer between 1 and 65535; weight must be an integer between 1 and 1000',
      );
    }
  });

  it('rejects a body that is not an object', async () => {
    await expect(new RegistryValidationPipe().transform([valid], body)).rejects.toThrow('body must be a JSON object');
  });
});
