/** A team API for the onboarding example: POST /teams/:team/members {email} → {membershipId}; POST /notifications records a report. */
import { FakeHttpServer, type FakeRequest, type Reply, type SendRequest } from '../../../testkit/fake-http-server';

export class FakeTeamApi extends FakeHttpServer {
  readonly members: { team: string; email: string }[] = [];
  readonly notifications: Record<string, unknown>[] = [];

  protected route(req: FakeRequest): SendRequest | Reply {
    const body = req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
    if (req.method === 'POST' && req.path === '/notifications') {
      this.notifications.push(body);
      return { status: 200, body: { ok: true } };
    }
    const match = /^\/teams\/([^/]+)\/members$/.exec(req.path);
    if (req.method !== 'POST' || !match) return { status: 404, body: { message: 'not found' } };
    if (typeof body.email !== 'string') return { status: 400, body: { message: 'email is required' } };
    const team = decodeURIComponent(match[1]);
    return {
      to: body.email,
      accept: () => {
        this.members.push({ team, email: body.email });
        return { status: 201, body: { membershipId: `m-${this.members.length}` } };
      },
    };
  }

  protected errorBody(status: number): unknown {
    return { message: `fake team API failure ${status}` };
  }
}
