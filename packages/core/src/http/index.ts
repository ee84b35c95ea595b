export { type BearerToken, createBearerAuth, type Principal, requireScope, type Scope } from './bearer-auth.js';
export { assertCleanText } from './clean-text.js';
export { createRequestHandler, type RequestHandlerOptions } from './create-request-handler.js';
export { type ErrorResponse, errorResponse, mlflowErrorTable, wireErrorCodes, wireStatusFor } from './error-response.js';
export { createHostCheck, type HostCheck } from './host-check.js';
export { type HttpDetails, httpProblem, invalidParameter } from './http-problem.js';
export { assertJsonDepth, maxJsonDepth } from './json-depth.js';
export { queryObject } from './query-object.js';
export { readBodyBytes, readBodyText, readJsonBody } from './read-json-body.js';
export {
  bool,
  double,
  enumeration,
  int64,
  keyValue,
  message,
  parseRequest,
  repeated,
  requestField,
  requestHint,
  string,
} from './request-fields.js';
export { JsonStream, sendJson, sendJsonStream } from './respond.js';
export {
  type ErrorAnswer,
  type HttpMethod,
  type JsonRoute,
  jsonRoute,
  type RawRoute,
  type RequestContext,
  type Route,
  type RouteMount,
  type RouteScope,
  routeBuilder,
} from './route.js';
export { createRouter, type RouteMatch } from './router.js';
