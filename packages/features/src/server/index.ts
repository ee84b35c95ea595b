export { createFeatureRoutes } from './feature-routes.js';
export { type FeatureService, openFeatureService } from './open-feature-service.js';
