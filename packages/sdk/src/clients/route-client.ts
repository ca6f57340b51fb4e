import { paginate } from '../paginate.js';
import { type ClientConfig, newClientToken, SignedTransport } from '../transport.js';
import type {
  CreateRouteRuleArgs,
  Idempotent,
  ListArgs,
  ListPage,
  RouteRule,
  RouteTable,
  RouteTableRef,
  UpdateRouteRuleArgs,
} from '../types.js';

/** The BCE route API (`/v1/route`, `/v1/route/rule`). */
export class RouteClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  /** The route table of a VPC, with its rules. */
  getRouteTable(ref: RouteTableRef): Promise<RouteTable> {
    return this.transport.send('GET', '/v1/route', { query: { ...ref } });
  }

  createRouteRule({ clientToken, ...body }: CreateRouteRuleArgs): Promise<{ routeRuleId: string }> {
    return this.transport.send('POST', '/v1/route/rule', {
      query: { clientToken: clientToken ?? newClientToken() },
      body,
    });
  }

  listRouteRules(ref: RouteTableRef, args: ListArgs = {}): Promise<ListPage & { routeRules: RouteRule[] }> {
    return this.transport.send('GET', '/v1/route/rule', { query: { ...ref, ...args } });
  }

  /** Every rule of a route table, across all pages. */
  paginateRouteRules(
    ref: RouteTableRef,
    args: { maxKeys?: number } = {},
  ): AsyncGenerator<RouteRule, void, undefined> {
    return paginate(
      (marker) => this.listRouteRules(ref, { ...args, ...(marker ? { marker } : {}) }),
      (page) => page.routeRules,
    );
  }

  updateRouteRule(routeRuleId: string, { clientToken, ...body }: UpdateRouteRuleArgs): Promise<void> {
    return this.transport.send('PUT', `/v1/route/rule/${encodeURIComponent(routeRuleId)}`, {
      query: { clientToken: clientToken ?? newClientToken() },
      body,
    });
  }

  deleteRouteRule(routeRuleId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.transport.send('DELETE', `/v1/route/rule/${encodeURIComponent(routeRuleId)}`, {
      query: { clientToken: clientToken ?? newClientToken() },
    });
  }
}
