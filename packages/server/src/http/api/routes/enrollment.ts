import { Type } from '@sinclair/typebox';
import type { Enrollment } from '../../../domain/enrollment.js';
import { parsePageRequest } from '../../../domain/pagination.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import type { RouteRegistration } from '../../route-registration.js';
import { requireAdmin } from '../admin.js';

const SetTitle = bodySchema(Type.Object({ platformTitle: Type.String() }));
const AUDIT_ID = /^aud-[0-9a-z]{12}$/;

const enrollmentJson = (enrollment: Enrollment) => ({
  enrollmentId: enrollment.id,
  publicKey: enrollment.publicKey,
  platformTitle: enrollment.platformTitle,
  createdAt: new Date(enrollment.createdAt).toISOString(),
});

/**
 * /api/v1/enrollment: this deployment's identity as its peers see it (any account may read it;
 * administrators set the platform title), and /api/v1/audit: every administrative action, newest
 * first (administrators).
 */
export const enrollmentRoutes: RouteRegistration = (app, { application }) => {
  app.get('/api/v1/enrollment', async () => enrollmentJson(await application.enrollment.get()));

  app.put('/api/v1/enrollment', async (request) => {
    const admin = requireAdmin(request);
    const { platformTitle } = parseBody(SetTitle, request.body);
    return enrollmentJson(await application.enrollment.setPlatformTitle(admin.accountId, platformTitle));
  });

  app.get('/api/v1/audit', async (request) => {
    requireAdmin(request);
    const query = request.query as Record<string, string>;
    const page = await application.enrollment.auditLog(
      parsePageRequest(query.marker, query.maxKeys, AUDIT_ID),
    );
    return {
      events: page.items.map((event) => ({ ...event, at: new Date(event.at).toISOString() })),
      isTruncated: page.isTruncated,
      ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}),
    };
  });
};
