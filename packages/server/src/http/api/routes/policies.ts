import { Type } from '@sinclair/typebox';
import { parsePageRequest } from '../../../domain/pagination.js';
import {
  EGRESS_RULE_ID,
  type EgressRule,
  INGRESS_RULE_ID,
  type IngressRule,
} from '../../../domain/policy.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';

const AddIngressRule = bodySchema(
  Type.Object({
    cidr: Type.Optional(Type.String()),
    enrollmentId: Type.Optional(Type.String()),
    country: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
  }),
);
const AddEgressRule = bodySchema(
  Type.Object({
    destination: Type.Optional(Type.String()),
    enrollmentId: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
  }),
);

type RuleParams = { Params: { ruleId: string } };

const ruleJson = <Rule extends IngressRule | EgressRule>({ id, createdAt, ...rule }: Rule) => ({
  ruleId: id,
  ...rule,
  createdAt: new Date(createdAt).toISOString(),
});

const pageJson = <Rule extends IngressRule | EgressRule>(page: {
  items: Rule[];
  isTruncated: boolean;
  nextMarker?: string;
}) => ({
  rules: page.items.map(ruleJson),
  isTruncated: page.isTruncated,
  ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}),
});

/**
 * /api/v1/policies/ingress and /api/v1/policies/egress: the enrollment's network policies (R1),
 * for administrators. Each rule names one selector; rules add up.
 */
export const policyRoutes: RouteRegistration = (app, { application }) => {
  const policies = application.policies;

  app.get('/api/v1/policies/ingress', async (request) => {
    const query = request.query as Record<string, string>;
    return pageJson(
      await policies.listIngress(
        callerOf(request),
        parsePageRequest(query.marker, query.maxKeys, INGRESS_RULE_ID),
      ),
    );
  });

  app.post('/api/v1/policies/ingress', async (request, reply) => {
    const body = parseBody(AddIngressRule, request.body);
    return reply.status(201).send(ruleJson(await policies.addIngress(callerOf(request), body)));
  });

  app.delete<RuleParams>('/api/v1/policies/ingress/:ruleId', async (request, reply) => {
    await policies.removeIngress(callerOf(request), request.params.ruleId);
    return reply.status(204).send();
  });

  app.get('/api/v1/policies/egress', async (request) => {
    const query = request.query as Record<string, string>;
    return pageJson(
      await policies.listEgress(
        callerOf(request),
        parsePageRequest(query.marker, query.maxKeys, EGRESS_RULE_ID),
      ),
    );
  });

  app.post('/api/v1/policies/egress', async (request, reply) => {
    const body = parseBody(AddEgressRule, request.body);
    return reply.status(201).send(ruleJson(await policies.addEgress(callerOf(request), body)));
  });

  app.delete<RuleParams>('/api/v1/policies/egress/:ruleId', async (request, reply) => {
    await policies.removeEgress(callerOf(request), request.params.ruleId);
    return reply.status(204).send();
  });
};
