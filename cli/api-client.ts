/** The running API, as the CLI's commands reach it: `SANTA_API_URL`, with `API_TOKEN` as its bearer token. */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** An answer, or status 0 with `error` when the API could not be reached at all. */
export interface Answer {
  status: number;
  body: unknown;
  error?: string;
}

export class ApiClient {
  constructor(
    readonly base: string,
    private readonly token: string | undefined,
  ) {}

  async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: { type: string; text: string }): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body) headers['content-type'] = body.type;
    try {
      const res = await fetch(new URL(path, this.base), { method, headers, body: body?.text });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    } catch (error) {
      return { status: 0, body: undefined, error: String((error as Error).cause ?? error) };
    }
  }
}

export function apiFromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
  return new ApiClient(env.SANTA_API_URL?.trim() || DEFAULT_API_URL, env.API_TOKEN?.trim() || undefined);
}

/** Why the API could not be used, in words, or undefined when it answered. */
export function unusable(api: ApiClient, answer: Answer): string | undefined {
  if (answer.status === 0) return `cannot reach the API at ${api.base} (${answer.error}): is the stack running (npm start)?`;
  if (answer.status === 401) return 'the API wants a token: set API_TOKEN';
  return undefined;
}
