import { Dispatcher, request } from 'undici';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** One HTTP call, answered with its status, headers and parsed JSON body (or text when not JSON). */
export async function http<T = unknown>(
  url: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; dispatcher?: Dispatcher } = {},
): Promise<JsonResponse<T>> {
  const hasBody = options.body !== undefined;
  const response = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: hasBody ? (typeof options.body === 'string' ? options.body : JSON.stringify(options.body)) : undefined,
    ...(options.dispatcher && { dispatcher: options.dispatcher }),
  });
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, headers: response.headers, body: body as T };
}
