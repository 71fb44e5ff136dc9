/** What the provider fakes share: a node:http server on 127.0.0.1 with request counting and scripted failures. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng } from '../lib/random';

export interface Reply {
  status: number;
  body: unknown;
}

/**
 * A planned failure: an HTTP status (with the provider's usual error body), a full reply, 'reset' to drop the
 * connection, or 'accept-then-reset': the provider takes the message, then the connection drops before its answer
 * (a lost answer; for a lookup, a plain reset).
 */
export type Failure = number | Reply | 'reset' | 'accept-then-reset';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A request the fake understood as "send this message to `to`"; `accept` records it and answers success. */
export interface SendRequest {
  to: string;
  accept: () => Reply;
}

/** A request the fake understood as "which messages to `to` did you accept?"; `answer` lists them. */
export interface LookupRequest {
  to: string;
  answer: () => Reply;
}

export abstract class FakeHttpServer {
  /** Base URL once listening, e.g. http://127.0.0.1:43121. */
  url = '';
  /** Every request received but lookups, including failed ones. */
  requests = 0;
  /** Lookup requests received, including failed ones. */
  lookups = 0;
  /** Messages accepted whose answer was then lost ('accept-then-reset'). */
  lostAnswers = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Delay before each answer, to make requests overlap. */
  delayMs = 0;

  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private readonly planned: Failure[] = [];
  private readonly plannedLookups: Failure[] = [];
  private readonly failing = new Map<string, Failure>();
  private readonly held = new Map<string, Promise<void>>();

  /** A send request, a lookup, or a direct reply (404, 401, 400 for a malformed request). */
  protected abstract route(req: FakeRequest): SendRequest | LookupRequest | Reply;
  /** The provider's error body for a status. */
  protected abstract errorBody(status: number): unknown;

  /** The next `n` send requests fail with `failure`. */
  failNext(n: number, failure: Failure): this {
    for (let i = 0; i < n; i++) this.planned.push(failure);
    return this;
  }

  /** The next `n` lookups fail with `failure` (nothing else makes a lookup fail). */
  failNextLookups(n: number, failure: Failure): this {
    for (let i = 0; i < n; i++) this.plannedLookups.push(failure);
    return this;
  }

  /** Every send request to `to` fails with `failure`, until `succeedFor(to)`. */
  failAlwaysFor(to: string, failure: Failure): this {
    this.failing.set(to, failure);
    return this;
  }

  /**
   * Fails a `fraction` of send requests at random (seeded, so a run can be repeated), each with one of
   * `failures` and, with `slowMs`, answers late by up to that much: a flaky provider.
   */
  beFlaky(fraction: number, failures: Failure[], seed = 1, slowMs = 0): this {
    const rng = createRng(seed);
    this.flakiness = { fraction, failures, random: () => rng.next(), slowMs };
    return this;
  }

  steady(): this {
    this.flakiness = undefined;
    return this;
  }

  private flakiness?: { fraction: number; failures: Failure[]; random: () => number; slowMs: number };

  private flaky(): Failure | undefined {
    const f = this.flakiness;
    if (!f || f.random() >= f.fraction) return undefined;
    return f.failures[Math.floor(f.random() * f.failures.length)];
  }

  private extraDelay(): number {
    return this.flakiness ? Math.floor(this.flakiness.random() * this.flakiness.slowMs) : 0;
  }

  /** Send requests to `to` get no answer until the returned function is called: a message kept in flight. */
  holdFor(to: string): () => void {
    let release = () => {};
    this.held.set(to, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(to);
      release();
    };
  }

  succeedFor(to: string): this {
    this.failing.delete(to);
    return this;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections(); // clients keep connections alive
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let lookup = false;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      const delay = this.delayMs + this.extraDelay();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const routed = this.route(request);
      if ('status' in routed) return send(res, routed);
      lookup = 'answer' in routed;
      if (!lookup) await this.held.get(routed.to);
      const failure = lookup ? this.plannedLookups.shift() : (this.failing.get(routed.to) ?? this.planned.shift() ?? this.flaky());
      if (failure === undefined) return send(res, 'accept' in routed ? routed.accept() : routed.answer());
      if (failure === 'accept-then-reset' && 'accept' in routed) {
        routed.accept();
        this.lostAnswers++;
      }
      if (failure === 'reset' || failure === 'accept-then-reset') return void req.socket.destroy();
      send(res, typeof failure === 'number' ? { status: failure, body: this.errorBody(failure) } : failure);
    } catch (err) {
      send(res, { status: 500, body: { message: `fake server error: ${String(err)}` } });
    } finally {
      this.inFlight--;
      if (lookup) this.lookups++;
      else this.requests++;
    }
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const json = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** The Basic-auth user and password of a request, if any. */
export function basicAuth(req: FakeRequest): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const [user, ...rest] = Buffer.from(match[1], 'base64').toString('utf8').split(':');
  return { user, password: rest.join(':') };
}

/** A URL nothing listens on: requests to it are refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
