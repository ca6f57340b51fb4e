import type { FastifyInstance } from 'fastify';
import type { Application } from '../app/application.js';

/** Every route file exports one function of this type, registering one operation. */
export type RouteRegistration = (app: FastifyInstance, deps: { application: Application }) => void;
