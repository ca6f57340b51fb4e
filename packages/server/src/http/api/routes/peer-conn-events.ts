import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';

/** GET /api/v1/peerconns/{id}/events: every state change, oldest first (who, when, from, to). */
export const peerConnEventRoutes: RouteRegistration = (app, { application }) => {
  app.get<{ Params: { peerConnId: string } }>('/api/v1/peerconns/:peerConnId/events', async (request) => {
    const events = await application.peerConns.events(callerOf(request), request.params.peerConnId);
    return {
      peerConnId: request.params.peerConnId,
      events: events.map((event) => ({ ...event, at: new Date(event.at).toISOString() })),
    };
  });
};
