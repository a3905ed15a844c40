import { RegistryRequestError } from './errors/registry-request.error';
import { FetchFn, RegistryReader } from './registry.reader';

/** A fetch that records the URLs asked and answers `status` with `body`. */
function answering(status: number, body: string): { fetchFn: FetchFn; urls: string[] } {
  const urls: string[] = [];
  const fetchFn: FetchFn = async (url) => {
    urls.push(url.toString());
    return new Response(body, { status });
  };
  return { fetchFn, urls };
}

describe('RegistryReader', () => {
  it('asks the API paths under the base URL, encoding the name and tag', async () => {
    const { fetchFn, urls } = answering(200, '[]');
    const reader = new RegistryReader('http://127.0.0.1:3100/prefix', 1000, fetchFn);
    await reader.instances('my calc', 'v2&x');
    await reader.watch(undefined, 0);
    await reader.watch(12, 30);
    expect(urls).toEqual([
      'http://127.0.0.1:3100/prefix/service/my%20calc?tag=v2%26x',
      'http://127.0.0.1:3100/prefix/watch?timeoutSeconds=0',
      'http://127.0.0.1:3100/prefix/watch?revision=12&timeoutSeconds=30',
    ]);
  });

  it('reports an error answer with the registry message', async () => {
    const { fetchFn } = answering(400, JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'name must match …' }));
    const failure = new RegistryReader('http://r:1', 1000, fetchFn).instances('-');
    await expect(failure).rejects.toThrow(RegistryRequestError);
    await expect(failure).rejects.toThrow('http://r:1/service/- answered 400: name must match …');
  });

  it('reports a body that is not JSON as not a registry', async () => {
    const { fetchFn } = answering(200, '<html>');
    await expect(new RegistryReader('http://r:1', 1000, fetchFn).services()).rejects.toThrow(
      'http://r:1/services answered 200 with a body that is not JSON — is http://r:1 a registry?',
    );
  });

  it('reports an unreachable registry by the cause code', async () => {
    const refused: FetchFn = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    };
    await expect(new RegistryReader('http://r:1', 1000, refused).services()).rejects.toThrow(
      'cannot reach the registry at http://r:1 (ECONNREFUSED)',
    );
  });
});
