import { BadRequestException } from '@nestjs/common';
import { RegisterInstanceDto } from './dto/register-instance.dto';
import { RegistryValidationPipe } from './validation.pipe';

describe('RegistryValidationPipe', () => {
  const body = { metatype: RegisterInstanceDto, type: 'body' as const };
  const valid = { name: 'calc', host: 'calc.internal', port: 8080, tags: ['v1'], metadata: { zone: 'a' } };

  it('answers an input seen valid before with the same frozen DTO', async () => {
    const pipe = new RegistryValidationPipe();
    const first = await pipe.transform({ ...valid }, body);
    expect(first).toBeInstanceOf(RegisterInstanceDto);
    expect(await pipe.transform({ ...valid }, body)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen((first as RegisterInstanceDto).tags)).toBe(true);
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
